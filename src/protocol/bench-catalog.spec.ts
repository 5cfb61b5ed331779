import { VM_KINDS } from './vm';
import { BENCH_VM_ORDER, orderPrograms, orderVms, suitePrograms } from './bench-catalog';

describe('benchmark catalog', () => {
  it('orders every VM kind of the protocol, after native', () => {
    expect(BENCH_VM_ORDER[0]).toBe('native');
    expect([...BENCH_VM_ORDER.slice(1)].sort()).toEqual([...VM_KINDS].sort());
  });

  it('orders VMs native first, then the known order, then others alphabetically', () => {
    expect(orderVms(['zeta', 'js', 'wasm', 'native', 'alpha', 'mips1', 'wasm'])).toEqual([
      'native',
      'mips1',
      'wasm',
      'js',
      'alpha',
      'zeta',
    ]);
  });

  it('orders programs by suite, then in the order of the suite', () => {
    const shuffled = orderPrograms([
      { suite: 'embench', program: 'xgboost' },
      { suite: 'coisa', program: 'sieve' },
      { suite: 'embench', program: 'crc32' },
      { suite: 'coisa', program: 'ackermann' },
      { suite: 'coisa', program: 'zz-extra' },
    ]);
    expect(shuffled.map((p) => p.program)).toEqual([
      'ackermann',
      'sieve',
      'zz-extra',
      'crc32',
      'xgboost',
    ]);
  });

  it('lists every program of the suites, once', () => {
    expect(suitePrograms().map((p) => p.program)).toEqual([
      ...['ackermann', 'array', 'fibonacci', 'heapsort', 'lists', 'matrix', 'random', 'sieve'],
      ...['crc32', 'md5sum', 'tarfind', 'ud', 'xgboost'],
    ]);
    expect(suitePrograms(['embench'])).toHaveLength(5);
  });
});
