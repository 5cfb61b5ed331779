import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  /** Fetches again now (after an action changed what is shown). */
  reload: () => void;
}

/**
 * Loads `load()` once and then every `everyMs` (0: once) while the component is shown;
 * `key` restarts it (another device id). A failed poll keeps the last data and says why.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, key: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const value = await loadRef.current();
        if (!alive) return;
        setData(value);
        setError(null);
      } catch (err) {
        if (alive) setError(errorText(err));
      }
      if (alive && everyMs > 0) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [key, everyMs, nonce]);
  useEffect(() => setData(undefined), [key]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, reload };
}

/** Runs an action (a button), tracking busy and the last error or result text. */
export function useAction(): {
  busy: boolean;
  message: string | null;
  failed: boolean;
  /** Starts `action`; what it resolves to (or its error) becomes the message. */
  run: (action: () => Promise<string | void>) => void;
} {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const run = useCallback((action: () => Promise<string | void>) => {
    setBusy(true);
    action()
      .then((said) => {
        setMessage(said ?? null);
        setFailed(false);
      })
      .catch((err: unknown) => {
        setMessage(errorText(err));
        setFailed(true);
      })
      .finally(() => setBusy(false));
  }, []);
  return { busy, message, failed, run };
}

/** A form field's text, trimmed ('' for a file or a missing field). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * `compute()` run in a task of its own after the render that changed `deps`, so heavy
 * summaries do not lengthen the task that first shows a page; until then the last value
 * (undefined at first).
 */
export function useDeferred<T>(compute: () => T, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  const computeRef = useRef(compute);
  computeRef.current = compute;
  useEffect(() => {
    const timer = setTimeout(() => setValue(computeRef.current()), 0);
    return () => clearTimeout(timer);
  }, deps);
  return value;
}
