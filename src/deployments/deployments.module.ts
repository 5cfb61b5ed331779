import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { ClusterModule } from '../cluster/cluster.module';
import { DevicesModule } from '../devices/devices.module';
import { PayloadSource, providePort } from '../link/ports';
import { DeploymentDeviceEntity } from './deployment-device.entity';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsRepository } from './deployments.repository';
import { DeploymentsService } from './deployments.service';
import { OtaTransfers } from './ota-transfers';
import { RolloutRunner } from './rollout-runner';

@Module({
  imports: [
    TypeOrmModule.forFeature([DeploymentEntity, DeploymentDeviceEntity]),
    AppsModule,
    DevicesModule,
    // Global: the benchmark runner, retention sweep and alert evaluator take leases too.
    ClusterModule,
  ],
  controllers: [DeploymentsController],
  providers: [
    DeploymentsRepository,
    DeploymentsService,
    OtaTransfers,
    RolloutRunner,
    // CoAP Block2 reads app payloads through this port (src/link/ports.ts).
    providePort(PayloadSource, RolloutRunner),
  ],
  exports: [RolloutRunner, DeploymentsService, PayloadSource],
})
export class DeploymentsModule {}
