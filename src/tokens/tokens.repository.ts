import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ROLES, type Role } from '../common/roles';
import { ApiTokenEntity } from './api-token.entity';
import type { StoredApiToken } from './domain/api-token';

@Injectable()
export class TokensRepository {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {}

  async insert(t: StoredApiToken): Promise<void> {
    await this.tokens.insert({ ...t });
  }

  async findByHash(secretHash: string): Promise<StoredApiToken | null> {
    const row = await this.tokens.findOne({ where: { secretHash } });
    return row ? toToken(row) : null;
  }

  async findById(id: string): Promise<StoredApiToken | null> {
    const row = await this.tokens.findOne({ where: { id } });
    return row ? toToken(row) : null;
  }

  /** Oldest first. */
  async list(): Promise<StoredApiToken[]> {
    const rows = await this.tokens.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toToken);
  }

  /** Sets revoked_at once; a second revoke keeps the first time. */
  async revoke(id: string, at: number): Promise<void> {
    await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Never moves last_used_at back (another instance may have written a later use). */
  async recordUse(id: string, at: number): Promise<void> {
    await this.tokens
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :at)', { id, at })
      .execute();
  }
}

function toToken(row: ApiTokenEntity): StoredApiToken {
  return {
    id: row.id,
    name: row.name,
    role: asRole(row.role),
    secretHash: row.secretHash,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** A role this gateway does not know (written by a newer one) grants the least. */
function asRole(value: string): Role {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : 'viewer';
}
