import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Backoff } from './backoff';
import { TooManyAttemptsError, UnauthorizedError } from './domain-error';
import { secretsEqual } from './secrets';

export const API_TOKEN = Symbol('vmfleet.api-token');
const PUBLIC = 'vmfleet:public';

/** Marks a route that needs no bearer token (health, enrollment with its own key). */
export const Public = () => SetMetadata(PUBLIC, true);

@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_TOKEN) private readonly apiToken: string,
  ) {}

  /**
   * Wrong API tokens per source address: after 5, that address waits 1 s, doubling up to
   * 60 s, and meanwhile gets 429 with Retry-After without its token being checked (so a
   * right guess cannot be told from a wrong one). A right token does not clear the count.
   */
  private readonly wrongTokens = new Backoff();

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
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
    if (!secretsEqual(match[1], this.apiToken)) {
      this.wrongTokens.fail(address, Date.now());
      throw new UnauthorizedError('wrong API token');
    }
    return true;
  }
}
