import { DynamicModule, Module } from '@nestjs/common';
import type { MqttBrokerConfig } from '../config/config';
import { DevicesModule } from '../devices/devices.module';
import { InboundModule } from '../link/inbound.module';
import { ExternalBroker } from './external/external-broker';
import { ExternalDeviceLink } from './external/external-device-link';
import { MqttBroker } from './mqtt-broker';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';

@Module({})
export class MqttModule {
  /**
   * The embedded aedes broker, or (VMFLEET_MQTT_BROKER_URL) the client of an external one.
   * The external one stands in under the embedded classes' tokens: the uplink decodes and
   * answers bad frames through whichever link, and the gateway asks MqttBroker for its port.
   */
  static forRoot(broker: MqttBrokerConfig): DynamicModule {
    const providers =
      broker.kind === 'embedded'
        ? [MqttBroker, MqttDeviceLink, MqttUplink]
        : [
            ExternalBroker,
            ExternalDeviceLink,
            MqttUplink,
            { provide: MqttDeviceLink, useExisting: ExternalDeviceLink },
            { provide: MqttBroker, useExisting: ExternalBroker },
          ];
    return {
      module: MqttModule,
      imports: [DevicesModule, InboundModule],
      providers,
      exports: [MqttBroker],
    };
  }
}
