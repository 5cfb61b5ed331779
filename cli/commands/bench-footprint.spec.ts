import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { footprintFile } from '../../src/benchmarks/domain/testing/footprints';
import type { Footprints } from '../../src/protocol/api';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import { fail, TEST_TOKEN } from '../testing/fake-gateway';
import { startStubServer, type StubResponse, type StubServer } from '../testing/stub-server';

const ROW = {
  riot: 'e64f19884e24733a35a26d6accefabfcd35afb74',
  builtAt: '2026-12-03T15:16:29.875Z',
  textBytes: 0,
  dataBytes: 0,
  bssBytes: 0,
};

/** What the gateway answers: native64 with none and mips1, the feather without a baseline. */
const STORED: Footprints = {
  builds: [
    { board: 'native64', vm: 'none', uploadedAt: '2026-12-03T16:00:00.000Z' },
    { board: 'native64', vm: 'mips1', uploadedAt: '2026-12-03T16:00:00.000Z' },
    { board: 'feather', vm: 'ebpf', uploadedAt: '2026-12-03T16:00:00.000Z' },
  ],
  boards: [
    {
      board: 'native64',
      baselineRiot: ROW.riot,
      rows: [
        {
          ...ROW,
          vm: 'none',
          romBytes: 284_120,
          romOverBaseline: 0,
          staticRamBytes: 412_680,
          staticRamOverBaseline: 0,
          runtimePeak: null,
        },
        {
          ...ROW,
          vm: 'mips1',
          romBytes: 304_985,
          romOverBaseline: 20_865,
          staticRamBytes: 479_752,
          staticRamOverBaseline: 67_072,
          runtimePeak: { bytes: 8_192, devices: 1 },
        },
      ],
    },
    {
      board: 'feather',
      baselineRiot: null,
      rows: [
        {
          ...ROW,
          vm: 'ebpf',
          romBytes: 105_504,
          romOverBaseline: null,
          staticRamBytes: 44_064,
          staticRamOverBaseline: null,
          runtimePeak: null,
        },
      ],
    },
  ],
};

describe('vmfleet bench footprint', () => {
  let server: StubServer;
  let dir: string;
  let answer = (): StubResponse => ({ status: 200, body: STORED });

  beforeEach(async () => {
    answer = () => ({ status: 200, body: STORED });
    server = await startStubServer((req) => {
      if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
        return fail(401, 'unauthorized', 'missing or invalid API token');
      }
      if (req.method === 'POST' && req.path === '/api/benchmarks/footprints') return answer();
      return fail(404, 'not_found', `no route ${req.method} ${req.path}`);
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-footprint-'));
  });

  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function vmfleet(...args: string[]) {
    const env = { VMFLEET_URL: server.url, VMFLEET_API_TOKEN: TEST_TOKEN };
    const captured = captureIo({ env, cwd: dir });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  function writeFile(name: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }

  it('uploads firmware/riot/bin/footprint.json as it is and prints a table per board', async () => {
    writeFile('firmware/riot/bin/footprint.json', JSON.stringify(footprintFile()));
    const { code, stdout, stderr } = await vmfleet('bench', 'footprint');
    expect([code, stderr]).toEqual([0, '']);
    expect(server.requests[0].body).toEqual(footprintFile());
    expect(stdout).toMatch(
      /^Uploaded 6 builds from firmware\/riot\/bin\/footprint.json; the gateway has 3 builds\.$/m,
    );
    expect(stdout).toMatch(/│ none +│ +277\.5 KiB │ +baseline │ +403\.0 KiB │ +baseline │ +- │/);
    expect(stdout).toMatch(
      /│ mips1 +│ +297\.8 KiB │ +\+20\.4 KiB │ +468\.5 KiB │ +\+65\.5 KiB │ +8\.0 KiB │/,
    );
    expect(stdout).toMatch(/│ ebpf +│ +103\.0 KiB │ +- │ +43\.0 KiB │ +- │ +- │/);
    expect(stdout).toContain('No VM=none build of feather: nothing to subtract.');
  });

  it('reads --file relative to the working directory and prints JSON with --json', async () => {
    writeFile('out/fp.json', JSON.stringify(footprintFile()));
    const { code, stdout } = await vmfleet('bench', 'footprint', '--file', 'out/fp.json', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(STORED);
  });

  it('exits 1 before calling the gateway when the file is missing or not JSON', async () => {
    const missing = await vmfleet('bench', 'footprint');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: cannot read firmware\/riot\/bin\/footprint.json: ENOENT.*build it with `bash firmware\/riot\/build-all.sh`/,
    );
    writeFile('bad.json', 'schema: 1');
    const bad = await vmfleet('bench', 'footprint', '--file', 'bad.json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: bad.json is not JSON: /);
    expect(bad.stderr).not.toContain('build-all.sh');
    expect(server.requests).toHaveLength(0);
  });

  it("exits 1 with the gateway's issues when it refuses the file", async () => {
    writeFile('fp.json', '{"schema":"vmfleet-footprint/1","builds":[]}');
    answer = () => fail(400, 'invalid_input', 'invalid footprint file: builds: no builds');
    const { code, stderr } = await vmfleet('bench', 'footprint', '--file', 'fp.json', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toEqual({
      error: {
        code: 'invalid_input',
        message: 'invalid footprint file: builds: no builds (invalid_input, HTTP 400)',
      },
    });
  });
});
