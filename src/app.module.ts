import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from './alerts/alerts.module';
import { AppsModule } from './apps/apps.module';
import { BackupModule } from './backup/backup.module';
import { API_TOKEN, BearerAuthGuard } from './common/auth.guard';
import { HttpErrorFilter } from './common/http-error.filter';
import { CONFIG, Config } from './config/config';
import { DashboardModule } from './dashboard/dashboard.module';
import { dataSourceOptions } from './database/data-source-options';
import { openMigratedDataSource } from './database/migrate';
import { DeploymentsModule } from './deployments/deployments.module';
import { DevicesModule } from './devices/devices.module';
import { EventsModule } from './events/events.module';
import { MonitorModule } from './monitor/monitor.module';
import { HealthController } from './health/health.controller';
import { LinkModule } from './link/link.module';
import { MetricsModule } from './metrics/metrics.module';
import { MqttModule } from './mqtt/mqtt.module';
import { CoapModule } from './coap/coap.module';
import { BenchmarksModule } from './benchmarks/benchmarks.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { TokensModule } from './tokens/tokens.module';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: Config, apiToken: string): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: API_TOKEN, useValue: apiToken },
      ],
      exports: [CONFIG, API_TOKEN],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: Config, apiToken: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, apiToken),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config.database),
          dataSourceFactory: (options) => openMigratedDataSource(options!),
        }),
        MetricsModule,
        LinkModule,
        DevicesModule,
        TelemetryModule,
        MonitorModule,
        EventsModule,
        AppsModule,
        DeploymentsModule,
        MqttModule.forRoot(config.mqttBroker),
        CoapModule,
        BenchmarksModule,
        TokensModule,
        AlertsModule,
        DashboardModule,
        BackupModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
