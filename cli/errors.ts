import { ApiError, GatewayUnreachableError } from './api-client';
import type { Connection } from './config';
import { EXIT } from './exit-codes';

/**
 * Ends a command with this exit status and nothing more to print: it has reported its
 * outcome itself (`vmfleet run`: the guest's exit code, 3 on a fault).
 */
export class ExitStatus extends Error {
  constructor(readonly exitCode: number) {
    super(`exit status ${exitCode}`);
    this.name = 'ExitStatus';
  }
}

/** The `code` of a CliError that names none: what its exit status means. */
const CODE_BY_EXIT: Record<number, string> = {
  [EXIT.usage]: 'usage',
  [EXIT.nothingInstalled]: 'nothing_installed',
  [EXIT.interrupted]: 'interrupted',
};

/** A mistake the user can fix (bad combination of options, missing state); printed as is. */
export class CliError extends Error {
  readonly code: string;

  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    code?: string,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code ?? CODE_BY_EXIT[exitCode] ?? 'failed';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeApiError(err: ApiError, connection: Connection): string {
  const where = err.status > 0 ? `${err.code}, HTTP ${err.status}` : err.code;
  const text = oneLine(err.message);
  const base = text ? `${text} (${where})` : `${err.code} (HTTP ${err.status})`;
  if (err.status !== 401) return base;
  if (connection.tokenSource === 'none') {
    return `${base}; no API token found: pass --token, set VMFLEET_API_TOKEN, or start the gateway once so it writes ${connection.tokenFile}`;
  }
  return `${base}; the API token from ${tokenOrigin(connection)} was refused by ${connection.url}`;
}

function tokenOrigin(connection: Connection): string {
  switch (connection.tokenSource) {
    case 'flag':
      return '--token';
    case 'env':
      return 'VMFLEET_API_TOKEN';
    case 'file':
    case 'none':
      return connection.tokenFile;
  }
}

/** The one line printed after `error: ` when a command fails. */
export function describeError(err: unknown, connection: Connection): string {
  if (err instanceof GatewayUnreachableError) {
    return `${err.message}; start one with \`npm start\` or point --url / VMFLEET_URL at a running gateway`;
  }
  if (err instanceof ApiError) return describeApiError(err, connection);
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(String(err));
}

/** The stable code a `--json` error carries: the gateway's, or the CLI's own. */
export function errorCode(err: unknown): string {
  if (err instanceof GatewayUnreachableError) return 'gateway_unreachable';
  if (err instanceof ApiError || err instanceof CliError) return err.code;
  return 'failed';
}

/** How long the gateway waits for a device's reply unless told otherwise (MONITOR.md). */
export const DEFAULT_DEVICE_TIMEOUT_MS = 5000;

/**
 * A monitor command's device-side failures in words (MONITOR.md, REST): not connected (409),
 * no reply in time (504), or the device's own refusal (422, shown as `code: message`).
 * Anything else comes back as it was.
 */
export function deviceFailure(
  err: unknown,
  deviceId: string,
  timeoutMs = DEFAULT_DEVICE_TIMEOUT_MS,
): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.code === 'device_offline') {
    return new CliError(`device ${deviceId} is not connected`, EXIT.failed, err.code);
  }
  if (err.code === 'device_timeout') {
    const message = `device ${deviceId} did not answer within ${timeoutMs} ms`;
    return new CliError(message, EXIT.failed, err.code);
  }
  if (err.status === 422) {
    // The gateway prefixes the device's message with its id, which the CLI user just typed.
    const prefix = `${deviceId}: `;
    const message = oneLine(err.message);
    const text = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    return new CliError(`${err.code}: ${text}`, EXIT.failed, err.code);
  }
  return err;
}

/** What an app error means when the gateway sends its code without a message. */
const APP_ERROR_TEXT: Record<string, (ref: string) => string> = {
  image_rejected: () => 'the gateway did not accept the payload for this VM kind',
  invalid_input: () => 'the gateway did not accept the upload',
  app_exists: (ref) => `${ref} is already in the repository; push under a new version`,
  app_not_found: (ref) => `no app ${ref} in the repository`,
  app_in_use: (ref) => `${ref} is deployed to devices; remove those deployments first`,
};

/** The app repository's answers a user acts on (APPS.md, REST), as `code: message`. */
export function appFailure(err: unknown, ref: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 413) {
    const code = err.code.startsWith('http_') ? 'payload_too_large' : err.code;
    const message = `${code}: the payload is larger than the gateway takes (1 MiB at most)`;
    return new CliError(message, EXIT.failed, code);
  }
  const fallback = APP_ERROR_TEXT[err.code];
  if (!fallback) return err;
  const message = `${err.code}: ${oneLine(err.message) || fallback(ref)}`;
  return new CliError(message, EXIT.failed, err.code);
}
