import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenVerifier } from '../common/auth.guard';
import { ApiTokenEntity } from './api-token.entity';
import { TokensController } from './tokens.controller';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiTokenEntity])],
  controllers: [TokensController],
  // The guard (src/common) asks the port; it imports nothing of this feature.
  providers: [
    TokensRepository,
    TokensService,
    { provide: ApiTokenVerifier, useExisting: TokensService },
  ],
  exports: [TokensService, ApiTokenVerifier],
})
export class TokensModule {}
