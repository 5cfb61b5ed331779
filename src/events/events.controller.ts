import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import { z } from 'zod';
import { nonJsonContent, openApiSchema, ZodPipe } from '../common/zod';
import { parseInstant } from '../telemetry/domain/time-range';
import { deviceIdSchema } from '../protocol';
import {
  deviceEventListSchema,
  injectedEventSchema,
  type DeviceEvent as DeviceEventView,
} from '../protocol/api';
import type { DeviceEvent } from './domain/device-event';
import { BUTTON_EVENT, EventsService } from './events.service';

const listQuerySchema = z.object({
  since: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  kind: z.enum(['publish', 'emit', 'vm']).optional(),
});

const injectSchema = z.object({
  event: z.union([z.literal('button'), z.number().int().min(0).max(0xffff)]),
  value: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1)
    .default(0),
});

const idPipe = new ZodPipe(deviceIdSchema, 'device id');
const KEEP_ALIVE_MS = 15_000;

const view = (e: DeviceEvent) =>
  ({ ...e, ts: new Date(e.ts).toISOString() }) satisfies DeviceEventView;

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/devices/:id/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOperation({
    summary: 'Events of a device, oldest first: app publishes and emits, VM lifecycle',
  })
  @ApiOkResponse({ schema: openApiSchema(deviceEventListSchema, 'output') })
  async list(
    @Param('id', idPipe) id: string,
    @Query(new ZodPipe(listQuerySchema, 'query')) q: z.infer<typeof listQuerySchema>,
  ) {
    const since = q.since ? parseInstant(q.since, 'since') : undefined;
    return {
      items: (await this.events.list(id, { since, limit: q.limit, kind: q.kind })).map(view),
    };
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Live events of a device (Server-Sent Events)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'one event per device event (its kind; data: the event as the list has it)',
    content: nonJsonContent('text/event-stream'),
  })
  stream(@Param('id', idPipe) id: string): Observable<MessageEvent> {
    const events = this.events
      .follow(id)
      .pipe(map((e): MessageEvent => ({ type: e.kind, data: view(e) })));
    // A comment-like heartbeat keeps proxies from closing an idle stream.
    const keepAlive = interval(KEEP_ALIVE_MS).pipe(
      map((): MessageEvent => ({ type: 'keep-alive', data: '' })),
    );
    return merge(events, keepAlive);
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Inject a raw event into the device's Event Handler ('button' or 100–199)",
  })
  @ApiBody({ schema: openApiSchema(injectSchema) })
  @ApiAcceptedResponse({ schema: openApiSchema(injectedEventSchema, 'output') })
  inject(
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(injectSchema, 'event')) body: z.infer<typeof injectSchema>,
  ) {
    return this.events.inject(id, body.event === 'button' ? BUTTON_EVENT : body.event, body.value);
  }
}
