import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth.guard';
import { openApiSchema } from '../common/zod';
import { CONFIG, Config } from '../config/config';
import { CoapGateway } from '../coap/coap-gateway';
import { MQTT_WS_PATH, MqttBroker } from '../mqtt/mqtt-broker';
import { healthSchema, type Health } from '../protocol/api';
import { VERSION } from '../version';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly broker: MqttBroker,
    private readonly coap: CoapGateway,
    private readonly db: DataSource,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and where devices connect; no token needed' })
  @ApiOkResponse({ schema: openApiSchema(healthSchema, 'output') })
  async health(): Promise<Health> {
    await this.db.query('SELECT 1');
    return {
      status: 'ok',
      version: VERSION,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      database: this.config.database.kind,
      mqtt: { port: this.broker.port, wsPath: MQTT_WS_PATH },
      coap: { port: this.coap.port },
    };
  }
}
