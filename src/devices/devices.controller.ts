import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SigningKeyService } from '../apps/signing-key.service';
import { Public } from '../common/auth.guard';
import { RequireRole } from '../common/roles';
import { openApiSchema, ZodPipe } from '../common/zod';
import { deviceIdSchema } from '../protocol';
import {
  createdDeviceSchema,
  deviceListSchema,
  deviceSchema,
  rotatedTokenSchema,
  type CreatedDevice,
  type RotatedToken,
} from '../protocol/api';
import { DevicesService } from './devices.service';
import {
  deviceView,
  editTagsSchema,
  listDevicesQuerySchema,
  provisionDeviceSchema,
  type ProvisionDeviceInput,
  rotateTokenSchema,
} from './dto/device.dto';

const idPipe = new ZodPipe(deviceIdSchema, 'device id');

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly signingKey: SigningKeyService,
  ) {}

  @Post('devices')
  @ApiOperation({ summary: 'Provision a device; the token in the answer is shown only once' })
  @ApiBody({ schema: openApiSchema(provisionDeviceSchema) })
  @ApiCreatedResponse({ schema: openApiSchema(createdDeviceSchema, 'output') })
  async provision(@Body(new ZodPipe(provisionDeviceSchema, 'device')) body: ProvisionDeviceInput) {
    const { device, token } = await this.devices.provision(body);
    // The device keeps the gateway's public key: it refuses app manifests not signed by it.
    return {
      device: deviceView(device),
      token,
      signingKey: { ...this.signingKey.describe() },
    } satisfies CreatedDevice;
  }

  @Public()
  @Post('enroll')
  @ApiOperation({ summary: 'A device provisions itself with the fleet enrollment key' })
  @ApiHeader({ name: 'X-Enrollment-Key', required: true })
  @ApiBody({ schema: openApiSchema(provisionDeviceSchema) })
  @ApiCreatedResponse({ schema: openApiSchema(createdDeviceSchema, 'output') })
  async enroll(
    @Headers('x-enrollment-key') key: string | undefined,
    @Body(new ZodPipe(provisionDeviceSchema, 'device')) body: ProvisionDeviceInput,
  ) {
    const { device, token } = await this.devices.enroll(key, body);
    // The device keeps the gateway's public key: it refuses app manifests not signed by it.
    return {
      device: deviceView(device),
      token,
      signingKey: { ...this.signingKey.describe() },
    } satisfies CreatedDevice;
  }

  @Get('devices')
  @ApiOperation({ summary: 'List devices, filtered by tag, VM kind, presence and transport' })
  @ApiOkResponse({ schema: openApiSchema(deviceListSchema, 'output') })
  async list(
    @Query(new ZodPipe(listDevicesQuerySchema, 'query'))
    query: ReturnType<typeof listDevicesQuerySchema.parse>,
  ) {
    return { items: (await this.devices.list(query)).map(deviceView) };
  }

  @Get('devices/:id')
  @ApiOperation({ summary: 'One device: presence, VM, limits, latest sample' })
  @ApiOkResponse({ schema: openApiSchema(deviceSchema, 'output') })
  async get(@Param('id', idPipe) id: string) {
    return deviceView(await this.devices.get(id));
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a device and its history' })
  @ApiNoContentResponse({ description: 'deleted' })
  async remove(@Param('id', idPipe) id: string): Promise<void> {
    await this.devices.remove(id);
  }

  @Post('devices/:id/token')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rotate the device token: the new one is shown once, the old one refused after graceSeconds, the live connection dropped',
  })
  @ApiBody({ schema: openApiSchema(rotateTokenSchema), required: false })
  @ApiOkResponse({ schema: openApiSchema(rotatedTokenSchema, 'output') })
  async rotateToken(
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(rotateTokenSchema, 'rotation'))
    body: ReturnType<typeof rotateTokenSchema.parse>,
  ) {
    const rotated = await this.devices.rotateToken(id, body.graceSeconds * 1000);
    const until = rotated.previousTokenValidUntil;
    return {
      device: deviceView(rotated.device),
      token: rotated.token,
      previousTokenValidUntil: until === null ? null : new Date(until).toISOString(),
    } satisfies RotatedToken;
  }

  @Post('devices/:id/revoke')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Revoke the device: no token is accepted on MQTT or CoAP, its live connection is dropped, the device and its history stay (rotate-token lets it back)',
  })
  @ApiOkResponse({ schema: openApiSchema(deviceSchema, 'output') })
  async revoke(@Param('id', idPipe) id: string) {
    return deviceView(await this.devices.revoke(id));
  }

  @Patch('devices/:id/tags')
  @ApiOperation({ summary: 'Add and remove tags' })
  @ApiBody({ schema: openApiSchema(editTagsSchema) })
  @ApiOkResponse({ schema: openApiSchema(deviceSchema, 'output') })
  async editTags(
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(editTagsSchema, 'tags')) body: ReturnType<typeof editTagsSchema.parse>,
  ) {
    return deviceView(await this.devices.editTags(id, body.add, body.remove));
  }
}
