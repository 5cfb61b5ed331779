import { Global, Module } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config';
import { CLUSTER_CONFIG, type ClusterConfig, loadClusterConfig } from './cluster-config';
import { LeaseService } from './lease.service';
import { LeasesRepository } from './leases.repository';

/**
 * Coordination of several instances on one PostgreSQL database through leases. Global, so
 * the rollout runner, benchmark runner, retention sweep and alert evaluator ask one service.
 */
@Global()
@Module({
  providers: [
    { provide: CLUSTER_CONFIG, useFactory: () => loadClusterConfig() },
    LeasesRepository,
    {
      provide: LeaseService,
      inject: [LeasesRepository, CLUSTER_CONFIG, CONFIG],
      useFactory: (repo: LeasesRepository, cluster: ClusterConfig, config: Config) =>
        new LeaseService(repo, cluster, { single: config.database.kind === 'sqlite' }),
    },
  ],
  exports: [LeaseService, CLUSTER_CONFIG],
})
export class ClusterModule {}
