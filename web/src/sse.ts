/**
 * Server-Sent Events (HTML Living Standard §9.2) read with fetch, because EventSource
 * cannot send the Authorization header. Reconnects with a growing delay until aborted.
 */
import { authHeaders } from './api';

export interface SseMessage {
  type: string;
  data: string;
}

/** Splits a stream's text into events; returns the unfinished tail to prepend next time. */
export function parseSse(text: string, emit: (m: SseMessage) => void): string {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const tail = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) emit({ type, data: data.join('\n') });
  }
  return tail;
}

/**
 * Follows `path` until `signal` aborts: each event goes to `onMessage`; `onState` hears
 * whether the stream is open. A 401 or 403 ends it (the API module handles the login).
 */
export function follow(
  path: string,
  onMessage: (m: SseMessage) => void,
  signal: AbortSignal,
  onState: (open: boolean) => void = () => undefined,
): void {
  let delay = 500;
  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        const res = await fetch(path, {
          headers: { ...authHeaders(), accept: 'text/event-stream' },
          signal,
        });
        if (res.status === 401 || res.status === 403 || res.status === 404) {
          onState(false);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState(true);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseSse(buffer + value, onMessage);
        }
      } catch {
        if (signal.aborted) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
}
