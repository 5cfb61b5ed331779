import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { InboundModule } from '../link/inbound.module';
import { CoapDeviceLink } from './coap-device-link';
import { CoapGateway } from './coap-gateway';

@Module({
  imports: [DevicesModule, DeploymentsModule, InboundModule],
  providers: [CoapGateway, CoapDeviceLink],
  exports: [CoapGateway],
})
export class CoapModule {}
