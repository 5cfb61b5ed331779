import type { VmKind } from '../../protocol/vm';
import { BENCHMARK_APP_PREFIX } from '../../apps/domain/app-rules';
import type { DeviceTarget } from '../../devices/domain/device';
import {
  type BenchSuite,
  type BuildProfile,
  DEFAULT_BUILD_PROFILE,
  NATIVE_VM,
  orderPrograms,
  type ProgramRef,
  SUITE_PROGRAMS,
} from '../../protocol/bench-catalog';

export const CAMPAIGN_STATUSES = ['running', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignTarget = DeviceTarget;

/** What was asked for, as stored. */
export interface CampaignSpec {
  /** The programs to run, suite by suite, in report order. */
  programs: ProgramRef[];
  /** Only these VMs (a device's own VM kind, or `native`); null: every one that applies. */
  vms: string[] | null;
  native: boolean;
  repetitions: number;
  /** The compiler profile of the C images; absent in campaigns stored before profiles: O2. */
  profile?: BuildProfile;
  /** One device at a time across the campaign, so no two measurements overlap. */
  sequential: boolean;
  /** How long a device may be away before its remaining runs are marked missing. */
  offlineGraceMs: number;
  target: CampaignTarget;
}

/** A device as the campaign found it: its VM kind decides which images it gets. */
export interface CampaignDevice {
  id: string;
  board: string;
  vm: VmKind;
}

export interface Campaign {
  id: number;
  name: string | null;
  spec: CampaignSpec;
  devices: CampaignDevice[];
  plannedRuns: number;
  status: CampaignStatus;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One program on one VM on one device: installed once, then run `repetitions` times. */
export interface CampaignStep extends ProgramRef {
  vm: string;
}

/** The programs of suites, or a named list (each found in a suite). */
export function resolvePrograms(
  suites: readonly BenchSuite[],
  names: readonly string[] | undefined,
): ProgramRef[] {
  const all = (Object.keys(SUITE_PROGRAMS) as BenchSuite[]).flatMap((suite) =>
    SUITE_PROGRAMS[suite].map((program) => ({ suite, program })),
  );
  if (names?.length) {
    const unknown = names.filter((n) => !all.some((r) => r.program === n));
    if (unknown.length) {
      const known = all.map((r) => r.program).join(', ');
      throw new RangeError(`unknown program ${unknown.join(', ')}; known: ${known}`);
    }
    return orderPrograms(all.filter((r) => names.includes(r.program)));
  }
  return orderPrograms(all.filter((r) => suites.includes(r.suite)));
}

/** The VMs a device is measured on: its own kind and the native baseline, as filtered. */
export function vmsOf(spec: CampaignSpec, device: CampaignDevice): string[] {
  const vms: string[] = [device.vm];
  if (spec.native) vms.push(NATIVE_VM);
  return spec.vms ? vms.filter((vm) => spec.vms!.includes(vm)) : vms;
}

/** A device's steps in order: program by program, its VM before native. */
export function stepsOf(spec: CampaignSpec, device: CampaignDevice): CampaignStep[] {
  const vms = vmsOf(spec, device);
  return spec.programs.flatMap((ref) => vms.map((vm) => ({ ...ref, vm })));
}

export function plannedRuns(spec: CampaignSpec, devices: readonly CampaignDevice[]): number {
  return devices.reduce((n, d) => n + stepsOf(spec, d).length * spec.repetitions, 0);
}

/** The profile a campaign's C images are built with. */
export function profileOf(spec: CampaignSpec): BuildProfile {
  return spec.profile ?? DEFAULT_BUILD_PROFILE;
}

/**
 * The app a benchmark image is published as: one per program, VM kind and build profile
 * (`bench-sieve-wasm`, `bench-sieve-wasm-os`; app names are lower case).
 */
export function benchAppName(
  program: string,
  vm: string,
  profile: BuildProfile = DEFAULT_BUILD_PROFILE,
): string {
  const suffix = profile === DEFAULT_BUILD_PROFILE ? '' : `-${profile.toLowerCase()}`;
  return `${BENCHMARK_APP_PREFIX}${program}-${vm}${suffix}`;
}
