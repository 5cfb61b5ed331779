import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** How this instance names itself to the others and how long its leases last. */
export interface ClusterConfig {
  instanceId: string;
  /** A lease not renewed for this long is free for another instance to take. */
  leaseTtlMs: number;
}

const schema = z.object({
  VMFLEET_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'VMFLEET_INSTANCE_ID must be 1-64 of A-Z a-z 0-9 . _ -')
    .optional(),
  VMFLEET_LEASE_TTL_MS: z.coerce
    .number({ error: 'VMFLEET_LEASE_TTL_MS must be a number of milliseconds' })
    .int('VMFLEET_LEASE_TTL_MS must be an integer')
    .min(1_000, 'VMFLEET_LEASE_TTL_MS must be 1000-600000')
    .max(600_000, 'VMFLEET_LEASE_TTL_MS must be 1000-600000')
    .default(15_000),
});

/**
 * Parsed once when the cluster module is built (docs/operations.md "Several instances").
 * The default id is unique per process: hostname, pid and a random suffix, so a restarted
 * instance never inherits the leases of the one that died.
 */
export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  }
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40);
  const fallback = `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return {
    instanceId: parsed.data.VMFLEET_INSTANCE_ID ?? fallback,
    leaseTtlMs: parsed.data.VMFLEET_LEASE_TTL_MS,
  };
}

export const CLUSTER_CONFIG = Symbol('vmfleet.cluster-config');
