/** The broker refused the credentials; retrying at full speed would not help. */
export class AuthRefusedError extends Error {
  readonly code = 'auth_refused';
  constructor(
    readonly deviceId: string,
    readonly returnCode: number,
    reason: string,
  ) {
    super(`gateway refused the credentials of device "${deviceId}" (${reason}); check its token`);
  }
}

/** stop() was called while start() still waited for the first connect. */
export class LinkStoppedError extends Error {
  readonly code = 'stopped';
  constructor(readonly deviceId: string) {
    super(`device "${deviceId}" was stopped before it connected`);
  }
}

// MQTT 3.1.1 §3.2.2.3: 4 = bad user name or password, 5 = not authorized;
// MQTT 5 §3.2.2.2: 0x86 and 0x87 mean the same.
const AUTH_REFUSAL_CODES = new Set([4, 5, 0x86, 0x87]);

export function authRefusalCode(error: Error | null): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && AUTH_REFUSAL_CODES.has(code) ? code : null;
}
