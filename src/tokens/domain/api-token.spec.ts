import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { COMMAND_OPS } from '../../protocol';
import { hashApiTokenSecret, looksLikeApiToken, newApiTokenSecret } from './api-token';
import { MONITOR_OP_ROLES, monitorOpRole } from './monitor-policy';

describe('API token secrets', () => {
  it('names its id inside and carries 256 random bits', () => {
    const { id, secret } = newApiTokenSecret();
    expect(id).toMatch(/^t[0-9a-f]{10}$/);
    expect(secret.startsWith(`vmf_${id}_`)).toBe(true);
    expect(Buffer.from(secret.slice(`vmf_${id}_`.length), 'base64url')).toHaveLength(32);
    expect(looksLikeApiToken(secret)).toBe(true);
    expect(newApiTokenSecret().secret).not.toBe(secret);
  });

  it('keeps the SHA-256 of the whole secret, never the secret', () => {
    const { id, secret } = newApiTokenSecret();
    const hash = hashApiTokenSecret(secret);
    expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hash).not.toContain(secret.slice(`vmf_${id}_`.length));
  });

  it.each([
    '',
    'vmf_',
    'first-start-token',
    `vmf_tzz_${'a'.repeat(43)}`,
    `vmf_t0123456789_${'a'.repeat(42)}`,
  ])('does not look up %j', (value) => {
    expect(looksLikeApiToken(value)).toBe(false);
  });
});

describe('Thing Monitor op roles', () => {
  const req = (body: unknown) => ({ body }) as Request;

  it('decides every op of the protocol', () => {
    expect(Object.keys(MONITOR_OP_ROLES).sort()).toEqual([...COMMAND_OPS].sort());
  });

  it.each([
    ['status', 'viewer'],
    ['registers', 'viewer'],
    ['memory', 'viewer'],
    ['step', 'operator'],
    ['load', 'operator'],
    ['stop', 'operator'],
    ['inject', 'operator'],
  ])('%s needs %s', (op, role) => {
    expect(monitorOpRole(req({ op }))).toEqual({ role, detail: `op ${op}` });
  });

  it.each([[{ op: 'toString' }], [{ op: 42 }], [{}], [undefined]])(
    'an op it does not know (%j) needs operator',
    (body) => {
      expect(monitorOpRole(req(body)).role).toBe('operator');
    },
  );
});
