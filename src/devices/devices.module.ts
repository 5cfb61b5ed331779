import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { DeviceAuthenticator, DeviceRoster, LoginAttempts, providePort } from '../link/ports';
import { DeviceTagEntity } from './device-tag.entity';
import { DeviceEntity } from './device.entity';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { LoginThrottle } from './login-throttle';

@Module({
  imports: [TypeOrmModule.forFeature([DeviceEntity, DeviceTagEntity]), AppsModule],
  controllers: [DevicesController],
  // One throttle for every transport: guesses spread over MQTT and CoAP count together.
  providers: [
    DevicesRepository,
    DevicesService,
    { provide: LoginThrottle, useFactory: () => new LoginThrottle() },
    // The ports transports use (src/link/ports.ts): they import no devices code.
    providePort(DeviceAuthenticator, DevicesService),
    providePort(LoginAttempts, LoginThrottle),
    providePort(DeviceRoster, DevicesService),
  ],
  exports: [DevicesService, LoginThrottle, DeviceAuthenticator, LoginAttempts, DeviceRoster],
})
export class DevicesModule {}
