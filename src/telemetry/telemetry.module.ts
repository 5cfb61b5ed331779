import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevicesModule } from '../devices/devices.module';
import { TelemetrySampleEntity } from './telemetry-sample.entity';
import { TelemetryController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryService } from './telemetry.service';

@Module({
  imports: [TypeOrmModule.forFeature([TelemetrySampleEntity]), DevicesModule],
  controllers: [TelemetryController],
  providers: [TelemetryRepository, TelemetryService],
  exports: [TelemetryService],
})
export class TelemetryModule {}
