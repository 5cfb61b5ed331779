import { InvalidInputError } from '../../common/domain-error';
import type { AppNeeds } from './app';

/** Largest payload the repository accepts (the upload limit): 1 MiB. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** App names travel in URLs, topics and file names: 1-64 chars, lowercase, no separators. */
export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Semantic Versioning 2.0.0 `x.y.z[-pre]` (semver.org §2, §9): no leading zeros in
 * numeric identifiers. Build metadata (§10) is refused: it does not order versions, so two
 * builds of one version could not be told apart by a device.
 */
const NUMERIC = '0|[1-9]\\d*';
const PRE_ID = '0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*';
export const SEMVER_PATTERN = new RegExp(
  `^(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-((?:${PRE_ID})(?:\\.(?:${PRE_ID}))*))?$`,
);
export const MAX_VERSION_LENGTH = 64;

/**
 * The gateway publishes firmware/'s benchmark programs as apps named `bench-<program>-<vm>`
 * (src/benchmarks): the prefix marks them, so lists can leave them out by default, and the
 * REST upload keeps it for them.
 */
export const BENCHMARK_APP_PREFIX = 'bench-';

/** Who an app is for: the user's own, or the gateway's benchmark images. */
export type AppOrigin = 'user' | 'benchmark';

export function appOrigin(name: string): AppOrigin {
  return name.startsWith(BENCHMARK_APP_PREFIX) ? 'benchmark' : 'user';
}

export function isAppName(name: string): boolean {
  return APP_NAME_PATTERN.test(name);
}

export function isSemver(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && SEMVER_PATTERN.test(version);
}

/**
 * One counter for the whole repository: the next upload gets the highest number ever
 * issued (deleted apps included) + 1, the first gets 1. Never reused, so a device that
 * refuses anything older than what it runs always accepts the next upload.
 */
export function nextSequence(highestIssued: number): number {
  return highestIssued + 1;
}

export interface NeedsOverride {
  ramBytes?: number;
  flashBytes?: number;
}

/**
 * What the validator derived from the payload, raised where the uploader asks for more
 * (headroom for a heap, room for updates). Never lowered: a device that offers less than
 * the image itself needs would fail at load time.
 */
export function resolveNeeds(derived: AppNeeds, override: NeedsOverride): AppNeeds {
  const raise = (field: keyof NeedsOverride): number => {
    const asked = override[field];
    if (asked === undefined) return derived[field];
    if (asked < derived[field]) {
      throw new InvalidInputError(
        `${field} ${asked} is below the ${derived[field]} bytes the payload needs; give at least ${derived[field]} or leave it out`,
        [`${field}: at least ${derived[field]}`],
      );
    }
    return asked;
  };
  return {
    ramBytes: raise('ramBytes'),
    flashBytes: raise('flashBytes'),
    stackBytes: derived.stackBytes,
  };
}
