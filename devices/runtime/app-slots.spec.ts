import { createHash, generateKeyPairSync } from 'node:crypto';
import { appSlotsSchema } from '../../src/protocol';
import { Manifest, signManifest } from '../../src/protocol/manifest';
import { AppSlots, UpdateError } from './app-slots';

const gateway = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');

function pkg(
  sequence: number,
  payload: Buffer,
  over: Partial<Manifest> = {},
  key = gateway.privateKey,
) {
  const manifest: Manifest = {
    name: 'app',
    version: `1.0.${sequence}`,
    vm: 'mips1',
    size: payload.length,
    sha256: createHash('sha256').update(payload).digest(),
    sequence,
    needs: { ramBytes: 4096, flashBytes: payload.length, stackBytes: 1024 },
    createdAt: 0,
    ...over,
  };
  return { cose: signManifest(manifest, key, 'k'), payload };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof UpdateError) return err.code;
    throw err;
  }
  return 'no error';
};

function install(slots: AppSlots, p: { cose: Uint8Array; payload: Buffer }, chunk = 64) {
  slots.begin(p.cose);
  for (let off = 0; off < p.payload.length; off += chunk)
    slots.write(off, p.payload.subarray(off, off + chunk));
  return slots.commit();
}

describe('AppSlots', () => {
  const v1 = pkg(1, Buffer.alloc(300, 1));
  const v2 = pkg(2, Buffer.alloc(500, 2));

  it('installs into the inactive slot and keeps the previous app for a revert', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    install(slots, v1);
    install(slots, v2);
    expect(slots.current?.manifest.sequence).toBe(2);
    expect(slots.previous?.manifest.sequence).toBe(1);
    expect(slots.revert().manifest.sequence).toBe(1);
    expect(slots.current?.payload).toEqual(new Uint8Array(v1.payload));
    expect(codeOf(() => slots.revert())).toBe('no_previous');
  });

  it('takes back a commit whose image the engine refused, down to no app after a first install', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    install(slots, v1);
    slots.undoCommit();
    expect(slots.current).toBeNull();
    expect(slots.previous).toBeNull();
    install(slots, v1);
    install(slots, v2);
    slots.undoCommit();
    expect(slots.current?.manifest.sequence).toBe(1);
  });

  it('resumes a transfer from the last contiguous offset when the same update is offered again', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    slots.begin(v2.cose);
    slots.write(0, v2.payload.subarray(0, 128));
    slots.write(128, v2.payload.subarray(128, 256));
    slots.begin(v2.cose); // reconnect: the device offers itself the same update
    expect(slots.resumeOffset).toBe(256);
    slots.write(256, v2.payload.subarray(256));
    expect(slots.commit().manifest.version).toBe('1.0.2');
  });

  it.each([
    [
      'a manifest signed by another key',
      () => pkg(3, Buffer.alloc(10), {}, stranger.privateKey),
      'bad_signature',
    ],
    ['an app for another VM', () => pkg(3, Buffer.alloc(10), { vm: 'wasm' }), 'wrong_vm'],
    ['an app larger than the slot', () => pkg(3, Buffer.alloc(5000)), 'does_not_fit'],
  ])('refuses %s at the offer', (_what, make, code) => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    expect(codeOf(() => slots.begin(make().cose))).toBe(code);
  });

  it('refuses a downgrade or a replay of the running sequence', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    install(slots, v2);
    expect(codeOf(() => slots.begin(v1.cose))).toBe('downgrade');
    expect(codeOf(() => slots.begin(v2.cose))).toBe('downgrade');
  });

  it('refuses a tampered payload at commit and keeps running the old app', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    install(slots, v1);
    slots.begin(v2.cose);
    const tampered = Buffer.from(v2.payload);
    tampered[100] ^= 0xff;
    slots.write(0, tampered);
    expect(codeOf(() => slots.commit())).toBe('digest_mismatch');
    expect(slots.current?.manifest.sequence).toBe(1);
  });

  it('refuses to commit an incomplete transfer and chunks outside the app', () => {
    const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
    slots.begin(v1.cose);
    slots.write(0, v1.payload.subarray(0, 100));
    expect(codeOf(() => slots.commit())).toBe('incomplete');
    expect(codeOf(() => slots.write(250, Buffer.alloc(100)))).toBe('bad_offset');
    expect(codeOf(() => slots.write(-1, Buffer.alloc(1)))).toBe('bad_offset');
  });

  describe('report(): what hello and OTA reports say the slots hold', () => {
    const v3 = pkg(3, Buffer.alloc(400, 3));
    const app = (n: number) => ({ id: 'app', version: `1.0.${n}` });
    const empty = (slot: number) => ({ slot, active: false, state: 'empty', app: null, bytes: 0 });
    /** The report, checked against the wire schema first. */
    const reported = (slots: AppSlots) => appSlotsSchema.parse(slots.report());

    it('goes from empty through partial to the swap, the overwrite and the revert', () => {
      const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
      expect(reported(slots)).toEqual([empty(0), empty(1)]);
      slots.begin(v1.cose);
      slots.write(0, v1.payload.subarray(0, 128));
      expect(reported(slots)[1]).toEqual({
        slot: 1,
        active: false,
        state: 'partial',
        app: app(1),
        bytes: 128,
      });
      slots.write(128, v1.payload.subarray(128));
      slots.commit();
      const first = { slot: 1, active: true, state: 'complete', app: app(1), bytes: 300 };
      expect(reported(slots)).toEqual([empty(0), first]);
      install(slots, v2);
      const second = { slot: 0, active: true, state: 'complete', app: app(2), bytes: 500 };
      expect(reported(slots)).toEqual([second, { ...first, active: false }]);
      // v3 goes over slot 1, where v1 was: from its offer v1 is gone (as on the RIOT device).
      slots.begin(v3.cose);
      expect(reported(slots)).toEqual([
        second,
        { slot: 1, active: false, state: 'partial', app: app(3), bytes: 0 },
      ]);
      slots.abandon();
      expect(reported(slots)).toEqual([second, empty(1)]);
      install(slots, v3);
      slots.revert();
      expect(reported(slots)).toEqual([second, empty(1)]);
    });

    it('after a refused payload the slot it went to is empty, the running one unchanged', () => {
      const slots = new AppSlots(gateway.publicKey, 'mips1', 4096);
      install(slots, v1);
      slots.begin(v2.cose);
      slots.write(0, Buffer.alloc(500, 9));
      expect(codeOf(() => slots.commit())).toBe('digest_mismatch');
      expect(reported(slots)).toEqual([
        empty(0),
        { slot: 1, active: true, state: 'complete', app: app(1), bytes: 300 },
      ]);
    });
  });
});
