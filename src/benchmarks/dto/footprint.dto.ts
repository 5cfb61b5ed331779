import type { BoardFootprint, FootprintBuild } from '../domain/footprint';
import type { FootprintsView } from '../footprints.service';
import type { Footprints } from '../../protocol/api';

const iso = (ms: number) => new Date(ms).toISOString();

/** A stored build as REST shows it: times as ISO 8601. */
export function footprintBuildView(b: FootprintBuild) {
  return { ...b, builtAt: iso(b.builtAt), uploadedAt: iso(b.uploadedAt) };
}

export function boardFootprintView(t: BoardFootprint) {
  const rows = t.rows.map((r) => ({
    ...r,
    builtAt: iso(r.builtAt),
    runtimePeak: r.runtimePeak && { ...r.runtimePeak },
  }));
  return { ...t, rows };
}

/** `GET /api/benchmarks/footprints` (and what an upload answers). */
export function footprintsView(v: FootprintsView) {
  return {
    builds: v.builds.map(footprintBuildView),
    boards: v.boards.map(boardFootprintView),
  } satisfies Footprints;
}
