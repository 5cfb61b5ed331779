import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, ZodPipe } from '../common/zod';
import { footprintsSchema } from '../protocol/api';
import { footprintFileSchema, type FootprintFile } from './domain/footprint-file';
import { footprintsView } from './dto/footprint.dto';
import { FootprintsService } from './footprints.service';

/**
 * Firmware footprints per VM and board (docs/benchmarks.md, "VM footprint"). Listed before
 * BenchmarksController in the module, so `/footprints` is matched before `/:id`.
 */
@ApiTags('benchmarks')
@ApiBearerAuth()
@Controller('api/benchmarks/footprints')
export class FootprintsController {
  constructor(private readonly footprints: FootprintsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Store firmware/riot/bin/footprint.json (vmfleet-footprint/1); a build replaces the stored one of its board and VM',
  })
  @ApiBody({ schema: openApiSchema(footprintFileSchema) })
  @ApiOkResponse({
    description: 'every stored build and the per-board tables',
    schema: openApiSchema(footprintsSchema, 'output'),
  })
  @ApiResponse({ status: 400, description: 'invalid_input, with the issues' })
  async upload(@Body(new ZodPipe(footprintFileSchema, 'footprint file')) body: FootprintFile) {
    return footprintsView(await this.footprints.upload(body));
  }

  @Get()
  @ApiOperation({
    summary:
      'Every stored build, and per board ROM and static RAM of each VM over the VM=none build',
  })
  @ApiOkResponse({ schema: openApiSchema(footprintsSchema, 'output') })
  async list() {
    return footprintsView(await this.footprints.view());
  }
}
