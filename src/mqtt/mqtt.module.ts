import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { InboundRouter } from '../link/inbound-router';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { MqttBroker } from './mqtt-broker';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';

@Module({
  imports: [DevicesModule, TelemetryModule],
  providers: [MqttBroker, MqttDeviceLink, MqttUplink, InboundRouter],
  exports: [MqttBroker],
})
export class MqttModule {}
