import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { VmKind } from '../protocol';
import { AppSequenceEntity } from './app-sequence.entity';
import { AppEntity } from './app.entity';
import type { App, AppFilter } from './domain/app';
import { nextSequence } from './domain/app-rules';

/** A new app as the service builds it once the sequence number is known. */
export interface SignedApp {
  app: App;
  /** The COSE_Sign1 over the app's manifest. */
  manifest: Uint8Array;
}

@Injectable()
export class AppsRepository {
  constructor(@InjectRepository(AppEntity) private readonly apps: Repository<AppEntity>) {}

  async exists(name: string, version: string): Promise<boolean> {
    return this.apps.exists({ where: { name, version } });
  }

  async find(name: string, version: string): Promise<App | null> {
    const row = await this.apps.findOne({ where: { name, version } });
    return row ? toApp(row) : null;
  }

  async manifestOf(name: string, version: string): Promise<Uint8Array | null> {
    const row = await this.apps.findOne({
      where: { name, version },
      select: { name: true, version: true, manifest: true },
    });
    return row ? Buffer.from(row.manifest, 'base64') : null;
  }

  /** Newest first. */
  async list(filter: AppFilter): Promise<App[]> {
    const rows = await this.apps.find({
      where: {
        ...(filter.name ? { name: filter.name } : {}),
        ...(filter.vm ? { vmKind: filter.vm } : {}),
      },
      order: { sequence: 'DESC' },
    });
    return rows.map(toApp);
  }

  /**
   * Inserts the app `build` makes for the next sequence number; the number is taken and
   * the app stored in one transaction, so a failed insert gives the number back.
   */
  async insertNext(build: (sequence: number) => SignedApp): Promise<App> {
    return this.apps.manager.transaction(async (m) => {
      const sequence = nextSequence(await issuedSequence(m));
      await m.update(AppSequenceEntity, { id: SEQUENCE_ROW }, { issued: sequence });
      const { app, manifest } = build(sequence);
      await m.insert(AppEntity, {
        name: app.name,
        version: app.version,
        vmKind: app.vm,
        size: app.size,
        sha256: app.sha256,
        sequence: app.sequence,
        ramBytes: app.needs.ramBytes,
        flashBytes: app.needs.flashBytes,
        stackBytes: app.needs.stackBytes,
        kid: app.kid,
        manifest: Buffer.from(manifest).toString('base64'),
        createdAt: app.createdAt,
      });
      return app;
    });
  }

  /** Every app with its stored manifest, oldest first. */
  async *manifests(): AsyncGenerator<{ app: App; manifest: Uint8Array }> {
    const rows = await this.apps.find({ order: { sequence: 'ASC' } });
    for (const row of rows)
      yield { app: toApp(row), manifest: Buffer.from(row.manifest, 'base64') };
  }

  async replaceManifest(name: string, version: string, manifest: Uint8Array): Promise<void> {
    await this.apps.update(
      { name, version },
      { manifest: Buffer.from(manifest).toString('base64') },
    );
  }

  async delete(name: string, version: string): Promise<boolean> {
    const result = await this.apps.delete({ name, version });
    return (result.affected ?? 0) > 0;
  }

  /** How many apps use the payload with this digest. */
  async countBySha256(sha256: string): Promise<number> {
    return this.apps.count({ where: { sha256 } });
  }
}

const SEQUENCE_ROW = 1;

/**
 * The highest sequence number issued so far. On PostgreSQL the row stays locked until the
 * transaction ends, so gateways sharing the database take turns; SQLite has one gateway
 * per file and the service runs uploads one at a time. The unique index on
 * `apps.sequence` backs both up.
 */
async function issuedSequence(m: EntityManager): Promise<number> {
  const postgres = m.connection.options.type === 'postgres';
  const row = await m.findOne(AppSequenceEntity, {
    where: { id: SEQUENCE_ROW },
    ...(postgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!row) throw new Error('app_sequence has no row: the apps migration did not run fully');
  return row.issued;
}

function toApp(row: AppEntity): App {
  return {
    name: row.name,
    version: row.version,
    vm: row.vmKind as VmKind,
    size: row.size,
    sha256: row.sha256,
    sequence: row.sequence,
    needs: { ramBytes: row.ramBytes, flashBytes: row.flashBytes, stackBytes: row.stackBytes },
    kid: row.kid,
    createdAt: row.createdAt,
  };
}
