/** What a report says about the campaign it came from (the renderers' metadata). */
export interface CampaignMeta {
  id: number;
  name?: string | null;
  suites: readonly string[];
  vms: readonly string[];
  /** Device ids. */
  devices: readonly string[];
  /** Repetitions per program × VM × device. */
  repetitions: number;
  /** The compiler profile of the C images (O2 when absent). */
  profile?: string;
  /** Unix ms. */
  createdAt: number;
  /** Unix ms; null while the campaign runs. */
  finishedAt: number | null;
}
