import { DEVICE_ID_PATTERN } from './vm';

export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = `vmfleet/v${PROTOCOL_VERSION}`;

/** Channels a device publishes on (uplink). */
export const UP_CHANNELS = ['hello', 'telemetry', 'status', 'event', 'reply', 'ota'] as const;
/** Channels the gateway publishes on (downlink); a device subscribes to these only. */
export const DOWN_CHANNELS = ['error', 'cmd', 'update'] as const;

export type UpChannel = (typeof UP_CHANNELS)[number];
export type DownChannel = (typeof DOWN_CHANNELS)[number];

export function topicFor(deviceId: string, channel: UpChannel | DownChannel): string {
  return `${TOPIC_ROOT}/${deviceId}/${channel}`;
}

/** The prefix a device may use: everything it touches lives under it. */
export function devicePrefix(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/`;
}

export interface ParsedTopic {
  deviceId: string;
  channel: string;
}

/** Splits `vmfleet/v1/{deviceId}/{channel…}`; null when the topic is not ours. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${TOPIC_ROOT}/`)) return null;
  const rest = topic.slice(TOPIC_ROOT.length + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const deviceId = rest.slice(0, slash);
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { deviceId, channel: rest.slice(slash + 1) };
}

export function isUpChannel(channel: string): channel is UpChannel {
  return (UP_CHANNELS as readonly string[]).includes(channel);
}

export function isDownChannel(channel: string): channel is DownChannel {
  return (DOWN_CHANNELS as readonly string[]).includes(channel);
}
