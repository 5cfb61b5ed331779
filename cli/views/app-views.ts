import type { App, SigningKey } from '../../src/protocol/api';
import { formatBytes, formatCount, formatTimestamp } from '../format';
import { makeTable, printRecord, printTable, type CliIo } from '../output';

/** Enough of a SHA-256 to tell apps apart at a glance, as git shortens commit ids. */
const SHORT_SHA_LENGTH = 12;

export function shortSha(hex: string): string {
  return hex.slice(0, SHORT_SHA_LENGTH).toLowerCase();
}

/** `blinky@1.2.0`, the form every `apps` command takes. */
export function appRef(app: { name: string; version: string }): string {
  return `${app.name}@${app.version}`;
}

/** "RAM 4.0 KiB, flash 1.2 KiB, stack 1.0 KiB". */
export function describeNeeds(needs: App['needs']): string {
  const { ramBytes, flashBytes, stackBytes } = needs;
  return `RAM ${formatBytes(ramBytes)}, flash ${formatBytes(flashBytes)}, stack ${formatBytes(stackBytes)}`;
}

/** What `apps push` prints: what was stored, under which sequence, and what it needs. */
export function describePush(app: App): string[] {
  const what = [app.vm, formatBytes(app.size), `sha256 ${shortSha(app.sha256)}`];
  return [
    `Pushed ${appRef(app)} (${what.join(', ')}), sequence ${app.sequence}.`,
    `Needs ${describeNeeds(app.needs)}.`,
  ];
}

const LIST_HEAD = ['App', 'VM', 'Size', 'Seq', 'RAM', 'Flash', 'SHA-256', 'Created (UTC)'];
const LIST_NUMERIC = [2, 3, 4, 5];

/** Apps in the order the gateway sent them (newest first). */
export function printAppTable(io: CliIo, apps: readonly App[]): void {
  const table = makeTable(io, LIST_HEAD, LIST_NUMERIC);
  for (const app of apps) {
    table.push([
      appRef(app),
      app.vm,
      formatBytes(app.size),
      formatCount(app.sequence),
      formatBytes(app.needs.ramBytes),
      formatBytes(app.needs.flashBytes),
      shortSha(app.sha256),
      formatTimestamp(app.createdAt),
    ]);
  }
  printTable(io, table);
}

export function printAppRecord(io: CliIo, app: App): void {
  printRecord(io, [
    ['Name', app.name],
    ['Version', app.version],
    ['VM', app.vm],
    ['Size', `${formatBytes(app.size)} (${formatCount(app.size)} bytes)`],
    ['SHA-256', app.sha256.toLowerCase()],
    ['Sequence', String(app.sequence)],
    ['RAM needed', formatBytes(app.needs.ramBytes)],
    ['Flash needed', formatBytes(app.needs.flashBytes)],
    ['Stack needed', formatBytes(app.needs.stackBytes)],
    ['Signed by', `key ${app.kid}`],
    ['Created', formatTimestamp(app.createdAt)],
  ]);
}

/** "EdDSA (Ed25519)", or just the algorithm when the curve says nothing more. */
function algorithmLabel(key: SigningKey): string {
  return key.crv && key.crv !== key.alg ? `${key.alg} (${key.crv})` : key.alg;
}

/** The key as base64 of its raw bytes, with their count (32 for Ed25519). */
function publicKeyLabel(base64: string): string {
  return `${base64} (${Buffer.from(base64, 'base64').length} bytes, base64)`;
}

export function printSigningKey(io: CliIo, key: SigningKey): void {
  printRecord(io, [
    ['Algorithm', algorithmLabel(key)],
    ['Key id (kid)', key.kid],
    ['Public key', publicKeyLabel(key.publicKey)],
  ]);
}
