import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { DEVICE_LINK } from '../link/device-link';
import { InboundRouter } from '../link/inbound-router';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { MqttBroker } from './mqtt-broker';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';

@Module({
  imports: [DevicesModule, TelemetryModule],
  providers: [
    MqttBroker,
    MqttDeviceLink,
    MqttUplink,
    InboundRouter,
    { provide: DEVICE_LINK, useExisting: MqttDeviceLink },
  ],
  exports: [MqttBroker, DEVICE_LINK],
})
export class MqttModule {}
