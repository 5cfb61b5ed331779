/**
 * Response shapes of the REST API (CONTRACT.md, REST): the one source for the gateway's
 * OpenAPI document and the CLI's parsing. Objects are loose so a client passes on fields it
 * does not know; states and VM kinds are plain strings for the same reason.
 */
export * from './alerts';
export * from './apps';
export * from './backup';
export * from './benchmarks';
export * from './deployments';
export * from './devices';
export * from './events';
export * from './monitor';
export * from './telemetry';
export * from './tokens';
