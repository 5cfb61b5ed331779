import type { Manifest } from '../../protocol/manifest';
import type { VmKind } from '../../protocol';
import type { AppOrigin } from './app-rules';

/** What a device must offer to run an app, in bytes. */
export interface AppNeeds {
  ramBytes: number;
  flashBytes: number;
  stackBytes: number;
}

/** A published app: immutable once uploaded, addressed by name@version. */
export interface App {
  name: string;
  version: string;
  vm: VmKind;
  /** Payload size in bytes. */
  size: number;
  /** SHA-256 of the payload, lowercase hex; also the blob's address. */
  sha256: string;
  /** Repository-wide, strictly increasing: devices refuse a lower one (anti-rollback). */
  sequence: number;
  needs: AppNeeds;
  /** Id of the gateway key that signed the manifest. */
  kid: string;
  /** Unix ms. */
  createdAt: number;
}

export interface AppFilter {
  name?: string;
  vm?: VmKind;
  /** Only apps of this origin (app-rules.ts); every app when unset. */
  origin?: AppOrigin;
}

/** The manifest the gateway signs for an app: the same facts, the digest as bytes. */
export function manifestFor(app: App): Manifest {
  return {
    name: app.name,
    version: app.version,
    vm: app.vm,
    size: app.size,
    sha256: Uint8Array.from(Buffer.from(app.sha256, 'hex')),
    sequence: app.sequence,
    needs: { ...app.needs },
    createdAt: app.createdAt,
  };
}
