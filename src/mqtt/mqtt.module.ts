import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { InboundModule } from '../link/inbound.module';
import { MqttBroker } from './mqtt-broker';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';

@Module({
  imports: [DevicesModule, InboundModule],
  providers: [MqttBroker, MqttDeviceLink, MqttUplink],
  exports: [MqttBroker],
})
export class MqttModule {}
