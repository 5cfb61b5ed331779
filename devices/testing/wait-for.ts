/**
 * The one polling wait of the tests (device specs and test/ e2e alike): polls `check` until
 * it returns a truthy value, which it returns, or fails with `what` (and the last error the
 * check threw) once `timeoutMs` has passed. Absence is never waited for with this (or a
 * sleep): assert on an event or a later state instead.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}
