/**
 * The compiled tiers' generated JavaScript, made into functions once per distinct source
 * and process. `new Function` gives a fresh function that V8 starts in its bytecode
 * interpreter and optimizes only once it is hot; a tier that compiled every block anew on
 * every load would run each app's first tens of milliseconds, and every short benchmark
 * run, on cold code. A factory made once per source is instead called once per engine with
 * that engine's memory views: its closures share one feedback cell, so code V8 has
 * optimized for one engine (or one earlier run) is reused by the next.
 */
export type Factory<F> = (...values: unknown[]) => F;

/** Distinct sources kept; beyond it the oldest is dropped (recompiled if seen again). */
const MAX_SOURCES = 20_000;
const factories = new Map<string, Factory<unknown>>();

/**
 * The factory `function (...params) { body }`, made once per distinct params and body.
 * `body` must hold no guest-controlled text (the tiers interpolate only numbers).
 */
export function generatedFactory<F>(params: readonly string[], body: string): Factory<F> {
  const key = `${params.join(',')}\n${body}`;
  let factory = factories.get(key);
  if (!factory) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    factory = new Function(...params, body) as Factory<unknown>;
    if (factories.size >= MAX_SOURCES) factories.delete(factories.keys().next().value!);
    factories.set(key, factory);
  }
  return factory as Factory<F>;
}
