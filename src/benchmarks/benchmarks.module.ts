import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { MonitorModule } from '../monitor/monitor.module';
import { BenchmarkCampaignEntity, BenchmarkRunEntity } from './benchmark.entities';
import { BenchmarkImages } from './benchmark-images';
import { BenchmarkRunner } from './benchmark-runner';
import { BenchmarksController } from './benchmarks.controller';
import { BenchmarksRepository } from './benchmarks.repository';
import { BenchmarksService } from './benchmarks.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([BenchmarkCampaignEntity, BenchmarkRunEntity]),
    AppsModule,
    DevicesModule,
    DeploymentsModule,
    MonitorModule,
  ],
  controllers: [BenchmarksController],
  providers: [BenchmarksRepository, BenchmarksService, BenchmarkRunner, BenchmarkImages],
  exports: [BenchmarksService],
})
export class BenchmarksModule {}
