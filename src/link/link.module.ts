import { Global, Module } from '@nestjs/common';
import { DEVICE_LINK } from './device-link';
import { DeviceLinks } from './device-links';

/** Global so domain modules reach the link without importing any transport module. */
@Global()
@Module({
  providers: [DeviceLinks, { provide: DEVICE_LINK, useExisting: DeviceLinks }],
  exports: [DeviceLinks, DEVICE_LINK],
})
export class LinkModule {}
