import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { nonJsonContent, openApiSchema, ZodPipe } from '../common/zod';
import { VM_KINDS } from '../protocol';
import { appListSchema, appSchema, signingKeySchema, type SigningKey } from '../protocol/api';
import { AppsService } from './apps.service';
import { MAX_PAYLOAD_BYTES } from './domain/app-rules';
import {
  appNameSchema,
  appVersionSchema,
  appFilterOf,
  appView,
  listAppsQuerySchema,
  type ListAppsQuery,
  uploadAppOpenApi,
  uploadAppSchema,
  type UploadAppInput,
} from './dto/app.dto';

/** The part of multer's file that the upload uses (memory storage: the bytes are in `buffer`). */
interface UploadedPayload {
  fieldname: string;
  size: number;
  buffer: Buffer;
}

const namePipe = new ZodPipe(appNameSchema, 'app name');
const versionPipe = new ZodPipe(appVersionSchema, 'app version');

@ApiTags('apps')
@ApiBearerAuth()
@Controller('api')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post('apps')
  // No storage given: multer keeps the file in memory. Over the limit, Nest answers 413.
  @UseInterceptors(
    FileInterceptor('file', {
      limits: { fileSize: MAX_PAYLOAD_BYTES, files: 1, fields: 8, fieldSize: 1024 },
    }),
  )
  @ApiOperation({
    summary: 'Publish an app: the payload is validated for its VM kind and its manifest signed',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadAppOpenApi() })
  @ApiCreatedResponse({ description: 'published', schema: openApiSchema(appSchema, 'output') })
  @ApiResponse({ status: 400, description: 'invalid_input, or image_rejected with the reason' })
  @ApiResponse({ status: 409, description: 'app_exists: name@version is already published' })
  @ApiResponse({ status: 413, description: `payload over ${MAX_PAYLOAD_BYTES} bytes` })
  async upload(
    @UploadedFile() file: UploadedPayload | undefined,
    @Body(new ZodPipe(uploadAppSchema, 'app')) body: UploadAppInput,
  ) {
    return appView(await this.apps.upload(body, file?.buffer));
  }

  @Get('apps')
  @ApiOperation({ summary: 'List apps, newest first, filtered by name and VM kind' })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'vm', required: false, enum: VM_KINDS })
  @ApiQuery({
    name: 'all',
    required: false,
    enum: ['true', 'false'],
    description: 'include the benchmark images (origin "benchmark"), left out by default',
  })
  @ApiOkResponse({ schema: openApiSchema(appListSchema, 'output') })
  async list(@Query(new ZodPipe(listAppsQuerySchema, 'query')) query: ListAppsQuery) {
    return { items: (await this.apps.list(appFilterOf(query))).map(appView) };
  }

  @Get('apps/:name/:version')
  @ApiOperation({ summary: 'One app: size, digest, sequence number, resource needs' })
  @ApiOkResponse({ schema: openApiSchema(appSchema, 'output') })
  async get(@Param('name', namePipe) name: string, @Param('version', versionPipe) version: string) {
    return appView(await this.apps.get(name, version));
  }

  @Get('apps/:name/:version/payload')
  @ApiOperation({ summary: 'The payload bytes, as uploaded' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'the payload',
    content: nonJsonContent('application/octet-stream'),
  })
  async payload(
    @Param('name', namePipe) name: string,
    @Param('version', versionPipe) version: string,
  ): Promise<StreamableFile> {
    const { bytes } = await this.apps.payload(name, version);
    return new StreamableFile(bytes, {
      type: 'application/octet-stream',
      length: bytes.length,
      disposition: `attachment; filename="${name}-${version}.bin"`,
    });
  }

  @Get('apps/:name/:version/manifest')
  @ApiOperation({ summary: 'The signed manifest: a COSE_Sign1 (RFC 9052) with EdDSA' })
  @ApiProduces('application/cose')
  @ApiOkResponse({ description: 'the COSE_Sign1', content: nonJsonContent('application/cose') })
  async manifest(
    @Param('name', namePipe) name: string,
    @Param('version', versionPipe) version: string,
  ): Promise<StreamableFile> {
    const cose = await this.apps.manifest(name, version);
    return new StreamableFile(cose, {
      // RFC 9052 §11.2: media type with the COSE_Sign1 parameter.
      type: 'application/cose; cose-type="cose-sign1"',
      length: cose.length,
      disposition: `attachment; filename="${name}-${version}.cose"`,
    });
  }

  @Delete('apps/:name/:version')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an app that nothing uses any more' })
  @ApiNoContentResponse({ description: 'deleted; its blob too unless another app shares it' })
  @ApiResponse({ status: 404, description: 'app_not_found' })
  @ApiResponse({ status: 409, description: 'app_in_use' })
  async remove(
    @Param('name', namePipe) name: string,
    @Param('version', versionPipe) version: string,
  ): Promise<void> {
    await this.apps.remove(name, version);
  }

  @Get('signing-key')
  @ApiOperation({ summary: 'The public key that verifies app manifests (Ed25519, raw, base64)' })
  @ApiOkResponse({ schema: openApiSchema(signingKeySchema, 'output') })
  signingKey(): SigningKey {
    return { ...this.apps.signingKey() };
  }
}
