import { idFirstToCommandFirst, joinOptionValue } from './argv';

const GROUPS = { monitor: ['status', 'step', 'memory'], events: ['inject'] };

describe('idFirstToCommandFirst', () => {
  it.each([
    ['monitor lab-01 status', 'monitor status lab-01'],
    ['monitor lab-01 step 5 --json', 'monitor step lab-01 5 --json'],
    [
      '--url http://gw:3000 monitor lab-01 memory 0x0 16',
      '--url http://gw:3000 monitor memory lab-01 0x0 16',
    ],
    ['--token monitor monitor lab-01 status', '--token monitor monitor status lab-01'],
    ['events lab-01 inject button -5', 'events inject lab-01 button -5'],
    // Already op-first, or nothing to reorder:
    ['monitor status lab-01', 'monitor status lab-01'],
    ['monitor lab-01', 'monitor lab-01'],
    ['monitor lab-01 stats', 'monitor lab-01 stats'],
    ['monitor --help', 'monitor --help'],
    ['monitor help status', 'monitor help status'],
    ['events lab-01 --follow', 'events lab-01 --follow'],
    ['events lab-01 --json inject', 'events lab-01 --json inject'],
    ['devices show status', 'devices show status'],
    ['-- monitor lab-01 status', '-- monitor lab-01 status'],
    ['', ''],
    // Both could be ops: the id-first form wins.
    ['monitor status step', 'monitor step status'],
    // The group's own options before the id:
    ['monitor --timeout 2000 lab-01 status', 'monitor --timeout 2000 status lab-01'],
    ['monitor --timeout 2000 status lab-01', 'monitor --timeout 2000 status lab-01'],
    ['monitor --timeout', 'monitor --timeout'],
  ])('%p → %p', (line, expected) => {
    const args = line ? line.split(' ') : [];
    expect(idFirstToCommandFirst(args, GROUPS, new Set(['--timeout'])).join(' ')).toBe(expected);
  });

  it('leaves its input alone', () => {
    const args = ['monitor', 'lab-01', 'status'];
    idFirstToCommandFirst(args, GROUPS);
    expect(args).toEqual(['monitor', 'lab-01', 'status']);
  });
});

describe('joinOptionValue', () => {
  it.each([
    ['apps push a.m1 --name x --version 1.2.0', 'apps push a.m1 --name x --version=1.2.0'],
    ['apps push --version 1.2.0 a.m1 --json', 'apps push --version=1.2.0 a.m1 --json'],
    [
      '--url http://gw:3000 apps push a.m1 --version 2.0.0-rc.1',
      '--url http://gw:3000 apps push a.m1 --version=2.0.0-rc.1',
    ],
    // No value: an empty one, which the option's parser rejects.
    ['apps push a.m1 --version --name x', 'apps push a.m1 --version= --name x'],
    ['apps push a.m1 --version', 'apps push a.m1 --version='],
    // Already joined, after `--`, or not `apps push`: as they are.
    ['apps push a.m1 --version=1.0.0', 'apps push a.m1 --version=1.0.0'],
    ['apps push -- --version 1.0.0', 'apps push -- --version 1.0.0'],
    ['apps list --version', 'apps list --version'],
    ['--version', '--version'],
    ['devices push --version 1', 'devices push --version 1'],
    ['', ''],
  ])('%p → %p', (line, expected) => {
    const args = line ? line.split(' ') : [];
    expect(joinOptionValue(args, ['apps', 'push'], '--version').join(' ')).toBe(expected);
  });
});
