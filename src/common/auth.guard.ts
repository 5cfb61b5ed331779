import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UnauthorizedError } from './domain-error';
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

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new UnauthorizedError(
        'missing bearer token: send Authorization: Bearer <VMFLEET_API_TOKEN>',
      );
    if (!secretsEqual(match[1], this.apiToken)) throw new UnauthorizedError('wrong API token');
    return true;
  }
}
