import { loadClusterConfig } from './cluster-config';

describe('cluster config', () => {
  it('defaults to an id unique per process and a 15 s lease', () => {
    const one = loadClusterConfig({});
    const two = loadClusterConfig({});
    expect(one.instanceId).toMatch(new RegExp(`^[A-Za-z0-9._-]+-${process.pid}-[0-9a-f]{6}$`));
    expect(two.instanceId).not.toBe(one.instanceId);
    expect(one.leaseTtlMs).toBe(15_000);
  });

  it('takes the id and lease time from the environment', () => {
    expect(
      loadClusterConfig({ VMFLEET_INSTANCE_ID: 'gw-a', VMFLEET_LEASE_TTL_MS: '3000' }),
    ).toEqual({ instanceId: 'gw-a', leaseTtlMs: 3000 });
  });

  it.each([
    [{ VMFLEET_INSTANCE_ID: 'has space' }, /VMFLEET_INSTANCE_ID must be 1-64 of/],
    [{ VMFLEET_INSTANCE_ID: 'x'.repeat(65) }, /VMFLEET_INSTANCE_ID must be 1-64 of/],
    [{ VMFLEET_LEASE_TTL_MS: '500' }, /VMFLEET_LEASE_TTL_MS must be 1000-600000/],
    [{ VMFLEET_LEASE_TTL_MS: 'soon' }, /VMFLEET_LEASE_TTL_MS must be a number/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadClusterConfig(env)).toThrow(message);
  });
});
