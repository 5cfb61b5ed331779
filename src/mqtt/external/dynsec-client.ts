import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { BrokerSyncError } from '../../common/domain-error';
import { CONTROL_TOPIC } from '../../protocol/broker-acl';

/** One dynamic-security command: `{command: 'createClient', username, …}` (mosquitto_ctrl's JSON). */
export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

export interface DynsecResponse {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
  correlationData?: string;
}

const RESPONSE_TIMEOUT_MS = 10_000;

interface Waiting {
  resolve(response: DynsecResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Sends commands to Mosquitto's dynamic-security plugin over its control topic and
 * matches each response by correlationData, as mosquitto_ctrl does. Every admin client
 * subscribed to the response topic sees every response; the ids keep instances apart.
 */
export class DynsecClient {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly client: MqttClient) {}

  /** Feed every message on CONTROL_RESPONSE_TOPIC here. */
  onResponse(payload: Buffer): void {
    let parsed: { responses?: DynsecResponse[] };
    try {
      parsed = JSON.parse(payload.toString('utf8')) as { responses?: DynsecResponse[] };
    } catch {
      return;
    }
    for (const response of parsed.responses ?? []) {
      const id = response.correlationData;
      const waiting = id === undefined ? undefined : this.waiting.get(id);
      if (!waiting) continue;
      clearTimeout(waiting.timer);
      this.waiting.delete(id!);
      waiting.resolve(response);
    }
  }

  /** Runs the commands in one message; resolves with their responses, errors included. */
  async send(commands: DynsecCommand[]): Promise<DynsecResponse[]> {
    if (commands.length === 0) return [];
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }));
    const answers = tagged.map(
      (c) =>
        new Promise<DynsecResponse>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(c.correlationData);
            reject(
              new BrokerSyncError(
                `the broker did not answer "${c.command}" on ${CONTROL_TOPIC} within ${RESPONSE_TIMEOUT_MS / 1000} s: is the dynamic-security plugin loaded, and may the gateway's broker user use ${CONTROL_TOPIC}?`,
              ),
            );
          }, RESPONSE_TIMEOUT_MS);
          this.waiting.set(c.correlationData, { resolve, reject, timer });
        }),
    );
    // Not awaited: while the broker is away the PUBACK never comes; the answers' own
    // timeouts bound the wait.
    this.client
      .publishAsync(CONTROL_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 })
      .catch((err: Error) =>
        this.failAll(
          tagged.map((c) => c.correlationData),
          err,
        ),
      );
    // Every answer settles (a timeout each); the first failure is the one reported.
    const settled = await Promise.allSettled(answers);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<DynsecResponse>).value);
  }

  /** Runs the commands; rejects on the first error not in `tolerated` (e.g. "Client not found"). */
  async run(commands: DynsecCommand[], tolerated: RegExp | null = null): Promise<DynsecResponse[]> {
    const responses = await this.send(commands);
    const failed = responses.find((r) => r.error && !(tolerated && tolerated.test(r.error)));
    if (failed)
      throw new BrokerSyncError(
        `the broker refused "${failed.command}": ${failed.error} (dynamic-security plugin)`,
      );
    return responses;
  }

  /** Rejects what is still waiting (the connection is gone). */
  close(): void {
    this.failAll([...this.waiting.keys()], new BrokerSyncError('the broker connection closed'));
  }

  private failAll(ids: string[], err: Error): void {
    for (const id of ids) {
      const waiting = this.waiting.get(id);
      if (!waiting) continue;
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      waiting.reject(
        err instanceof BrokerSyncError
          ? err
          : new BrokerSyncError(`cannot reach the broker's control topic: ${err.message}`),
      );
    }
  }
}
