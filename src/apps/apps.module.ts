import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import * as path from 'node:path';
import { CONFIG, Config } from '../config/config';
import { AppSequenceEntity } from './app-sequence.entity';
import { AppEntity } from './app.entity';
import { AppsController } from './apps.controller';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';
import { BlobStore } from './blob-store';
import { SigningKeyService } from './signing-key.service';

@Module({
  imports: [TypeOrmModule.forFeature([AppEntity, AppSequenceEntity])],
  controllers: [AppsController],
  providers: [
    AppsRepository,
    AppsService,
    SigningKeyService,
    {
      provide: BlobStore,
      useFactory: (config: Config) => new BlobStore(path.join(config.dataDir, 'blobs')),
      inject: [CONFIG],
    },
  ],
  exports: [AppsService, SigningKeyService],
})
export class AppsModule {}
