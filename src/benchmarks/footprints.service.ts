import { Injectable, Logger } from '@nestjs/common';
import { DevicesService } from '../devices/devices.service';
import { TelemetryService } from '../telemetry/telemetry.service';
import {
  footprintBoards,
  footprintTables,
  type BoardFootprint,
  type FootprintBuild,
  type OsSnapshot,
} from './domain/footprint';
import type { FootprintFile } from './domain/footprint-file';
import { FootprintsRepository } from './footprints.repository';

export interface FootprintsView {
  builds: FootprintBuild[];
  boards: BoardFootprint[];
}

/** The VM footprint use cases: store what build-all.sh measured, and table it per board. */
@Injectable()
export class FootprintsService {
  private readonly logger = new Logger('Footprints');

  constructor(
    private readonly repo: FootprintsRepository,
    private readonly devices: DevicesService,
    private readonly telemetry: TelemetryService,
  ) {}

  async upload(file: FootprintFile): Promise<FootprintsView> {
    const uploadedAt = Date.now();
    await this.repo.upsert(
      file.builds.map((b) => ({ ...b, builtAt: Date.parse(b.builtAt), uploadedAt })),
    );
    const boards = [...new Set(file.builds.map((b) => b.board))].sort();
    this.logger.log(`stored ${file.builds.length} footprints (${boards.join(', ')})`);
    return this.view();
  }

  /** Every stored build, and the table of every board that has any. */
  async view(): Promise<FootprintsView> {
    const builds = await this.repo.all();
    return { builds, boards: footprintTables(builds, await this.snapshots(builds)) };
  }

  /** The tables a campaign's report shows (footprintBoards says which boards). */
  async forBoards(campaignBoards: readonly string[]): Promise<BoardFootprint[]> {
    const builds = await this.repo.all();
    if (builds.length === 0) return [];
    const boards = footprintBoards(campaignBoards, builds);
    const shown = builds.filter((b) => boards.includes(b.board));
    return footprintTables(shown, await this.snapshots(shown), boards);
  }

  /** The newest os telemetry of every device on a board and VM that has a build. */
  private async snapshots(builds: readonly FootprintBuild[]): Promise<OsSnapshot[]> {
    const wanted = new Set(builds.map((b) => `${b.board}/${b.vm}`));
    const devices = (await this.devices.list({})).filter((d) =>
      wanted.has(`${d.board}/${d.vm.kind}`),
    );
    if (devices.length === 0) return [];
    const byId = new Map(devices.map((d) => [d.id, d]));
    const samples = await this.telemetry.latestOs(devices.map((d) => d.id));
    return samples.map((s) => {
      const device = byId.get(s.deviceId)!;
      return {
        deviceId: s.deviceId,
        board: device.board,
        vm: device.vm.kind,
        heapPeak: s.heapPeak,
        stackUsed: s.stackUsed,
        at: s.ts,
      };
    });
  }
}
