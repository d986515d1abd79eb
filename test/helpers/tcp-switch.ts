/**
 * A TCP pass-through in front of a server that can be switched off: `down()` cuts every open connection
 * and refuses new ones (accepted and reset at once), as a network outage looks to a gRPC client.
 */
import net from 'node:net';
import { splitAddress } from '../../src/temporal/dev-server';

export interface TcpSwitch {
  /** host:port to connect to instead of the target. */
  address: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function tcpSwitch(target: string): Promise<TcpSwitch> {
  const { host, port } = splitAddress(target);
  const open = new Set<net.Socket>();
  let isDown = false;
  const server = net.createServer((client) => {
    if (isDown) return client.resetAndDestroy();
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${own}`,
    down() {
      isDown = true;
      for (const s of open) s.resetAndDestroy();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
