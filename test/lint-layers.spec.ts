import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DESIGN.md's layer rules are enforced by `npm run lint` (tools/eslint-layers.mjs): each
 * case adds one import to a real file of the repository, with the project's own ESLint
 * config, and expects the layers rule to refuse it — or, for the allowed ones, to accept it.
 */
const ROOT = join(__dirname, '..');

const REFUSED: Array<[string, string, RegExp]> = [
  [
    'src/protocol/vm.ts',
    "import { readFileSync } from 'node:fs';",
    /src\/protocol may import only zod/,
  ],
  ['src/protocol/vm.ts', "import 'wasmoon';", /src\/protocol may import only zod/],
  [
    'src/protocol/vm.ts',
    "import { AppsService } from '../apps/apps.service';",
    /only from src\/protocol/,
  ],
  [
    'src/guest-scripts/source.ts',
    "import '../apps/apps.service';",
    /src\/guest-scripts may import only/,
  ],
  ['devices/hal/hal.ts', "import '../../src/apps/apps.service';", /devices may import only from/],
  [
    'src/telemetry/domain/downsample.ts',
    "import '@nestjs/common';",
    /domain may not import '@nestjs\/common'/,
  ],
  ['src/telemetry/domain/downsample.ts', "import 'typeorm';", /domain may not import 'typeorm'/],
  [
    'src/telemetry/domain/downsample.ts',
    "import '../../mqtt/mqtt-broker';",
    /domain may not import from src\/mqtt/,
  ],
  ['src/apps/apps.service.ts', "import '../../devices';", /src may not import from devices/],
  ['cli/format.ts', "import '../src/apps/apps.service';", /cli may import only from/],
  [
    'cli/format.ts',
    "export const x = import('../src/devices/devices.service');",
    /cli may import only from/,
  ],
  // Transports are adapters: the domain only through src/link (InboundRouter, ports).
  [
    'src/mqtt/mqtt-broker.ts',
    "import { DevicesService } from '../devices/devices.service';",
    /transport may import only from src\/mqtt\//,
  ],
  [
    'src/coap/coap-gateway.ts',
    "import { RolloutRunner } from '../deployments/rollout-runner';",
    /transport may import only from/,
  ],
  [
    'src/coap/handlers/register.ts',
    "import { LoginThrottle } from '../../devices/login-throttle';",
    /transport may import only from/,
  ],
  ['src/mqtt/mqtt-uplink.ts', "import '../telemetry/telemetry.service';", /transport may import/],
  ['src/coap/handlers/uplink.ts', "import '../../events/events.service';", /transport may import/],
  ['src/mqtt/mqtt-uplink.ts', "import '../monitor/monitor.service';", /transport may import/],
  // Only a module file may wire in another feature's module.
  ['src/mqtt/mqtt-broker.ts', "import '../devices/devices.module';", /transport may import/],
];
const ALLOWED: Array<[string, string]> = [
  ['src/mqtt/mqtt-broker.ts', "import '../link/ports';"],
  ['src/coap/handlers/down.ts', "import '../../common/error-codes';"],
  ['src/coap/coap-gateway.ts', "import '../metrics/metrics.service';"],
  ['src/mqtt/mqtt.module.ts', "import '../deployments/deployments.module';"],
  ['devices/hal/hal.ts', "import '../../src/protocol';"],
  ['cli/format.ts', "import '../devices/boards';"],
  ['src/apps/apps.service.ts', "import '../guest-scripts/source';"],
  ['src/protocol/vm.ts', "import 'node:crypto';"],
  // Tests may cross layers (a spec of the protocol reads fixtures from disk).
  ['src/protocol/topics.spec.ts', "import { readFileSync } from 'node:fs';"],
];

/** Each file with the line added, linted in one ESLint run (test/support/lint-layers.mjs). */
function lintAll(cases: ReadonlyArray<readonly [string, string, ...unknown[]]>): string[][] {
  const input = cases.map(([file, line]) => ({
    file: join(ROOT, file),
    text: `${line}\n${readFileSync(join(ROOT, file), 'utf8')}`,
  }));
  const out = execFileSync(process.execPath, [join(__dirname, 'support', 'lint-layers.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out) as string[][];
}

describe('npm run lint enforces the layers of DESIGN.md', () => {
  let refused: string[][];
  let allowed: string[][];
  beforeAll(() => {
    const all = lintAll([...REFUSED, ...ALLOWED]);
    refused = all.slice(0, REFUSED.length);
    allowed = all.slice(REFUSED.length);
  }, 120_000);

  it.each(REFUSED.map((c, i) => [...c, i] as const))(
    'refuses in %s: %s',
    (_file, _line, message, i) => {
      expect(refused[i]).toEqual([expect.stringMatching(message)]);
    },
  );

  it.each(ALLOWED.map((c, i) => [...c, i] as const))('allows in %s: %s', (_file, _line, i) => {
    expect(allowed[i]).toEqual([]);
  });
});
