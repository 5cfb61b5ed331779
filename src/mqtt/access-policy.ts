import { devicePrefix, isDownChannel, isUpChannel, parseTopic } from '../protocol';

export type Decision = { allow: true } | { allow: false; reason: string };

const allow: Decision = { allow: true };

/** Of the uplink channels, only `status` is retained (docs/protocol.md §3). */
const RETAINED_CHANNEL = 'status';

/** A device publishes only on its own uplink channels, and retains only its `status`. */
export function mayPublish(deviceId: string, topic: string, retain = false): Decision {
  const parsed = parseTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId) {
    return { allow: false, reason: `publish outside ${devicePrefix(deviceId)}: ${topic}` };
  }
  if (!isUpChannel(parsed.channel))
    return { allow: false, reason: `no uplink channel "${parsed.channel}"` };
  if (retain && parsed.channel !== RETAINED_CHANNEL)
    return {
      allow: false,
      reason: `retained publish on "${parsed.channel}": only ${RETAINED_CHANNEL} may be retained`,
    };
  return allow;
}

/**
 * A device subscribes only to its own downlink channels, by exact topic or with `+`/`#`
 * confined below its own prefix.
 */
export function maySubscribe(deviceId: string, filter: string): Decision {
  const prefix = devicePrefix(deviceId);
  const deny = { allow: false, reason: `subscribe outside ${prefix}: ${filter}` } as const;
  if (!filter.startsWith(prefix)) return deny;
  const rest = filter.slice(prefix.length);
  if (rest === '#' || rest === '+') return allow;
  if (rest.includes('#') || rest.includes('+')) return deny;
  // Its own uplink topics too: `#` already delivers them, so refusing them exactly would only surprise.
  return isDownChannel(rest) || isUpChannel(rest)
    ? allow
    : { allow: false, reason: `no channel "${rest}"` };
}
