/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for half a round trip in each direction, so a loopback fake
 * answers as a server across a network would. Only for the start-up comparison (compare-start.ts --rtt), where
 * work that overlaps the connection's waiting shows; byte order is kept because every chunk waits equally long.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  /** The target URL with its origin swapped for the proxy's. */
  url(target: URL): URL;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: URL, roundTripMs: number): Promise<LatencyProxy> {
  const oneWayMs = roundTripMs / 2;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const delayed = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), oneWayMs));
    from.once('end', () => setTimeout(() => to.end(), oneWayMs));
    from.once('close', () => setTimeout(() => to.destroy(), oneWayMs));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url(original) {
      const proxied = new URL(original);
      proxied.port = String(port);
      return proxied;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
