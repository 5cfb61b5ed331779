import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { MonitorModule } from '../monitor/monitor.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { BenchmarkCampaignEntity, BenchmarkRunEntity } from './benchmark.entities';
import { BenchmarkImages } from './benchmark-images';
import { BenchmarkRunner } from './benchmark-runner';
import { BenchmarksController } from './benchmarks.controller';
import { BenchmarksRepository } from './benchmarks.repository';
import { BenchmarksService } from './benchmarks.service';
import { FootprintEntity } from './footprint.entity';
import { FootprintsController } from './footprints.controller';
import { FootprintsRepository } from './footprints.repository';
import { FootprintsService } from './footprints.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([BenchmarkCampaignEntity, BenchmarkRunEntity, FootprintEntity]),
    AppsModule,
    DevicesModule,
    DeploymentsModule,
    MonitorModule,
    TelemetryModule,
  ],
  // FootprintsController first: its /api/benchmarks/footprints must match before /:id.
  controllers: [FootprintsController, BenchmarksController],
  providers: [
    BenchmarksRepository,
    BenchmarksService,
    BenchmarkRunner,
    BenchmarkImages,
    FootprintsRepository,
    FootprintsService,
  ],
  exports: [BenchmarksService],
})
export class BenchmarksModule {}
