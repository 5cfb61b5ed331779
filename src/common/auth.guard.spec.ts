import { Controller, Delete, Get, INestApplication, Post } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { API_TOKEN, ApiTokenVerifier, BearerAuthGuard, Public } from './auth.guard';
import { HttpErrorFilter } from './http-error.filter';
import {
  Caller,
  defaultRoleFor,
  type Principal,
  RequireRole,
  type Role,
  roleAtLeast,
} from './roles';

const ADMIN_TOKEN = 'first-start-secret';
const SECRETS: Record<string, Principal> = {
  'viewer-secret': { kind: 'token', id: 't1', name: 'vi', role: 'viewer' },
  'operator-secret': { kind: 'token', id: 't2', name: 'op', role: 'operator' },
  'admin-secret': { kind: 'token', id: 't3', name: 'ad', role: 'admin' },
};

/** The port with a fixed table: the guard's policy is what is under test here. */
class TableVerifier extends ApiTokenVerifier {
  verify(secret: string): Promise<Principal | null> {
    return Promise.resolve(SECRETS[secret] ?? null);
  }
}

const byBody = (req: Request) => ({
  role: ((req.body as { op?: string }).op === 'read' ? 'viewer' : 'operator') as Role,
  detail: `op ${(req.body as { op?: string }).op}`,
});

@Controller('api/things')
class ThingsController {
  @Get()
  list(@Caller() caller: Principal) {
    return { caller };
  }
  @Post()
  create() {
    return { ok: true };
  }
  @Delete(':id')
  remove() {
    return { ok: true };
  }
  @Post('search')
  @RequireRole('viewer')
  search() {
    return { ok: true };
  }
  @Post('keys')
  @RequireRole('admin')
  keys() {
    return { ok: true };
  }
  @Post('ops')
  @RequireRole(byBody)
  ops() {
    return { ok: true };
  }
  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }
}

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['operator', 'viewer', true],
    ['operator', 'admin', false],
    ['admin', 'operator', true],
  ] as const)('%s is at least %s: %s', (have, need, ok) => {
    expect(roleAtLeast(have, need)).toBe(ok);
  });

  it.each([
    ['GET', 'viewer'],
    ['head', 'viewer'],
    ['POST', 'operator'],
    ['PUT', 'operator'],
    ['PATCH', 'operator'],
    ['DELETE', 'operator'],
  ])('%s needs %s by default', (method, role) => {
    expect(defaultRoleFor(method)).toBe(role);
  });
});

describe('BearerAuthGuard policy (real HTTP)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ThingsController],
      providers: [
        { provide: API_TOKEN, useValue: ADMIN_TOKEN },
        { provide: ApiTokenVerifier, useClass: TableVerifier },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
  });

  async function call(secret: string | null, method: string, path: string, body?: unknown) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it.each([
    // [token, method, path, body, status]
    ['viewer-secret', 'GET', '/api/things', undefined, 200],
    ['viewer-secret', 'POST', '/api/things', {}, 403],
    ['viewer-secret', 'DELETE', '/api/things/1', undefined, 403],
    ['viewer-secret', 'POST', '/api/things/search', {}, 201],
    ['viewer-secret', 'POST', '/api/things/ops', { op: 'read' }, 201],
    ['viewer-secret', 'POST', '/api/things/ops', { op: 'write' }, 403],
    ['operator-secret', 'POST', '/api/things', {}, 201],
    ['operator-secret', 'DELETE', '/api/things/1', undefined, 200],
    ['operator-secret', 'POST', '/api/things/ops', { op: 'write' }, 201],
    ['operator-secret', 'POST', '/api/things/keys', {}, 403],
    ['admin-secret', 'POST', '/api/things/keys', {}, 201],
    [ADMIN_TOKEN, 'POST', '/api/things/keys', {}, 201],
    [null, 'GET', '/api/things/open', undefined, 200],
  ] as const)('%s %s %s %j → %d', async (secret, method, path, body, status) => {
    expect((await call(secret, method, path, body)).status).toBe(status);
  });

  it('names the role, the route and the role it needs in the 403', async () => {
    expect(await call('viewer-secret', 'POST', '/api/things?x=1', {})).toEqual({
      status: 403,
      body: {
        statusCode: 403,
        code: 'forbidden',
        message:
          'role viewer may not POST /api/things: it needs operator; ask an admin for a token with that role',
      },
    });
    const ops = await call('viewer-secret', 'POST', '/api/things/ops', { op: 'write' });
    expect(ops.body.message).toMatch(
      /^role viewer may not POST \/api\/things\/ops \(op write\): it needs operator;/,
    );
    const keys = await call('operator-secret', 'POST', '/api/things/keys', {});
    expect(keys.body.message).toMatch(
      /^role operator may not POST \/api\/things\/keys: it needs admin;/,
    );
  });

  it('hands the caller to the route: the first-start token is admin', async () => {
    expect((await call(ADMIN_TOKEN, 'GET', '/api/things')).body.caller).toEqual({
      kind: 'bootstrap',
      id: null,
      name: 'first-start token',
      role: 'admin',
    });
    expect((await call('viewer-secret', 'GET', '/api/things')).body.caller).toEqual(
      SECRETS['viewer-secret'],
    );
  });

  // Last: its wrong tokens start the per-address backoff for this app.
  it('answers 401 without a token or with an unknown one', async () => {
    expect(await call(null, 'GET', '/api/things')).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    });
    expect(await call('nope', 'GET', '/api/things')).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: 'wrong or revoked API token' },
    });
  });
});
