/**
 * Errors the domain throws. `code` is stable and part of the API: the HTTP filter maps it
 * to a status, and transports map it to their own reason codes. Messages say what was
 * wrong and what to do.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class NotFoundError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidInputError extends DomainError {
  /** Subclasses narrow it (image_rejected); every InvalidInputError maps to 400. */
  readonly code: string = 'invalid_input';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Too many wrong attempts: try again after `retryAfterMs` (HTTP 429 with Retry-After). */
export class TooManyAttemptsError extends DomainError {
  readonly code = 'too_many_attempts';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export class DeviceNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('device_not_found', `no device "${id}"; list devices with GET /api/devices`);
  }
}

export class DeviceExistsError extends ConflictError {
  constructor(id: string) {
    super('device_exists', `device "${id}" already exists; delete it first or pick another id`);
  }
}

/** The device answered a command with an error of its own. */
export class DeviceRefusedError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The device answered with `ok: true` and a result that breaks the reply contract
 * (docs/protocol.md §9.3): a device bug, reported rather than passed on to break callers.
 */
export class DeviceBadReplyError extends DomainError {
  readonly code = 'invalid_reply';
  constructor(id: string, op: string, issues: string) {
    super(`device "${id}" answered "${op}" with a result the protocol does not allow: ${issues}`);
  }
}

/** The device did not answer in time. */
export class DeviceTimeoutError extends DomainError {
  readonly code = 'device_timeout';
  constructor(id: string, op: string, ms: number) {
    super(
      `device "${id}" did not answer "${op}" within ${ms} ms; it may be busy or its link is down`,
    );
  }
}

export class DeviceOfflineError extends ConflictError {
  constructor(id: string) {
    super('device_offline', `device "${id}" is not connected; commands need a connected device`);
  }
}

/** Another gateway instance holds the device's connection; only that one reaches it. */
export class DeviceElsewhereError extends ConflictError {
  constructor(
    id: string,
    readonly instance: string,
    transport: string,
  ) {
    super(
      'device_elsewhere',
      `device "${id}" is connected to instance "${instance}" (${transport}); send its commands through that instance`,
    );
  }
}

export class AppNotFoundError extends NotFoundError {
  constructor(name: string, version: string) {
    super('app_not_found', `no app "${name}@${version}"; list apps with GET /api/apps`);
  }
}

export class AppExistsError extends ConflictError {
  constructor(name: string, version: string) {
    super(
      'app_exists',
      `app "${name}@${version}" already exists; published versions never change: upload a new version`,
    );
  }
}

/** The payload is not a valid program for its VM kind; `reason` is the validator's code. */
export class ImageRejectedError extends InvalidInputError {
  override readonly code = 'image_rejected';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export class AppInUseError extends ConflictError {
  constructor(name: string, version: string, users: string[]) {
    super(
      'app_in_use',
      `app "${name}@${version}" is still used by ${users.join(', ')}; remove those first`,
    );
  }
}

export class DeploymentNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('deployment_not_found', `no deployment ${id}; list them with GET /api/deployments`);
  }
}

/** The deployment is not in a status that allows what was asked (pause a completed one…). */
export class DeploymentStateError extends ConflictError {
  constructor(id: number, status: string, action: string) {
    super('bad_deployment_state', `deployment ${id} is ${status}: cannot ${action} it`);
  }
}

export class CampaignNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('campaign_not_found', `no benchmark campaign ${id}; list them with GET /api/benchmarks`);
  }
}

export class CampaignStateError extends ConflictError {
  constructor(id: number, status: string, action: string) {
    super('bad_campaign_state', `campaign ${id} is ${status}: cannot ${action} it`);
  }
}

/** The external MQTT broker did not take a change the gateway made (docs/operations.md). */
export class BrokerSyncError extends DomainError {
  readonly code = 'broker_sync_failed';
}
