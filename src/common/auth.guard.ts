import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Backoff } from './backoff';
import { ForbiddenError, TooManyAttemptsError, UnauthorizedError } from './domain-error';
import {
  defaultRoleFor,
  type Principal,
  ROLE_RULE,
  roleAtLeast,
  type RoleNeed,
  type RoleRule,
  setPrincipal,
} from './roles';
import { secretsEqual } from './secrets';

export const API_TOKEN = Symbol('vmfleet.api-token');
const PUBLIC = 'vmfleet:public';

/** Marks a route that needs no bearer token (health, enrollment with its own key). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The port the tokens feature fills: a presented secret → its live token, or null. */
export abstract class ApiTokenVerifier {
  abstract verify(secret: string, now: number): Promise<Principal | null>;
}

/** The first-start (or VMFLEET_API_TOKEN) token: always admin, never in the tokens table. */
export const BOOTSTRAP_PRINCIPAL: Principal = {
  kind: 'bootstrap',
  id: null,
  name: 'first-start token',
  role: 'admin',
};

@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_TOKEN) private readonly apiToken: string,
    private readonly tokens: ApiTokenVerifier,
  ) {}

  /**
   * Wrong API tokens per source address: after 5, that address waits 1 s, doubling up to
   * 60 s, and meanwhile gets 429 with Retry-After without its token being checked (so a
   * right guess cannot be told from a wrong one). A right token does not clear the count.
   * A revoked token counts as a wrong one.
   */
  private readonly wrongTokens = new Backoff();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = await this.authenticate(req);
    setPrincipal(req, principal);
    const rule = this.reflector.getAllAndOverride<RoleRule | undefined>(ROLE_RULE, targets);
    const need = neededRole(rule, req);
    if (!roleAtLeast(principal.role, need.role)) {
      const detail = need.detail ? ` (${need.detail})` : '';
      throw new ForbiddenError(
        `role ${principal.role} may not ${req.method} ${pathOf(req)}${detail}: it needs ${need.role}; ask an admin for a token with that role`,
      );
    }
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = this.wrongTokens.waitMs(address, Date.now());
    if (wait > 0) {
      throw new TooManyAttemptsError(
        `too many wrong API tokens from ${address}; retry in ${Math.ceil(wait / 1000)} s`,
        wait,
      );
    }
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new UnauthorizedError(
        'missing bearer token: send Authorization: Bearer <VMFLEET_API_TOKEN>',
      );
    if (secretsEqual(match[1], this.apiToken)) return BOOTSTRAP_PRINCIPAL;
    const principal = await this.tokens.verify(match[1], Date.now());
    if (principal) return principal;
    this.wrongTokens.fail(address, Date.now());
    throw new UnauthorizedError('wrong or revoked API token');
  }
}

/** The route's own rule, else the method default. */
export function neededRole(rule: RoleRule | undefined, req: Request): RoleNeed {
  if (rule === undefined) return { role: defaultRoleFor(req.method) };
  return typeof rule === 'function' ? rule(req) : { role: rule };
}

function pathOf(req: Request): string {
  return (req.originalUrl ?? req.url).split('?')[0];
}
