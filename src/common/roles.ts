import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { ROLES, type Role } from '../protocol/api/tokens';

/**
 * Who may call what (README "Tokens and roles"). Each role can do everything the ones before
 * it can: a viewer reads, an operator also changes the fleet (deploys, steps a VM), an admin
 * also manages credentials (API tokens, device tokens).
 */
export { ROLES, type Role };

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The default when a route says nothing: reading is for viewers, any change for operators. */
export function defaultRoleFor(method: string): Role {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS' ? 'viewer' : 'operator';
}

/** What a route needs, decided from the request where one route does several things. */
export interface RoleNeed {
  role: Role;
  /** Says which of the route's things was asked, for the 403 message (`op step`). */
  detail?: string;
}
export type RoleRule = Role | ((req: Request) => RoleNeed);

export const ROLE_RULE = 'vmfleet:role';

/**
 * Overrides the method default: `@RequireRole('admin')`, `@RequireRole('viewer')` on a POST
 * that only reads, or a function of the request for a route whose body names the action.
 */
export const RequireRole = (rule: RoleRule) => SetMetadata(ROLE_RULE, rule);

/** The caller the guard let in: the first-start token (admin) or a named person's token. */
export interface Principal {
  kind: 'bootstrap' | 'token';
  /** The token's public id; null for the first-start token, which is not in the table. */
  id: string | null;
  name: string;
  role: Role;
}

const PRINCIPAL = Symbol('vmfleet.principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function setPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

export function principalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}

/** The route's caller as a handler parameter; only on routes the guard checked (not @Public). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new Error('@Caller() on a route without a checked token (is it @Public?)');
  return principal;
});
