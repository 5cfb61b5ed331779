import { Injectable, Logger } from '@nestjs/common';
import { ApiTokenVerifier } from '../common/auth.guard';
import type { Principal, Role } from '../common/roles';
import {
  type ApiToken,
  hashApiTokenSecret,
  looksLikeApiToken,
  newApiTokenSecret,
  type StoredApiToken,
} from './domain/api-token';
import { ApiTokenNotFoundError } from './domain/errors';
import { LastUseTracker, TokenCache } from './domain/token-cache';
import { TokensRepository } from './tokens.repository';

/** API tokens per person: create (the secret shown once), list, revoke, and check one. */
@Injectable()
export class TokensService implements ApiTokenVerifier {
  private readonly logger = new Logger('Tokens');
  private readonly cache = new TokenCache();
  private readonly lastUse = new LastUseTracker();

  constructor(private readonly tokens: TokensRepository) {}

  async create(
    name: string,
    role: Role,
    now = Date.now(),
  ): Promise<{ token: ApiToken; secret: string }> {
    const { id, secret } = newApiTokenSecret();
    const stored: StoredApiToken = {
      id,
      name,
      role,
      secretHash: hashApiTokenSecret(secret),
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.tokens.insert(stored);
    this.cache.clear();
    return { token: this.view(stored), secret };
  }

  async list(): Promise<ApiToken[]> {
    return (await this.tokens.list()).map((t) => this.view(t));
  }

  async get(id: string): Promise<ApiToken> {
    const token = await this.tokens.findById(id);
    if (!token) throw new ApiTokenNotFoundError(id);
    return this.view(token);
  }

  /** Revoking twice is no error: the token stays revoked since the first time. */
  async revoke(id: string, now = Date.now()): Promise<ApiToken> {
    if (!(await this.tokens.findById(id))) throw new ApiTokenNotFoundError(id);
    await this.tokens.revoke(id, now);
    this.cache.clear();
    return this.get(id);
  }

  async verify(secret: string, now: number): Promise<Principal | null> {
    if (!looksLikeApiToken(secret)) return null;
    const hash = hashApiTokenSecret(secret);
    let token = this.cache.get(hash, now);
    if (token === undefined) {
      const generation = this.cache.generation;
      token = await this.tokens.findByHash(hash);
      this.cache.set(hash, token, now, generation);
    }
    if (!token || token.revokedAt !== null) return null;
    if (this.lastUse.touch(token.id, now)) {
      const id = token.id;
      // Not awaited: the request need not wait for a bookkeeping write, nor fail with it.
      this.tokens.recordUse(id, now).catch((err: unknown) => {
        this.logger.warn(`could not record the use of API token ${id}: ${String(err)}`);
      });
    }
    return { kind: 'token', id: token.id, name: token.name, role: token.role };
  }

  /** The stored token without its hash, with the newest use this instance has seen. */
  private view(t: StoredApiToken): ApiToken {
    const seen = this.lastUse.lastUse(t.id);
    const lastUsedAt = seen !== undefined && seen > (t.lastUsedAt ?? 0) ? seen : t.lastUsedAt;
    return {
      id: t.id,
      name: t.name,
      role: t.role,
      createdAt: t.createdAt,
      lastUsedAt,
      revokedAt: t.revokedAt,
    };
  }
}
