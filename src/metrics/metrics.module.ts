import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { SessionTakeovers } from './session-takeovers';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, SessionTakeovers],
  exports: [MetricsService, SessionTakeovers],
})
export class MetricsModule {}
