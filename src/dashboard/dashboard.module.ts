import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DashboardMiddleware } from './dashboard.middleware';

/** The web dashboard (web/, built into dist/web) at `/`; web/README.md describes it. */
@Module({})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardMiddleware).forRoutes('{*path}');
  }
}
