import { Controller, Get, Param, Query, Sse, type MessageEvent } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import { z } from 'zod';
import { nonJsonContent, openApiSchema, ZodPipe } from '../common/zod';
import { deviceIdSchema } from '../protocol';
import {
  fleetSummarySchema,
  telemetrySeriesSchema,
  type FleetSummary,
  type TelemetryPoint,
  type TelemetrySeries,
} from '../protocol/api';
import { pointOfSample } from './domain/downsample';
import { TelemetryService } from './telemetry.service';

const rangeQuerySchema = z.object({
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  step: z.string().max(20).optional(),
});

const iso = (ms: number) => new Date(ms).toISOString();
const KEEP_ALIVE_MS = 15_000;

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

  @Sse('devices/:id/telemetry/stream')
  @ApiOperation({ summary: 'Live resource samples of one device (Server-Sent Events)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      "one `sample` event per stored sample (data: a point of the series' shape, samples: 1)",
    content: nonJsonContent('text/event-stream'),
  })
  stream(
    @Param('id', new ZodPipe(deviceIdSchema, 'device id')) id: string,
  ): Observable<MessageEvent> {
    const samples = this.telemetry.follow(id).pipe(
      map((s): MessageEvent => {
        const p = pointOfSample(s);
        return { type: 'sample', data: { ...p, ts: iso(p.ts) } satisfies TelemetryPoint };
      }),
    );
    // As the events stream: a heartbeat keeps proxies from closing an idle stream.
    const keepAlive = interval(KEEP_ALIVE_MS).pipe(
      map((): MessageEvent => ({ type: 'keep-alive', data: '' })),
    );
    return merge(samples, keepAlive);
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
