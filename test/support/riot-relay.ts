import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';

/**
 * UDP relay between devices inside a network namespace and a server on host loopback.
 *
 * A tiny Node child started with `ip netns exec` binds the UDP socket inside the namespace and
 * hands it to this process over Node IPC (child_process can pass a dgram.Socket handle:
 * the file descriptor travels by SCM_RIGHTS and stays bound in the namespace). The relay
 * loop then runs here: each device source address+port gets its own host socket on
 * 127.0.0.1, so the server sees one endpoint per device and its answers and notifications
 * go back to the device that owns that socket.
 */
export interface RelayStats {
  /** Datagrams forwarded device → server and server → device. */
  up: number;
  down: number;
  /** Datagrams that reached a host socket from anyone but the server (not forwarded). */
  foreign: number;
  /** Send and socket errors, as text; every lost datagram is counted here. */
  errors: string[];
}

export interface CoapRelay {
  /** Where devices send to, inside the namespace. */
  readonly listen: { address: string; port: number };
  /** One entry per device endpoint seen: device address+port → host port the server sees. */
  endpoints(): Map<string, number>;
  stats(): RelayStats;
  /** Holds every datagram to a device for `ms` (0: none), to slow a transfer down. */
  throttle(ms: number): void;
  /** Rewrites datagrams to devices on their way (null: as they are), as a network attacker would. */
  tamper(rewrite: ((datagram: Buffer) => Buffer) | null): void;
  close(): Promise<void>;
}

// Runs inside the namespace: bind, hand the socket over, exit once the parent lets go.
const CHILD_SCRIPT = `
const dgram = require('node:dgram');
const s = dgram.createSocket({ type: 'udp6', ipv6Only: true });
s.on('error', (err) => { process.send({ error: String(err) }); process.exitCode = 1; process.disconnect(); });
s.bind({ address: process.env.RELAY_ADDRESS, port: Number(process.env.RELAY_PORT), exclusive: true }, () => {
  process.send('socket', s, (err) => { if (err) process.send({ error: String(err) }); });
});
process.on('disconnect', () => s.close());
`;

/** Binds [address]:port inside `netns` and relays it to target (host loopback). */
export async function startCoapRelay(
  netns: string,
  listen: { address: string; port: number },
  target: { host: string; port: number },
): Promise<CoapRelay> {
  const inner = await bindInNamespace(netns, listen);
  const outer = new Map<string, dgram.Socket>();
  const stats: RelayStats = { up: 0, down: 0, foreign: 0, errors: [] };
  let delayMs = 0;
  let rewrite: ((datagram: Buffer) => Buffer) | null = null;
  const fail = (what: string) => (err: Error | null) => {
    if (err) stats.errors.push(`${what}: ${err.message}`);
  };
  inner.on('error', (err) => stats.errors.push(`netns socket: ${err.message}`));
  inner.unref();

  const hostSocketFor = (address: string, port: number): dgram.Socket => {
    const key = `[${address}]:${port}`;
    let socket = outer.get(key);
    if (socket) return socket;
    socket = dgram.createSocket('udp4');
    socket.unref(); // a relay a test forgot to close must not keep Jest alive
    // Sends issued before the bind completes are queued by dgram, not lost.
    socket.bind({ address: '127.0.0.1', port: 0 });
    socket.on('error', (err) => stats.errors.push(`host socket for ${key}: ${err.message}`));
    socket.on('message', (msg, from) => {
      if (from.address !== target.host || from.port !== target.port) {
        stats.foreign++;
        stats.errors.push(`${key}: datagram from ${from.address}:${from.port}, not the server`);
        return;
      }
      stats.down++;
      const out = rewrite ? rewrite(msg) : msg;
      const send = () => inner.send(out, port, address, fail(`to device ${key}`));
      if (delayMs > 0) setTimeout(send, delayMs).unref();
      else send();
    });
    outer.set(key, socket);
    return socket;
  };

  inner.on('message', (msg, from) => {
    stats.up++;
    hostSocketFor(from.address, from.port).send(
      msg,
      target.port,
      target.host,
      fail(`from device [${from.address}]:${from.port}`),
    );
  });

  return {
    listen,
    endpoints: () => new Map([...outer].map(([key, s]) => [key, boundPort(s)])),
    stats: () => ({ ...stats, errors: [...stats.errors] }),
    throttle: (ms) => {
      delayMs = ms;
    },
    tamper: (fn) => {
      rewrite = fn;
    },
    close: async () => {
      await Promise.all([inner, ...outer.values()].map(closeSocket));
      outer.clear();
    },
  };
}

function bindInNamespace(
  netns: string,
  listen: { address: string; port: number },
): Promise<dgram.Socket> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', CHILD_SCRIPT], {
    env: { ...process.env, RELAY_ADDRESS: listen.address, RELAY_PORT: String(listen.port) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<dgram.Socket>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay child in ${netns} sent no socket within 10 s: ${stderr}`));
    }, 10_000);
    child.on('message', (message: unknown, handle: unknown) => {
      clearTimeout(timer);
      if (child.connected) child.disconnect(); // the child closes its copy and exits
      if (handle instanceof dgram.Socket) resolve(handle);
      else reject(new Error(`relay child in ${netns}: ${JSON.stringify(message)} ${stderr}`));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay child in ${netns} exited (${code}) before sending: ${stderr}`));
    });
  });
}

/** The host port a device's datagrams come from; 0 while its bind is still under way. */
function boundPort(socket: dgram.Socket): number {
  try {
    return socket.address().port;
  } catch {
    return 0;
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
