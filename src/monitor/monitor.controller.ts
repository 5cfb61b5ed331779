import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireRole } from '../common/roles';
import { openApiSchema, ZodPipe } from '../common/zod';
import { COMMAND_OPS, deviceIdSchema } from '../protocol';
import { anyMonitorReplySchema } from '../protocol/api';
import { monitorOpRole } from '../tokens/domain/monitor-policy';
import { DEFAULT_COMMAND_TIMEOUT_MS, MonitorService } from './monitor.service';

const monitorRequestSchema = z.object({
  op: z.enum(COMMAND_OPS as [string, ...string[]]),
  args: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(DEFAULT_COMMAND_TIMEOUT_MS),
});

@ApiTags('monitor')
@ApiBearerAuth()
@Controller('api/devices/:id/monitor')
export class MonitorController {
  constructor(private readonly monitor: MonitorService) {}

  @Post()
  @RequireRole(monitorOpRole)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Thing Monitor: send one command (load, start, stop, step, registers, memory, …) and wait for its reply',
  })
  @ApiBody({ schema: openApiSchema(monitorRequestSchema) })
  @ApiOkResponse({
    description: "`{id, op, result}`: the device's reply, checked against the op's result schema",
    schema: openApiSchema(anyMonitorReplySchema, 'output'),
  })
  command(
    @Param('id', new ZodPipe(deviceIdSchema, 'device id')) id: string,
    @Body(new ZodPipe(monitorRequestSchema, 'monitor request'))
    body: z.infer<typeof monitorRequestSchema>,
  ) {
    return this.monitor.command(id, body.op, body.args, body.timeoutMs);
  }
}
