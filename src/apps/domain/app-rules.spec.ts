import { InvalidInputError } from '../../common/domain-error';
import { manifestFor, type App } from './app';
import { isAppName, isSemver, nextSequence, resolveNeeds } from './app-rules';

describe('app rules', () => {
  it.each([
    ['0.0.0', true],
    ['1.2.3', true],
    ['10.20.30', true],
    ['1.0.0-alpha', true],
    ['1.0.0-alpha.1', true],
    ['1.0.0-0.3.7', true],
    ['1.0.0-x.7.z.92', true],
    ['1.0.0-x-y-z.--', true],
    ['1.0.0-rc.1', true],
    ['1', false],
    ['1.2', false],
    ['1.2.3.4', false],
    ['01.2.3', false],
    ['1.02.3', false],
    ['1.2.03', false],
    ['1.2.3-', false],
    ['1.2.3-01', false],
    ['1.2.3-a..b', false],
    ['1.2.3+build.5', false],
    ['v1.2.3', false],
    [' 1.2.3', false],
    ['1.2.3-é', false],
    [`1.2.3-${'a'.repeat(60)}`, false],
  ])('semver %j → %s', (version, ok) => {
    expect(isSemver(version)).toBe(ok);
  });

  it.each([
    ['fibonacci', true],
    ['a', true],
    ['0', true],
    ['my-app_2.x', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['-app', false],
    ['.app', false],
    ['App', false],
    ['my app', false],
    ['a/b', false],
    ['a+b', false],
  ])('name %j → %s', (name, ok) => {
    expect(isAppName(name)).toBe(ok);
  });

  it('counts sequence numbers from 1, one past the highest ever given', () => {
    expect(nextSequence(0)).toBe(1);
    expect(nextSequence(1)).toBe(2);
    expect(nextSequence(41)).toBe(42);
  });

  describe('resolveNeeds', () => {
    const derived = { ramBytes: 4096, flashBytes: 512, stackBytes: 1024 };

    it('keeps what the payload needs when nothing is asked', () => {
      expect(resolveNeeds(derived, {})).toEqual(derived);
    });

    it('raises RAM and flash when asked for more or the same', () => {
      expect(resolveNeeds(derived, { ramBytes: 8192, flashBytes: 512 })).toEqual({
        ramBytes: 8192,
        flashBytes: 512,
        stackBytes: 1024,
      });
    });

    it.each([
      [{ ramBytes: 4095 }, /ramBytes 4095 is below the 4096 bytes/],
      [{ flashBytes: 0 }, /flashBytes 0 is below the 512 bytes/],
    ])('never lowers them: %j', (override, message) => {
      expect(() => resolveNeeds(derived, override)).toThrow(InvalidInputError);
      expect(() => resolveNeeds(derived, override)).toThrow(message);
    });
  });

  it('builds the manifest from the app with the digest as 32 bytes', () => {
    const app: App = {
      name: 'fib',
      version: '1.0.0',
      vm: 'mips1',
      size: 100,
      sha256: 'ab'.repeat(32),
      sequence: 7,
      needs: { ramBytes: 1, flashBytes: 2, stackBytes: 3 },
      kid: '0123456789abcdef',
      createdAt: 1_700_000_000_000,
    };
    const m = manifestFor(app);
    expect(m).toMatchObject({ name: 'fib', version: '1.0.0', vm: 'mips1', size: 100, sequence: 7 });
    expect(m.sha256).toEqual(new Uint8Array(32).fill(0xab));
    expect(m.needs).toEqual(app.needs);
    expect(m.createdAt).toBe(app.createdAt);
  });
});
