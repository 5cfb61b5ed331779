import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import type { z } from 'zod';
import { nonJsonContent, openApiSchema, ZodPipe } from '../common/zod';
import { alertListSchema, alertRuleListSchema, alertRuleSchema } from '../protocol/api';
import { AlertsService } from './alerts.service';
import { type RuleInput, ruleInputSchema, rulePatchSchema } from './domain/alert-rule';
import { alertView, listAlertsQuerySchema, ruleIdParamSchema, ruleView } from './dto/alert.dto';

const idPipe = new ZodPipe(ruleIdParamSchema, 'alert rule id');
const KEEP_ALIVE_MS = 15_000;

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alert-rules')
export class AlertRulesController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alert rules, oldest first' })
  @ApiOkResponse({ schema: openApiSchema(alertRuleListSchema, 'output') })
  async list() {
    return { items: (await this.alerts.listRules()).map(ruleView) };
  }

  @Post()
  @ApiOperation({ summary: 'Add an alert rule: telemetry, silent, event_rate or rollout_failed' })
  @ApiBody({ schema: openApiSchema(ruleInputSchema) })
  @ApiCreatedResponse({ schema: openApiSchema(alertRuleSchema, 'output') })
  async create(@Body(new ZodPipe(ruleInputSchema, 'alert rule')) body: RuleInput) {
    return ruleView(await this.alerts.createRule(body));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert rule' })
  @ApiOkResponse({ schema: openApiSchema(alertRuleSchema, 'output') })
  @ApiResponse({ status: 404, description: 'alert_rule_not_found' })
  async get(@Param('id', idPipe) id: number) {
    return ruleView(await this.alerts.getRule(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change fields of a rule (not its kind); firing alerts are checked again at once',
  })
  @ApiBody({ schema: openApiSchema(rulePatchSchema) })
  @ApiOkResponse({ schema: openApiSchema(alertRuleSchema, 'output') })
  @ApiResponse({ status: 404, description: 'alert_rule_not_found' })
  async update(@Param('id', idPipe) id: number, @Body() body: unknown) {
    return ruleView(await this.alerts.updateRule(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule; its firing alerts resolve' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiResponse({ status: 404, description: 'alert_rule_not_found' })
  async remove(@Param('id', idPipe) id: number): Promise<void> {
    await this.alerts.deleteRule(id);
  }
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first; ?state=firing for those firing now' })
  @ApiOkResponse({ schema: openApiSchema(alertListSchema, 'output') })
  async list(
    @Query(new ZodPipe(listAlertsQuerySchema, 'query')) q: z.infer<typeof listAlertsQuerySchema>,
  ) {
    return { items: (await this.alerts.listAlerts(q)).map(alertView) };
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Alerts as they fire and resolve (Server-Sent Events)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'event `firing` or `resolved`; data: the alert as the list has it',
    content: nonJsonContent('text/event-stream'),
  })
  stream(): Observable<MessageEvent> {
    const changes = this.alerts
      .changes()
      .pipe(map((c): MessageEvent => ({ type: c.change, data: alertView(c.alert) })));
    // A comment-like heartbeat keeps proxies from closing an idle stream.
    const keepAlive = interval(KEEP_ALIVE_MS).pipe(
      map((): MessageEvent => ({ type: 'keep-alive', data: '' })),
    );
    return merge(changes, keepAlive);
  }
}
