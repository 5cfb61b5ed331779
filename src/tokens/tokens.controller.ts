import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Caller, type Principal, RequireRole } from '../common/roles';
import { openApiSchema, ZodPipe } from '../common/zod';
import {
  apiTokenListSchema,
  apiTokenSchema,
  createdApiTokenSchema,
  whoAmISchema,
  type ApiTokenList,
  type ApiTokenView,
  type CreatedApiToken,
  type WhoAmI,
} from '../protocol/api';
import {
  createTokenSchema,
  type CreateTokenInput,
  tokenIdSchema,
  tokenView,
} from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API token for a person with a role; the secret is shown only here (admin)',
  })
  @ApiBody({ schema: openApiSchema(createTokenSchema) })
  @ApiCreatedResponse({ schema: openApiSchema(createdApiTokenSchema, 'output') })
  async create(
    @Body(new ZodPipe(createTokenSchema, 'token')) body: CreateTokenInput,
  ): Promise<CreatedApiToken> {
    const { token, secret } = await this.tokens.create(body.name, body.role);
    return { token: tokenView(token), secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every API token, revoked ones too, without secrets (admin)' })
  @ApiOkResponse({ schema: openApiSchema(apiTokenListSchema, 'output') })
  async list(): Promise<ApiTokenList> {
    return { items: (await this.tokens.list()).map(tokenView) };
  }

  @Get('me')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Who the presented token belongs to, and its role (any role)' })
  @ApiOkResponse({ schema: openApiSchema(whoAmISchema, 'output') })
  whoAmI(@Caller() caller: Principal): WhoAmI {
    return { kind: caller.kind, id: caller.id, name: caller.name, role: caller.role };
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke an API token: it is refused (401) from now on; its row stays (admin)',
  })
  @ApiOkResponse({ schema: openApiSchema(apiTokenSchema, 'output') })
  async revoke(
    @Param('id', new ZodPipe(tokenIdSchema, 'token id')) id: string,
  ): Promise<ApiTokenView> {
    return tokenView(await this.tokens.revoke(id));
  }
}
