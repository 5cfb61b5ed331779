/**
 * The CLI's exit statuses (docs/cli.md lists them per command). Scripts branch on these, so
 * a number keeps its meaning once given.
 */
export const EXIT = {
  ok: 0,
  /** The gateway refused or failed, the network failed, a rollout or campaign failed. */
  failed: 1,
  /** The options do not say what to do (one of two required options, both or neither). */
  usage: 2,
  /**
   * `deploy --wait`: the rollout ended without installing the app anywhere (every target
   * was skipped as incompatible): not a failure to retry but an app no device can run.
   */
  nothingInstalled: 3,
  /** `sim` stopped by Ctrl-C while provisioning (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;
