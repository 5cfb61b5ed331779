import { Global, Module } from '@nestjs/common';
import { FleetGauges } from './fleet-gauges';
import { FleetMetricsRepository } from './fleet-metrics.repository';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { SessionTakeovers } from './session-takeovers';
import { UplinkTap } from './uplink-tap';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, SessionTakeovers, UplinkTap, FleetMetricsRepository, FleetGauges],
  exports: [MetricsService, SessionTakeovers, UplinkTap],
})
export class MetricsModule {}
