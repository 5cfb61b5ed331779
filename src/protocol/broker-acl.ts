import { DOWN_CHANNELS, TOPIC_ROOT, topicFor, UP_CHANNELS } from './topics';

/**
 * Mosquitto's dynamic-security plugin (2.0): roles hold ACLs, clients hold roles. 2.0.11
 * substitutes no %c/%u in ACL topics (tried: such a rule matches nothing), so each device
 * gets a role of its own, named from its id, with the same topic rules as the embedded
 * broker's access policy (src/mqtt/access-policy.ts).
 */
export type AclType =
  | 'publishClientSend'
  | 'publishClientReceive'
  | 'subscribePattern'
  | 'subscribeLiteral'
  | 'unsubscribePattern';

export interface Acl {
  acltype: AclType;
  topic: string;
  allow: boolean;
  priority?: number;
}

/** The shared-subscription group every gateway instance joins (MQTT 5 §4.8.2). */
export const SHARE_GROUP = 'vmfleet';
/** Uplink channels one instance of the group handles: the broker splits them. */
export const SHARED_CHANNELS = ['hello', 'telemetry', 'event', 'ota'] as const;
/**
 * Channels every instance receives: `status` so each knows who is online (and the
 * retained statuses say so at start), `reply` so the instance that sent a command gets its
 * answer whichever instance the device's other messages go to.
 */
export const BROADCAST_CHANNELS = ['status', 'reply'] as const;

/** Marks the dynsec clients the gateway manages; others (operators, admins) it never touches. */
export const DEVICE_TEXTNAME = 'vmfleet device';
export const GATEWAY_ROLE = 'vmfleet-gateway';
export const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const CONTROL_RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

export function deviceRole(deviceId: string): string {
  return `vmfleet-device-${deviceId}`;
}

export function sharedFilter(channel: string): string {
  return `$share/${SHARE_GROUP}/${TOPIC_ROOT}/+/${channel}`;
}

export function broadcastFilter(channel: string): string {
  return `${TOPIC_ROOT}/+/${channel}`;
}

/**
 * A device publishes on its own uplink channels only and subscribes below its own prefix.
 * Not expressible in dynsec: "only `status` may be retained" (the embedded broker's rule);
 * a retained telemetry sample is harmless here, as shared subscriptions get no retained
 * messages (MQTT 5 §4.8.2) and nobody else may read the device's topics.
 */
export function deviceAcls(deviceId: string): Acl[] {
  const own = `${TOPIC_ROOT}/${deviceId}/#`;
  return [
    ...UP_CHANNELS.map((channel): Acl => ({
      acltype: 'publishClientSend',
      topic: topicFor(deviceId, channel),
      allow: true,
    })),
    { acltype: 'subscribePattern', topic: own, allow: true },
    { acltype: 'publishClientReceive', topic: own, allow: true },
    { acltype: 'unsubscribePattern', topic: own, allow: true },
  ];
}

/**
 * The gateway: the control topic, the shared uplink and the broadcast channels in, the
 * downlink channels of every device out. Mosquitto 2.0 checks a shared subscription
 * against the ACLs with its `$share/<group>/` prefix, so the rules name it.
 */
export function gatewayAcls(): Acl[] {
  const control: Acl[] = (
    ['publishClientSend', 'publishClientReceive', 'subscribePattern'] as const
  ).map((acltype) => ({ acltype, topic: '$CONTROL/dynamic-security/#', allow: true }));
  return [
    ...control,
    ...SHARED_CHANNELS.map((c): Acl => ({
      acltype: 'subscribePattern',
      topic: sharedFilter(c),
      allow: true,
    })),
    ...BROADCAST_CHANNELS.map((c): Acl => ({
      acltype: 'subscribePattern',
      topic: broadcastFilter(c),
      allow: true,
    })),
    { acltype: 'publishClientReceive', topic: `${TOPIC_ROOT}/#`, allow: true },
    ...DOWN_CHANNELS.map((c): Acl => ({
      acltype: 'publishClientSend',
      topic: `${TOPIC_ROOT}/+/${c}`,
      allow: true,
    })),
    { acltype: 'unsubscribePattern', topic: '#', allow: true },
  ];
}
