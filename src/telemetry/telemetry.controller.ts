import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema, ZodPipe } from '../common/zod';
import { deviceIdSchema } from '../protocol';
import {
  fleetSummarySchema,
  telemetrySeriesSchema,
  type FleetSummary,
  type TelemetrySeries,
} from '../protocol/api';
import { TelemetryService } from './telemetry.service';

const rangeQuerySchema = z.object({
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  step: z.string().max(20).optional(),
});

const iso = (ms: number) => new Date(ms).toISOString();

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('api')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Get('devices/:id/telemetry')
  @ApiOperation({ summary: 'Resource samples of one device, downsampled into steps' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date or Unix ms; default: to - 1h' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date or Unix ms; default: now' })
  @ApiQuery({
    name: 'step',
    required: false,
    description: '10s, 5m, 1h or ms; default: about 360 points',
  })
  @ApiOkResponse({ schema: openApiSchema(telemetrySeriesSchema, 'output') })
  async series(
    @Param('id', new ZodPipe(deviceIdSchema, 'device id')) id: string,
    @Query(new ZodPipe(rangeQuerySchema, 'query')) query: z.infer<typeof rangeQuerySchema>,
  ): Promise<TelemetrySeries> {
    const s = await this.telemetry.series(id, query);
    return {
      deviceId: s.deviceId,
      from: iso(s.from),
      to: iso(s.to),
      stepMs: s.stepMs,
      points: s.points.map((p) => ({ ...p, ts: iso(p.ts) })),
    };
  }

  @Get('fleet/summary')
  @ApiOperation({ summary: 'Online count and RAM/flash use by VM kind and by board' })
  @ApiOkResponse({ schema: openApiSchema(fleetSummarySchema, 'output') })
  async summary(): Promise<FleetSummary> {
    const { devices, byVm, byBoard } = await this.telemetry.fleetSummary();
    // Spread into plain objects: the domain's interfaces carry no index signature.
    return {
      devices: { ...devices },
      byVm: byVm.map((g) => ({ ...g })),
      byBoard: byBoard.map((g) => ({ ...g })),
    };
  }
}
