import { ApiError, GatewayUnreachableError } from './api-client';
import type { Connection } from './config';

/** A mistake the user can fix (bad combination of options, missing state); printed as is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeApiError(err: ApiError, connection: Connection): string {
  const where = err.status > 0 ? `${err.code}, HTTP ${err.status}` : err.code;
  const base = `${oneLine(err.message)} (${where})`;
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
