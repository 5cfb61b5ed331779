import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireRole } from '../common/roles';
import { BackupService } from './backup.service';

const TAR = 'application/x-tar';

@ApiTags('backup')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('api/backup')
export class BackupController {
  private readonly logger = new Logger(BackupController.name);

  constructor(private readonly backups: BackupService) {}

  @Get()
  @ApiOperation({
    summary:
      'A ustar archive of the data dir while the gateway runs: SQLite snapshot, signing key, API token, TLS pair, app blobs, MANIFEST.json last (admin; holds secrets)',
  })
  @ApiProduces(TAR)
  @ApiOkResponse({
    description: 'the archive',
    content: { [TAR]: { schema: { type: 'string', format: 'binary' } } },
  })
  async backup(@Res() res: Response): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.type(TAR);
    res.setHeader('content-disposition', `attachment; filename="vmfleet-backup-${stamp}.tar"`);
    res.setHeader('cache-control', 'no-store');
    try {
      await this.backups.stream(res);
      res.end();
    } catch (err) {
      // The status line is gone: cut the body short, so the archive lacks its manifest and
      // `vmfleet backup` refuses it rather than keeping half a backup.
      this.logger.error(`backup failed: ${(err as Error).message}`);
      res.destroy(err as Error);
    }
  }
}
