import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { BackupController } from './backup.controller';
import { BackupService } from './backup.service';

/** `GET /api/backup`: the data dir as one archive, taken while the gateway runs. */
@Module({
  imports: [ClusterModule],
  controllers: [BackupController],
  providers: [BackupService],
})
export class BackupModule {}
