import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { EventsModule } from '../events/events.module';
import { MonitorModule } from '../monitor/monitor.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { InboundRouter } from './inbound-router';

/** The one InboundRouter every transport module hands its decoded uplinks to. */
@Module({
  imports: [DevicesModule, TelemetryModule, MonitorModule, EventsModule, DeploymentsModule],
  providers: [InboundRouter],
  exports: [InboundRouter],
})
export class InboundModule {}
