import { createHash, type KeyObject } from 'node:crypto';
import type { AppSlotReport, AppSlotsReport } from '../../src/protocol';
import { type Manifest, ManifestError, verifyManifest } from '../../src/protocol/manifest';

/**
 * The device's two app slots in flash. An update is written into the inactive slot at
 * whatever offsets arrive (so a transfer resumes after a disconnect), verified against
 * its signed manifest, then swapped in at runtime; a failed app swaps back.
 */
export type SlotName = 'a' | 'b';

export interface InstalledApp {
  manifest: Manifest;
  payload: Uint8Array;
}

export class UpdateError extends Error {
  constructor(
    readonly code:
      | 'bad_signature'
      | 'malformed_manifest'
      | 'downgrade'
      | 'wrong_vm'
      | 'does_not_fit'
      | 'bad_offset'
      | 'incomplete'
      | 'digest_mismatch'
      | 'no_update'
      | 'no_previous',
    message: string,
  ) {
    super(message);
  }
}

interface Staging {
  manifest: Manifest;
  cose: Uint8Array;
  buffer: Uint8Array;
  /** Bytes received so far from offset 0 without a gap: where a resumed transfer continues. */
  contiguous: number;
}

export class AppSlots {
  private slots: Record<SlotName, InstalledApp | null> = { a: null, b: null };
  private active: SlotName = 'a';
  private staging: Staging | null = null;

  constructor(
    private readonly gatewayKey: KeyObject,
    private readonly vm: string,
    /** Bytes one slot holds (flash left for apps, halved). */
    private readonly slotBytes: number,
  ) {}

  get current(): InstalledApp | null {
    return this.slots[this.active];
  }

  get previous(): InstalledApp | null {
    return this.slots[other(this.active)];
  }

  /** Where the transfer of the staged update should continue. */
  get resumeOffset(): number {
    return this.staging?.contiguous ?? 0;
  }

  /** Verifies an offered manifest's signature and decodes it, accepting nothing yet. */
  check(cose: Uint8Array): Manifest {
    return this.verify(cose);
  }

  /** True when `manifest` describes exactly the app that runs now. */
  isCurrent(manifest: Manifest): boolean {
    const current = this.current?.manifest;
    return (
      current !== undefined &&
      current.sequence === manifest.sequence &&
      Buffer.from(current.sha256).equals(Buffer.from(manifest.sha256))
    );
  }

  /** Accepts an offer: the signed manifest must verify and be newer than what runs. */
  begin(cose: Uint8Array): Manifest {
    const manifest = this.verify(cose);
    if (manifest.vm !== this.vm) {
      throw new UpdateError('wrong_vm', `app is for ${manifest.vm}; this device runs ${this.vm}`);
    }
    if (manifest.size > this.slotBytes) {
      throw new UpdateError(
        'does_not_fit',
        `app of ${manifest.size} bytes does not fit a ${this.slotBytes}-byte slot`,
      );
    }
    const running = this.current?.manifest.sequence ?? -1;
    if (manifest.sequence <= running) {
      throw new UpdateError(
        'downgrade',
        `sequence ${manifest.sequence} is not above the running app's ${running}`,
      );
    }
    const same =
      this.staging &&
      Buffer.from(this.staging.manifest.sha256).equals(Buffer.from(manifest.sha256));
    // Re-offering the same update keeps what already arrived: the transfer resumes.
    if (!same) {
      // Its first byte goes over what the inactive slot held (the RIOT device erases it).
      this.slots[other(this.active)] = null;
      this.staging = {
        manifest,
        cose,
        buffer: new Uint8Array(manifest.size),
        contiguous: 0,
      };
    }
    return manifest;
  }

  /** What both slots hold, as `hello` and OTA reports carry it (docs/protocol.md §5.2). */
  report(): AppSlotsReport {
    const names = [['a', 0] as const, ['b', 1] as const];
    return names.map(([name, slot]): AppSlotReport => {
      const staged = this.staging && name !== this.active ? this.staging : null;
      if (staged) {
        const app = { id: staged.manifest.name, version: staged.manifest.version };
        return { slot, active: false, state: 'partial', app, bytes: staged.contiguous };
      }
      const installed = this.slots[name];
      if (!installed) return { slot, active: false, state: 'empty', app: null, bytes: 0 };
      const { manifest, payload } = installed;
      return {
        slot,
        active: name === this.active,
        state: 'complete',
        app: { id: manifest.name, version: manifest.version },
        bytes: payload.length,
      };
    });
  }

  /** Writes a chunk at its offset into the inactive slot. Returns the resume offset. */
  write(offset: number, chunk: Uint8Array): number {
    const s = this.requireStaging();
    if (!Number.isInteger(offset) || offset < 0 || offset + chunk.length > s.buffer.length) {
      throw new UpdateError(
        'bad_offset',
        `chunk [${offset}, ${offset + chunk.length}) outside the ${s.buffer.length}-byte app`,
      );
    }
    s.buffer.set(chunk, offset);
    if (offset <= s.contiguous) s.contiguous = Math.max(s.contiguous, offset + chunk.length);
    return s.contiguous;
  }

  /** Checks the staged bytes against the manifest's digest and swaps them in. */
  commit(): InstalledApp {
    const s = this.requireStaging();
    if (s.contiguous < s.buffer.length) {
      throw new UpdateError('incomplete', `${s.contiguous} of ${s.buffer.length} bytes received`);
    }
    const digest = createHash('sha256').update(s.buffer).digest();
    if (!digest.equals(Buffer.from(s.manifest.sha256))) {
      this.staging = null;
      throw new UpdateError(
        'digest_mismatch',
        'payload SHA-256 differs from the signed manifest: refused',
      );
    }
    const installed = { manifest: s.manifest, payload: s.buffer };
    this.slots[other(this.active)] = installed;
    this.active = other(this.active);
    this.staging = null;
    return installed;
  }

  /** Swaps back to the previous slot (a failed health window). */
  revert(): InstalledApp {
    const previous = this.previous;
    if (!previous) throw new UpdateError('no_previous', 'no previous app to return to');
    this.slots[this.active] = null;
    this.active = other(this.active);
    return previous;
  }

  /**
   * Takes back the last commit: its image was refused when loaded. The slot it went into
   * is emptied and the one before is active again, which is empty after a first install.
   */
  undoCommit(): void {
    this.slots[this.active] = null;
    this.active = other(this.active);
  }

  abandon(): void {
    this.staging = null;
  }

  private verify(cose: Uint8Array): Manifest {
    try {
      return verifyManifest(cose, this.gatewayKey);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      const code = err.code === 'malformed' ? 'malformed_manifest' : 'bad_signature';
      throw new UpdateError(code, err.message);
    }
  }

  private requireStaging(): Staging {
    if (!this.staging) throw new UpdateError('no_update', 'no update offered');
    return this.staging;
  }
}

function other(slot: SlotName): SlotName {
  return slot === 'a' ? 'b' : 'a';
}
