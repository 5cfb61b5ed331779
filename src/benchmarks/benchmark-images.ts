import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppsService } from '../apps/apps.service';
import type { App } from '../apps/domain/app';
import { AppExistsError } from '../common/domain-error';
import { CONFIG, Config } from '../config/config';
import { type ImageFormat, imageFormatOf, VM_KINDS, type VmKind } from '../protocol';
import { benchAppName } from './domain/campaign';
import {
  BENCH_SUITES,
  type BuildProfile,
  DEFAULT_BUILD_PROFILE,
  SUITE_PROGRAMS,
} from '../protocol/bench-catalog';

/**
 * Where each VM kind's benchmark images are, under firmware/ (firmware/README.md): the C
 * images per build profile (`build/wasm/`, `build/wasm-Os/`), the scripts in one version.
 */
const IMAGE_FILES: Record<ImageFormat, (program: string, dir: string) => string> = {
  mips1: (p, dir) => `build/mips1${dir}/${p}.m1`,
  ebpf: (p, dir) => `build/ebpf${dir}/${p}.rbf`,
  wasm: (p, dir) => `build/wasm${dir}/${p}.wasm`,
  lua: (p) => `lua/bench/${p}.lua`,
  micropython: (p) => `python/bench/${p}.py`,
  js: (p) => `js/bench/${p}.js`,
};

/** Image formats a compiler profile changes; the others are scripts, one version each. */
const COMPILED_FORMATS: ReadonlySet<ImageFormat> = new Set(['mips1', 'ebpf', 'wasm']);

/** The profile an image of `vm` is really built with: scripts have only one. */
function effectiveProfile(vm: VmKind, profile: BuildProfile): BuildProfile {
  return COMPILED_FORMATS.has(imageFormatOf(vm)) ? profile : DEFAULT_BUILD_PROFILE;
}

function imageFile(vm: VmKind, program: string, profile: BuildProfile): string {
  const dir = profile === DEFAULT_BUILD_PROFILE ? '' : `-${profile}`;
  return IMAGE_FILES[imageFormatOf(vm)](program, dir);
}

/** An image that is not there, and why: a campaign cell says it. */
export interface MissingImage {
  reason: string;
}

/** firmware/ of this checkout, looked up from here (ts-node or dist/). */
export function findFirmwareDir(): string | null {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'firmware', 'Makefile'))) return path.join(dir, 'firmware');
  }
  return null;
}

/**
 * The benchmark programs of firmware/ as apps of the repository, one per program, VM kind
 * and build profile (`bench-sieve-wasm`, `bench-sieve-wasm-os`), so campaigns push them
 * with the OTA path like any app. A changed image gets the next patch version; an
 * unchanged one is reused. The default profile is registered at start (or first use), the
 * others when a campaign first names them.
 */
@Injectable()
export class BenchmarkImages implements OnApplicationBootstrap {
  private readonly logger = new Logger('Benchmarks');
  private readonly registered = new Map<BuildProfile, Promise<Map<string, App | MissingImage>>>();
  private readonly republishing = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly apps: AppsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.benchImages !== 'start') return;
    void this.ensure().catch((err: Error) => this.logger.error(`benchmark images: ${err.message}`));
  }

  /** The app of `program` for `vm` in `profile`, or why there is none. */
  async imageOf(
    program: string,
    vm: string,
    profile: BuildProfile = DEFAULT_BUILD_PROFILE,
  ): Promise<App | MissingImage> {
    const images = await this.ensure(profile);
    return images.get(`${program}/${vm}`) ?? { reason: `no ${vm} build of ${program}` };
  }

  /**
   * The image of `program` for `vm` signed with a sequence above `sequence`: devices refuse
   * anything not newer than what they run (anti-rollback), so a program measured again
   * after a later one is published again, same bytes, next patch version.
   */
  async newerThan(
    program: string,
    vm: VmKind,
    sequence: number,
    profile: BuildProfile = DEFAULT_BUILD_PROFILE,
  ): Promise<App> {
    const key = `${program}/${vm}/${profile}`;
    // One republish at a time per image: two devices asking at once both want "the next
    // patch", and the second upload of the same name@version would be refused.
    const turn = (this.republishing.get(key) ?? Promise.resolve()).then(() =>
      this.republish(program, vm, sequence, profile),
    );
    const tail = turn.catch(() => undefined);
    this.republishing.set(key, tail);
    void tail.then(() => {
      if (this.republishing.get(key) === tail) this.republishing.delete(key);
    });
    return turn;
  }

  private async republish(
    program: string,
    vm: VmKind,
    sequence: number,
    profile: BuildProfile,
  ): Promise<App> {
    const images = await this.ensure(profile);
    const key = `${program}/${vm}`;
    const known = images.get(key);
    if (!known || isMissing(known)) throw new Error(`no ${vm} build of ${program}`);
    if (known.sequence > sequence) return known;
    const { bytes } = await this.apps.payload(known.name, known.version);
    const versions = await this.apps.list({ name: known.name });
    const patch = Math.max(...versions.map((a) => patchOf(a.version)), patchOf(known.version)) + 1;
    const version = `1.0.${patch}`;
    let app: App;
    try {
      app = await this.apps.upload({ name: known.name, version, vm }, bytes, { quiet: true });
    } catch (err) {
      // Another gateway on the same database published this version meanwhile: the same
      // bytes under that name@version are what we wanted.
      if (!(err instanceof AppExistsError)) throw err;
      const existing = await this.apps.get(known.name, version);
      if (existing.sha256 !== known.sha256 || existing.sequence <= sequence) throw err;
      app = existing;
    }
    images.set(key, app);
    return app;
  }

  /** The images of `profile`, keyed `program/vm`, published on first use. */
  ensure(profile: BuildProfile = DEFAULT_BUILD_PROFILE): Promise<Map<string, App | MissingImage>> {
    if (this.config.benchImages === 'off') {
      return Promise.resolve(new Map<string, App | MissingImage>());
    }
    let registered = this.registered.get(profile);
    if (!registered) {
      registered = this.register(profile).catch((err: Error) => {
        this.registered.delete(profile);
        throw err;
      });
      this.registered.set(profile, registered);
    }
    return registered;
  }

  private async register(profile: BuildProfile): Promise<Map<string, App | MissingImage>> {
    const firmware = findFirmwareDir();
    const images = new Map<string, App | MissingImage>();
    if (!firmware) {
      this.logger.warn('no firmware/ directory found: campaigns have no benchmark images');
      return images;
    }
    let published = 0;
    for (const suite of BENCH_SUITES) {
      for (const program of SUITE_PROGRAMS[suite]) {
        for (const vm of VM_KINDS) {
          const built = effectiveProfile(vm, profile);
          const file = path.join(firmware, imageFile(vm, program, built));
          if (!fs.existsSync(file)) {
            images.set(`${program}/${vm}`, { reason: missingReason(vm, program, built) });
            continue;
          }
          const bytes = fs.readFileSync(file);
          const { app, fresh } = await this.publish(program, vm, built, bytes);
          images.set(`${program}/${vm}`, app);
          if (fresh) published++;
        }
      }
    }
    this.logger.log(
      `benchmark images (${profile}): ${images.size} program × VM pairs, ${published} published now`,
    );
    return images;
  }

  private async publish(
    program: string,
    vm: VmKind,
    profile: BuildProfile,
    bytes: Buffer,
  ): Promise<{ app: App | MissingImage; fresh: boolean }> {
    const name = benchAppName(program, vm, profile);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const versions = await this.apps.list({ name });
    // The newest version with these bytes (a program measured again was republished).
    const same = versions.find((a) => a.sha256 === sha256 && a.vm === vm);
    if (same) return { app: same, fresh: false };
    const patch = Math.max(-1, ...versions.map((a) => patchOf(a.version))) + 1;
    try {
      const app = await this.apps.upload(
        { name, version: `1.0.${patch}`, vm },
        new Uint8Array(bytes),
        { quiet: true },
      );
      return { app, fresh: true };
    } catch (err) {
      // The validator refusing a committed image is worth a cell note, not a crash.
      return {
        app: { reason: `${vm} image of ${program} refused: ${(err as Error).message}` },
        fresh: false,
      };
    }
  }
}

function patchOf(version: string): number {
  return Number(version.split('.')[2]) || 0;
}

function missingReason(vm: VmKind, program: string, profile: BuildProfile): string {
  const built = profile === DEFAULT_BUILD_PROFILE ? '' : ` -${profile}`;
  return `no${built} ${vm} build of ${program} in firmware/`;
}

export function isMissing(x: App | MissingImage): x is MissingImage {
  return 'reason' in x && !('sha256' in x);
}
