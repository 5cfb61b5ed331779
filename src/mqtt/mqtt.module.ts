import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { EventsModule } from '../events/events.module';
import { MonitorModule } from '../monitor/monitor.module';
import { InboundRouter } from '../link/inbound-router';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { MqttBroker } from './mqtt-broker';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';

@Module({
  imports: [DevicesModule, TelemetryModule, MonitorModule, EventsModule, DeploymentsModule],
  providers: [MqttBroker, MqttDeviceLink, MqttUplink, InboundRouter],
  exports: [MqttBroker],
})
export class MqttModule {}
