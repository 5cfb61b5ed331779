/** The error events of a stream the CLI writes to (process.stdout, process.stderr). */
export interface ErrorSource {
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/**
 * `vmfleet deployments show 3 | head`: once the reader has gone, the next write fails with
 * EPIPE, which Node reports as an unhandled 'error' event (a stack trace). Nobody is left to
 * read anything, so the process ends at once, silently, with status 0: a pipeline under
 * `set -o pipefail` did what it was asked. Installed once, by `main()`, for both streams;
 * any other stream error is thrown as before.
 */
export function exitQuietlyOnBrokenPipe(
  streams: readonly ErrorSource[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const stream of streams) {
    stream.on('error', (err) => {
      if (err.code !== 'EPIPE') throw err;
      exit(0);
    });
  }
}
