import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOARDS } from '../boards';
import { defaultNativeDir, flashFootprint, selfCheck } from './bench-runner';
import { nativeTimerPreload } from './native-timer';
import {
  expectedOutput,
  exit7,
  firmware,
  setup,
  shutdownMonitors,
  spin,
} from './testing/monitor-setup';

afterEach(shutdownMonitors);

describe('the device benchmark runner (Thing Monitor `bench`)', () => {
  it('runs the installed app on a fresh engine and measures it', async () => {
    const t = setup();
    const image = firmware('sieve');
    await t.load(image, 'mips1', { id: 'bench-sieve', version: '1.0.0' });
    const r = await t.ok('bench');
    expect(r).toMatchObject({
      vm: 'mips1',
      board: 'nrf52840',
      program: 'bench-sieve@1.0.0',
      end: 'exit',
      exitCode: 0,
      fault: null,
      check: 'ok',
      codeBytes: image.length,
      output: expectedOutput('sieve'),
    });
    expect(r.flashBytes % BOARDS.nrf52840.flashPageBytes).toBe(0);
    expect(r.flashBytes).toBeGreaterThanOrEqual(image.length);
    expect(r.instructions).toBeGreaterThan(100_000);
    expect(r.execMs).toBeGreaterThan(0);
    expect(r.loadMs).toBeGreaterThanOrEqual(0);
    // sieve keeps a 9 KB table: its RAM is at least that, plus the engine's state.
    expect(r.ramBytes).toBeGreaterThan(9000);
    // The device's own program is untouched: still loaded, never run.
    expect((await t.ok('status')).state).toBe('loaded');
  });

  it('reports an exit code and a budget stop as such', async () => {
    const t = setup({ benchBudget: 1_000_000 });
    await t.load(exit7);
    expect(await t.ok('bench')).toMatchObject({ end: 'exit', exitCode: 7, check: 'absent' });
    await t.load(spin);
    const spun = await t.ok('bench');
    expect(spun.end).toBe('budget');
    expect(spun.exitCode).toBeNull();
  });

  it('refuses without an app, and answers unsupported for a missing native build', async () => {
    const t = setup({ nativeBenchDir: fs.mkdtempSync(path.join(os.tmpdir(), 'no-native-')) });
    expect((await t.fail('bench')).code).toBe('no_app');
    const missing = await t.fail('bench', { native: 'sieve' });
    expect(missing.code).toBe('unsupported');
    expect(missing.message).toContain('make -C firmware native');
  });

  it('times a native build spawned from its directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
    const script = path.join(dir, 'hello');
    fs.writeFileSync(script, '#!/bin/sh\necho "result: 1"\necho "check: ok"\n', { mode: 0o755 });
    const t = setup({ nativeBenchDir: dir });
    const r = await t.ok('bench', { native: 'hello' });
    expect(r).toMatchObject({
      vm: 'native',
      end: 'exit',
      exitCode: 0,
      check: 'ok',
      ramBytes: null,
      instructions: null,
      codeBytes: fs.statSync(script).size,
    });
    expect(r.execMs).toBeGreaterThan(0);
  });
});

const nativeSieve = path.join(defaultNativeDir() ?? '', 'sieve');
const withNative = fs.existsSync(nativeSieve) && nativeTimerPreload() !== null;

(withNative ? it : it.skip)(
  'times a real native build from main() to exit with the preloaded timer (gcc, make -C firmware native)',
  async () => {
    const t = setup();
    const r = await t.ok('bench', { native: 'sieve' });
    expect(r).toMatchObject({ vm: 'native', check: 'ok', exitCode: 0 });
    expect(r.engineVersion).not.toContain('spawn-to-exit');
    expect(r.output).toBe(expectedOutput('sieve'));
    // sieve takes under a millisecond natively; a spawn alone takes about that.
    expect(r.execMs).toBeLessThan(50);
  },
);

describe('selfCheck and flashFootprint', () => {
  it('reads the last check line', () => {
    expect(selfCheck('a\ncheck: ok\n')).toBe('ok');
    expect(selfCheck('check: ok\ncheck: FAIL (got 3)\n')).toBe('fail');
    expect(selfCheck('check: okay\n')).toBe('fail');
    expect(selfCheck('no check here\n')).toBe('absent');
  });

  it('rounds up to whole flash pages of the board', () => {
    expect(flashFootprint(1, BOARDS.esp32)).toBe(4096);
    expect(flashFootprint(4096, BOARDS.esp32)).toBe(4096);
    expect(flashFootprint(4097, BOARDS.esp32)).toBe(8192);
    expect(flashFootprint(200, BOARDS.atmega328)).toBe(256);
  });
});
