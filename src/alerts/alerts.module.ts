import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeploymentsModule } from '../deployments/deployments.module';
import { DevicesModule } from '../devices/devices.module';
import { AlertEntity, AlertRuleEntity } from './alert.entities';
import { AlertRulesController, AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { WebhookNotifier } from './webhook-notifier';

@Module({
  imports: [
    TypeOrmModule.forFeature([AlertRuleEntity, AlertEntity]),
    DevicesModule,
    DeploymentsModule,
  ],
  controllers: [AlertRulesController, AlertsController],
  providers: [AlertsRepository, AlertsService, WebhookNotifier],
  exports: [AlertsService],
})
export class AlertsModule {}
