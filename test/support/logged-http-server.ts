/**
 * The node:http side both Kite fakes share (fake-kite/, fake-kite-next/): on 127.0.0.1, every request logged as the
 * entry the fake makes for it (its status filled in once sent), routed, answered with Go's plain-text 500 when the
 * route throws, and every socket tracked so the fake can cut them all at once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { goError } from './fake-kite/http-replies.js';

export interface LoggedServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Destroys every open socket, streams included. */
  dropConnections(): void;
  /** Stops listening; resolves once the last connection is gone. */
  close(): Promise<void>;
}

export interface LoggedServerOptions<Entry extends { status?: number }> {
  /** Names the fake in a 500's text. */
  name: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The request log each entry is appended to, in arrival order. */
  log: Entry[];
  /** The log entry of a request; `path` is the URL path without its query. */
  entry: (request: IncomingMessage, path: string) => Entry;
  route: (request: IncomingMessage, response: ServerResponse, entry: Entry) => Promise<void>;
}

export async function startLoggedServer<Entry extends { status?: number }>(options: LoggedServerOptions<Entry>): Promise<LoggedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const entry = options.entry(request, new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    options.log.push(entry);
    const settle = () => {
      if (response.headersSent) entry.status = response.statusCode;
    };
    response.once('finish', settle).once('close', settle);
    options.route(request, response, entry).then(settle, (error: unknown) => {
      if (!response.headersSent) goError(response, 500, `${options.name}: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
      settle();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
