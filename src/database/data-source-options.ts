import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AlertEntity, AlertRuleEntity } from '../alerts/alert.entities';
import { AppSequenceEntity } from '../apps/app-sequence.entity';
import { AppEntity } from '../apps/app.entity';
import { BenchmarkCampaignEntity, BenchmarkRunEntity } from '../benchmarks/benchmark.entities';
import { FootprintEntity } from '../benchmarks/footprint.entity';
import type { Config } from '../config/config';
import { DeploymentDeviceEntity } from '../deployments/deployment-device.entity';
import { DeploymentEntity } from '../deployments/deployment.entity';
import { DeviceTagEntity } from '../devices/device-tag.entity';
import { DeviceEntity } from '../devices/device.entity';
import { DeviceEventEntity } from '../events/device-event.entity';
import { TelemetrySampleEntity } from '../telemetry/telemetry-sample.entity';
import { ApiTokenEntity } from '../tokens/api-token.entity';
import { migrations } from './migrations';

export const entities = [
  DeviceEntity,
  DeviceTagEntity,
  TelemetrySampleEntity,
  DeviceEventEntity,
  AppEntity,
  AppSequenceEntity,
  DeploymentEntity,
  DeploymentDeviceEntity,
  BenchmarkCampaignEntity,
  BenchmarkRunEntity,
  FootprintEntity,
  ApiTokenEntity,
  AlertRuleEntity,
  AlertEntity,
];

/** The schema always comes from migrations, never from `synchronize`. */
export function dataSourceOptions(database: Config['database']): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  } as const;
  if (database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: database.url, extra: { max: 10 } };
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    // WAL lets the API read while telemetry batches are written; NORMAL sync is safe with WAL.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}
