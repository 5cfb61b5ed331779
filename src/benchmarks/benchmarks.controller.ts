import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { nonJsonContent, openApiSchema, ZodPipe } from '../common/zod';
import { campaignListSchema, campaignSchema, runListSchema, type RunList } from '../protocol/api';
import { BenchmarksService } from './benchmarks.service';
import {
  campaignIdParamSchema,
  campaignView,
  compareQuerySchema,
  createCampaignSchema,
  reportQuerySchema,
  type CreateCampaignInput,
} from './dto/benchmark.dto';
import {
  renderComparisonMarkdown,
  renderCsv,
  renderJson,
  renderMarkdown,
  renderSvg,
} from './report';

const idPipe = new ZodPipe(campaignIdParamSchema, 'campaign id');
const listQuerySchema = z.object({
  status: z.enum(['running', 'completed', 'cancelled']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .optional(),
});

const CONTENT_TYPES = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
} as const;

@ApiTags('benchmarks')
@ApiBearerAuth()
@Controller('api/benchmarks')
export class BenchmarksController {
  constructor(private readonly benchmarks: BenchmarksService) {}

  @Post()
  @ApiOperation({
    summary:
      'Start a campaign: a suite (or programs) × the VMs of the target devices × repetitions',
  })
  @ApiBody({ schema: openApiSchema(createCampaignSchema) })
  @ApiCreatedResponse({
    description: 'planned and started',
    schema: openApiSchema(campaignSchema, 'output'),
  })
  async create(@Body(new ZodPipe(createCampaignSchema, 'campaign')) body: CreateCampaignInput) {
    const c = await this.benchmarks.create(body);
    return campaignView(c, await this.benchmarks.counts(c.id));
  }

  @Get()
  @ApiOperation({ summary: 'Campaigns, newest first, with runs recorded per status' })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ schema: openApiSchema(campaignListSchema, 'output') })
  async list(@Query(new ZodPipe(listQuerySchema, 'query')) query: z.infer<typeof listQuerySchema>) {
    const campaigns = await this.benchmarks.list(query.status, query.limit);
    return {
      items: await Promise.all(
        campaigns.map(async (c) => campaignView(c, await this.benchmarks.counts(c.id))),
      ),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One campaign: plan, progress (runs recorded per status)' })
  @ApiOkResponse({ schema: openApiSchema(campaignSchema, 'output') })
  async get(@Param('id', idPipe) id: number) {
    return campaignView(await this.benchmarks.get(id), await this.benchmarks.counts(id));
  }

  @Get(':id/runs')
  @ApiOperation({ summary: 'Every recorded run of a campaign with its measurements' })
  @ApiOkResponse({ schema: openApiSchema(runListSchema, 'output') })
  async runs(@Param('id', idPipe) id: number) {
    await this.benchmarks.get(id);
    const runs = await this.benchmarks.runs(id);
    return { items: runs.map((r) => ({ ...r })) } satisfies RunList;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop after the run in progress on each device' })
  @ApiOkResponse({ schema: openApiSchema(campaignSchema, 'output') })
  @ApiResponse({ status: 409, description: 'bad_campaign_state' })
  async cancel(@Param('id', idPipe) id: number) {
    const c = await this.benchmarks.cancel(id);
    return campaignView(c, await this.benchmarks.counts(id));
  }

  @Get(':id/report')
  @ApiOperation({
    summary: 'The report: one table (md), row (csv) or chart (svg) per metric, programs × VMs',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['md', 'csv', 'json', 'svg'] })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  @ApiOkResponse({
    description: 'the report in the format asked for',
    content: {
      ...nonJsonContent(CONTENT_TYPES.md, CONTENT_TYPES.csv, CONTENT_TYPES.svg),
      [CONTENT_TYPES.json]: { schema: { type: 'object' } },
    },
  })
  async report(
    @Param('id', idPipe) id: number,
    @Query(new ZodPipe(reportQuerySchema, 'query')) query: z.infer<typeof reportQuerySchema>,
    @Res() res: Response,
  ) {
    const { report, meta, footprints } = await this.benchmarks.report(id);
    const body =
      query.format === 'md'
        ? renderMarkdown(report, meta, footprints)
        : query.format === 'csv'
          ? renderCsv(report)
          : query.format === 'svg'
            ? await renderSvg(report, meta)
            : JSON.stringify(renderJson(report, meta, footprints));
    res.type(CONTENT_TYPES[query.format]).send(body);
  }

  @Get(':id/compare/:other')
  @ApiOperation({ summary: 'Regression view: ratio per program × VM × metric, other ÷ this' })
  @ApiQuery({ name: 'format', required: false, enum: ['md', 'json'] })
  @ApiProduces(CONTENT_TYPES.md, CONTENT_TYPES.json)
  @ApiOkResponse({
    description: 'the comparison in the format asked for',
    content: {
      ...nonJsonContent(CONTENT_TYPES.md),
      [CONTENT_TYPES.json]: { schema: { type: 'object' } },
    },
  })
  async compare(
    @Param('id', idPipe) id: number,
    @Param('other', idPipe) other: number,
    @Query(new ZodPipe(compareQuerySchema, 'query')) query: z.infer<typeof compareQuerySchema>,
    @Res() res: Response,
  ) {
    const comparison = await this.benchmarks.compare(id, other);
    if (query.format === 'json')
      return res.type(CONTENT_TYPES.json).send(JSON.stringify(comparison));
    res.type(CONTENT_TYPES.md).send(renderComparisonMarkdown(comparison));
  }
}
