import { createHash } from 'node:crypto';
import type { App, SigningKey } from '../../src/protocol/api';
import { parseMultipart } from './multipart';
import type { StubRequest, StubResponse } from './stub-server';

/** Test helper: the app repository (REST, docs/protocol.md §10.2), in memory, for FakeGateway. */

export const TEST_KID = '0123456789abcdef';

export const TEST_SIGNING_KEY: SigningKey = {
  alg: 'EdDSA',
  crv: 'Ed25519',
  kid: TEST_KID,
  publicKey: Buffer.alloc(32, 7).toString('base64'),
};

export function makeApp(overrides: Partial<App> = {}): App {
  return {
    name: 'blinky',
    version: '1.2.0',
    vm: 'mips1',
    size: 4,
    sha256: createHash('sha256').update('M1\x00\x01').digest('hex'),
    sequence: 1,
    needs: { ramBytes: 4096, flashBytes: 4, stackBytes: 1024 },
    kid: TEST_KID,
    createdAt: '2024-05-01T12:00:00.000Z',
    ...overrides,
  };
}

/** A stand-in for a COSE_Sign1: CBOR tag 18 and a 4-array header, then arbitrary bytes. */
export function fakeManifest(app: App): Buffer {
  return Buffer.concat([Buffer.from([0xd2, 0x84]), Buffer.from(`${app.name}@${app.version}`)]);
}

function problem(status: number, code: string, message?: string): StubResponse {
  return { status, body: message === undefined ? { code } : { statusCode: status, code, message } };
}

function keyOf(name: string, version: string): string {
  return `${name}@${version}`;
}

export class FakeAppRepository {
  /** Newest first, as `GET /api/apps` lists them. */
  readonly apps: App[] = [];
  readonly payloads = new Map<string, Buffer>();
  /** When set, the next uploads are refused with 400 image_rejected and this reason. */
  rejectImage: string | undefined;
  /** Answers `DELETE` with 409 app_in_use for these `name@version`s. */
  readonly inUse = new Set<string>();

  /** Stores an app as if it had been pushed. */
  add(app: App, payload: Buffer): void {
    this.apps.unshift(app);
    this.payloads.set(keyOf(app.name, app.version), payload);
  }

  handles(path: string): boolean {
    return path === '/api/signing-key' || path === '/api/apps' || path.startsWith('/api/apps/');
  }

  handle(req: StubRequest): StubResponse {
    if (req.path === '/api/signing-key') return { status: 200, body: TEST_SIGNING_KEY };
    if (req.path === '/api/apps') return req.method === 'POST' ? this.push(req) : this.list(req);
    const match = /^\/api\/apps\/([^/]+)\/([^/]+)(\/payload|\/manifest)?$/.exec(req.path);
    if (!match) return problem(404, 'not_found', `no route ${req.method} ${req.path}`);
    const key = keyOf(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
    const app = this.apps.find((a) => keyOf(a.name, a.version) === key);
    if (!app) return problem(404, 'app_not_found', `app ${key} not found`);
    if (match[3] === '/payload') return { status: 200, bytes: this.payloads.get(key) };
    if (match[3] === '/manifest') {
      return { status: 200, bytes: fakeManifest(app), contentType: 'application/cose' };
    }
    if (req.method === 'DELETE') return this.remove(app, key);
    return { status: 200, body: app };
  }

  private list(req: StubRequest): StubResponse {
    const name = req.query.get('name');
    const vm = req.query.get('vm');
    // As the gateway does: benchmark images only with all=true or when asked for by name.
    const everything = Boolean(name) || req.query.get('all') === 'true';
    const items = this.apps.filter(
      (a) =>
        (!name || a.name === name) &&
        (!vm || a.vm === vm) &&
        (everything || !a.name.startsWith('bench-')),
    );
    return { status: 200, body: { items } };
  }

  private push(req: StubRequest): StubResponse {
    const form = parseMultipart(req.rawBody, req.headers['content-type']);
    const [name, version, vm] = [form.field('name'), form.field('version'), form.field('vm')];
    if (this.rejectImage) return problem(400, 'image_rejected', this.rejectImage);
    const key = keyOf(name, version);
    if (this.payloads.has(key)) return problem(409, 'app_exists');
    const payload = form.file('file').data;
    const optional = (field: string) =>
      form.names().includes(field) ? Number(form.field(field)) : 0;
    const app = makeApp({
      name,
      version,
      vm,
      size: payload.length,
      sha256: createHash('sha256').update(payload).digest('hex'),
      sequence: Math.max(0, ...this.apps.map((a) => a.sequence)) + 1,
      needs: {
        ramBytes: Math.max(4096, optional('ramBytes')),
        flashBytes: Math.max(payload.length, optional('flashBytes')),
        stackBytes: 1024,
      },
    });
    this.add(app, payload);
    return { status: 201, body: app };
  }

  private remove(app: App, key: string): StubResponse {
    if (this.inUse.has(key)) return problem(409, 'app_in_use', `app ${key} is deployed`);
    this.apps.splice(this.apps.indexOf(app), 1);
    this.payloads.delete(key);
    return { status: 204 };
  }
}
