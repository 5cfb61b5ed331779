import mqtt, { IClientOptions, MqttClient } from 'mqtt';

/** Connects a raw MQTT client; resolves on CONNACK, rejects with the refusal. */
export function connectRaw(url: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export function publish(
  client: MqttClient,
  topic: string,
  payload: Buffer | string,
  qos: 0 | 1 = 1,
): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, { qos }, (err) => (err ? reject(err) : resolve())),
  );
}

/** Resolves with the next message on `topic`. */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the broker closes the connection. */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`connection still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function subscribe(client: MqttClient, topic: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(topic, { qos: 1 }, (err, granted) =>
      err ? reject(err) : resolve(granted?.[0]?.qos ?? -1),
    ),
  );
}

export function end(client: MqttClient | undefined): Promise<void> {
  return new Promise((resolve) => (client ? client.end(true, {}, () => resolve()) : resolve()));
}
