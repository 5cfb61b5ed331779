import { Aedes } from 'aedes';
import * as net from 'node:net';

/**
 * bench:load's bare aedes baseline, in a process of its own so its RSS and CPU are its own:
 * aedes' defaults (in-memory persistence), no authentication, no protocol, on a loopback
 * port 0. Sends `{port}` to the parent once listening and `{received, heapUsed}` when asked.
 */
async function main(): Promise<void> {
  const broker = await Aedes.createBroker({ heartbeatInterval: 60_000 });
  let received = 0;
  broker.on('publish', (_packet, client) => {
    if (client) received++;
  });
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  process.on('message', () =>
    process.send?.({ received, heapUsed: process.memoryUsage().heapUsed }),
  );
  process.on('disconnect', () => process.exit(0));
  process.send?.({ port });
}

main().catch((err: Error) => {
  console.error(`bench:load aedes baseline failed: ${err.message}`);
  process.exit(1);
});
