import type { Request } from 'express';
import type { RoleNeed, Role } from '../../common/roles';
import type { CommandOp } from '../../protocol';

/**
 * The Thing Monitor is one route (`POST /api/devices/:id/monitor`) whose body names the op:
 * reading the VM is for viewers, anything that changes it for operators. A Record over every
 * op, so a new op does not compile until someone decides.
 */
export const MONITOR_OP_ROLES: Record<CommandOp, Role> = {
  status: 'viewer',
  registers: 'viewer',
  memory: 'viewer',
  load: 'operator',
  start: 'operator',
  stop: 'operator',
  pause: 'operator',
  resume: 'operator',
  reset: 'operator',
  step: 'operator',
  inject: 'operator',
  bench: 'operator',
};

/** The guard runs before the body is validated: an op it does not know needs operator. */
export function monitorOpRole(req: Request): RoleNeed {
  const op: unknown = (req.body as { op?: unknown } | undefined)?.op;
  const role =
    typeof op === 'string' && Object.hasOwn(MONITOR_OP_ROLES, op)
      ? MONITOR_OP_ROLES[op as CommandOp]
      : 'operator';
  return { role, detail: typeof op === 'string' ? `op ${op.slice(0, 32)}` : undefined };
}
