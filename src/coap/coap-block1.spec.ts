import { type Block1Request, Block1Uploads } from './coap-block1';

const LIMITS = { timeoutMs: 1000, perEndpoint: 2, total: 4, anonymousTotal: 1, maxBodyBytes: 4096 };

describe('Block1Uploads (RFC 7959 §2.5)', () => {
  let now = 0;
  let uploads: Block1Uploads;
  beforeEach(() => {
    now = 5_000;
    uploads = new Block1Uploads(LIMITS, () => now);
  });

  const block = (num: number, more: boolean, over: Partial<Block1Request> = {}): Block1Request => ({
    endpoint: 'e:1',
    resource: '0.02 /v1/reply?s=x',
    block: { num, more, size: 1024 },
    payload: Buffer.alloc(more ? 1024 : 100, num),
    anonymous: false,
    ...over,
  });

  it('reassembles blocks in order, acknowledges a retransmission again, and frees it all', () => {
    expect(uploads.receive(block(0, true)).kind).toBe('continue');
    expect(uploads.receive(block(1, true)).kind).toBe('continue');
    expect(uploads.receive(block(1, true)).kind).toBe('continue'); // the same block again
    expect(uploads.bytes).toBe(2048);
    const last = uploads.receive(block(2, false));
    expect(last.kind).toBe('complete');
    const body = last.kind === 'complete' ? last.body : Buffer.alloc(0);
    expect(body.length).toBe(2148);
    expect([body[0], body[1024], body[2048]]).toEqual([0, 1, 2]);
    expect([uploads.size, uploads.bytes]).toEqual([0, 0]);
  });

  it.each([
    ['a block past the size limit', [block(4, false)], '4.13'],
    ['a Size1 past the limit', [block(0, true, { size1: 5000 })], '4.13'],
    ['a short block with M set', [block(0, true, { payload: Buffer.alloc(10) })], '4.00'],
    ['a later block with nothing before it', [block(1, true)], '4.08'],
    ['a gap', [block(0, true), block(2, false)], '4.08'],
    [
      'a block from before',
      [
        block(0, true),
        block(1, true),
        block(0, false, { block: { num: 0, more: true, size: 512 }, payload: Buffer.alloc(512) }),
      ],
      'continue',
    ],
  ])('answers %s', (_what, requests, code) => {
    const outcomes = requests.map((r) => uploads.receive(r));
    const last = outcomes[outcomes.length - 1];
    expect(last.kind === 'refused' ? last.code : last.kind).toBe(code);
  });

  it('forgets a failed upload: its next block is 4.08 too', () => {
    uploads.receive(block(0, true));
    uploads.receive(block(2, true));
    const next = uploads.receive(block(1, true));
    expect(next).toMatchObject({ kind: 'refused', code: '4.08' });
    expect(uploads.bytes).toBe(0);
  });

  it('drops an upload idle for the timeout, and its next block is 4.08', () => {
    uploads.receive(block(0, true));
    now += 999;
    expect(uploads.sweep()).toBe(0);
    uploads.receive(block(1, true)); // activity renews it
    now += 999;
    expect(uploads.sweep()).toBe(0);
    now += 1;
    expect(uploads.sweep()).toBe(1);
    expect([uploads.size, uploads.bytes]).toEqual([0, 0]);
    expect(uploads.receive(block(2, false))).toMatchObject({ kind: 'refused', code: '4.08' });
  });

  it('holds perEndpoint uploads per endpoint (a new one replaces the oldest)', () => {
    for (const r of ['a', 'b', 'c']) uploads.receive(block(0, true, { resource: r }));
    expect(uploads.size).toBe(2);
    expect(uploads.receive(block(1, false, { resource: 'a' }))).toMatchObject({ code: '4.08' });
    expect(uploads.receive(block(1, false, { resource: 'c' })).kind).toBe('complete');
  });

  it('holds total uploads, anonymousTotal of them without a session; then 5.03 with Max-Age', () => {
    expect(uploads.receive(block(0, true, { endpoint: 'r:1', anonymous: true })).kind).toBe(
      'continue',
    );
    const anon = uploads.receive(block(0, true, { endpoint: 'r:2', anonymous: true }));
    expect(anon).toMatchObject({ kind: 'refused', code: '5.03', maxAgeS: 1 });
    for (const e of ['a:1', 'a:2', 'a:3']) uploads.receive(block(0, true, { endpoint: e }));
    now += 400;
    const full = uploads.receive(block(0, true, { endpoint: 'a:4' }));
    expect(full).toMatchObject({ kind: 'refused', code: '5.03', maxAgeS: 1 });
    expect(uploads.size).toBe(4);
    now += 600; // the first ones time out: room again
    expect(uploads.receive(block(0, true, { endpoint: 'a:4' })).kind).toBe('continue');
  });

  it('passes a single-block body through without holding anything', () => {
    const one = uploads.receive(block(0, false));
    expect(one.kind).toBe('complete');
    expect(uploads.size).toBe(0);
  });
});
