import { Global, Module } from '@nestjs/common';
import { CredentialHooks } from './credential-hooks';
import { DEVICE_LINK } from './device-link';
import { DeviceLinks } from './device-links';

/** Global so domain modules reach the link without importing any transport module. */
@Global()
@Module({
  providers: [DeviceLinks, { provide: DEVICE_LINK, useExisting: DeviceLinks }, CredentialHooks],
  exports: [DeviceLinks, DEVICE_LINK, CredentialHooks],
})
export class LinkModule {}
