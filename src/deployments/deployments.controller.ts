import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, ZodPipe } from '../common/zod';
import {
  deploymentDetailSchema,
  deploymentListSchema,
  deploymentSchema,
  type DeploymentDetail,
} from '../protocol/api';
import { DeploymentsService } from './deployments.service';
import {
  createDeploymentSchema,
  deploymentIdParamSchema,
  deploymentView,
  deviceRolloutView,
  listDeploymentsQuerySchema,
  type CreateDeploymentInput,
} from './dto/deployment.dto';

const idPipe = new ZodPipe(deploymentIdParamSchema, 'deployment id');

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('api/deployments')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Roll an app out to devices (ids or a tag), all at once, canary first or in waves',
  })
  @ApiBody({ schema: openApiSchema(createDeploymentSchema) })
  @ApiCreatedResponse({
    description: 'planned and started; incompatible devices skipped',
    schema: openApiSchema(deploymentSchema, 'output'),
  })
  @ApiResponse({ status: 404, description: 'app_not_found or device_not_found' })
  async create(
    @Body(new ZodPipe(createDeploymentSchema, 'deployment')) body: CreateDeploymentInput,
  ) {
    const d = await this.deployments.create(body);
    return deploymentView(d, await this.deployments.counts(d.id));
  }

  @Get()
  @ApiOperation({ summary: 'Deployments, newest first, with device counts per state' })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({
    name: 'all',
    required: false,
    enum: ['true', 'false'],
    description:
      'include benchmark campaigns\' deployments (origin "benchmark"), left out by default',
  })
  @ApiOkResponse({ schema: openApiSchema(deploymentListSchema, 'output') })
  async list(
    @Query(new ZodPipe(listDeploymentsQuerySchema, 'query'))
    query: ReturnType<typeof listDeploymentsQuerySchema.parse>,
  ) {
    const origin = query.all === true ? undefined : 'user';
    const rows = await this.deployments.list(query.status, query.limit, origin);
    return { items: rows.map((r) => deploymentView(r.deployment, r.counts)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One deployment with every device: state, reason, history, bytes sent' })
  @ApiOkResponse({ schema: openApiSchema(deploymentDetailSchema, 'output') })
  async get(@Param('id', idPipe) id: number) {
    const { deployment, devices, counts } = await this.deployments.detail(id);
    return {
      ...deploymentView(deployment, counts),
      targets: devices.map((d) => deviceRolloutView(d, d.bytesSent)),
    } satisfies DeploymentDetail;
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Offer the update to no further devices; transfers under way finish' })
  @ApiOkResponse({ schema: openApiSchema(deploymentSchema, 'output') })
  @ApiResponse({ status: 409, description: 'bad_deployment_state' })
  async pause(@Param('id', idPipe) id: number) {
    return this.view(await this.deployments.pause(id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Continue a paused or halted deployment' })
  @ApiOkResponse({ schema: openApiSchema(deploymentSchema, 'output') })
  @ApiResponse({ status: 409, description: 'bad_deployment_state' })
  async resume(@Param('id', idPipe) id: number) {
    return this.view(await this.deployments.resume(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: devices not reached are cancelled, transfers told to stop' })
  @ApiOkResponse({ schema: openApiSchema(deploymentSchema, 'output') })
  @ApiResponse({ status: 409, description: 'bad_deployment_state' })
  async cancel(@Param('id', idPipe) id: number) {
    return this.view(await this.deployments.cancel(id));
  }

  private async view(d: Awaited<ReturnType<DeploymentsService['get']>>) {
    return deploymentView(d, await this.deployments.counts(d.id));
  }
}
