/**
 * The legacy HTTP+SSE transport as mcp-go v0.31's SSEServer answers it (SERVER.md §1): `GET /sse` opens the stream
 * with an `endpoint` event naming `/message?sessionId=<uuid4>`, POSTs there answer 202 and the reply arrives on the
 * stream, the server pings every N ms, and the session (with its Kite login) dies with the stream. The SDK's
 * SSEServerTransport does the framing; the Go texts and statuses around it are ours.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { FakeKiteFaults } from './faults.js';
import { goError, jsonRpcErrorReply, parseJson, readBody, rpcFields, type RequestFacts } from './http-replies.js';
import { createKiteMcpServer } from './mcp-server.js';
import type { SessionRegistry } from './sessions.js';
import type { ToolRunner } from './tools.js';

/** mcp-go's WithKeepAlive(true) default: a JSON-RPC ping request every 10 s. */
export const DEFAULT_PING_INTERVAL_MS = 10_000;

export interface SseContext {
  registry: SessionRegistry;
  runTool: ToolRunner;
  faults: FakeKiteFaults;
  pingIntervalMs: number;
}

export interface SseEndpoint {
  stream(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): Promise<void>;
  message(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): Promise<void>;
  /** Ends one stream, and so its session; false when there is no such stream. */
  end(sessionId: string): boolean;
  endAll(): Promise<void>;
}

interface SseSession {
  transport: SSEServerTransport;
  server: Server;
  response: ServerResponse;
}

export function createSseEndpoint(context: SseContext): SseEndpoint {
  const sessions = new Map<string, SseSession>();

  return {
    async stream(request, response, annotate) {
      if (request.method !== 'GET') return goError(response, 405, 'Method not allowed');
      response.setHeader('Access-Control-Allow-Origin', '*');
      const transport = new SSEServerTransport('/message', response);
      const sessionId = transport.sessionId;
      annotate({ sessionId });
      const server = createKiteMcpServer(sessionId, context.runTool);
      let pinger: NodeJS.Timeout | undefined;
      server.onclose = () => {
        clearInterval(pinger);
        sessions.delete(sessionId);
        context.registry.closeStream(sessionId);
      };
      sessions.set(sessionId, { transport, server, response });
      context.registry.openStream(sessionId);
      await server.connect(transport); // writes the headers and the endpoint event
      pinger = setInterval(() => void server.ping().catch(() => {}), context.pingIntervalMs);
    },

    async message(request, response, annotate) {
      if (request.method !== 'POST') return jsonRpcErrorReply(response, 400, -32600, 'Method not allowed');
      const sessionId = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('sessionId') ?? '';
      if (sessionId === '') return jsonRpcErrorReply(response, 400, -32602, 'Missing sessionId');
      annotate({ sessionId });
      const body = parseJson(await readBody(request));
      annotate(rpcFields(body));
      const session = sessions.get(sessionId);
      if (session === undefined) return jsonRpcErrorReply(response, 400, -32602, 'Invalid session ID');
      if (body === undefined) return jsonRpcErrorReply(response, 400, -32700, 'Parse error');
      if (context.faults.garbage === true) {
        session.response.write('event: message\ndata: <html><body>502 Bad Gateway</body></html>\n\n');
        return void response.writeHead(202).end();
      }
      try {
        // Straight to the transport: mcp-go checks no Content-Type on /message, the SDK's handlePostMessage would.
        await session.transport.handleMessage(body);
      } catch {
        return jsonRpcErrorReply(response, 400, -32700, 'Parse error');
      }
      response.writeHead(202).end();
    },

    end(sessionId) {
      const session = sessions.get(sessionId);
      if (session === undefined) return false;
      void session.transport.close();
      return true;
    },

    async endAll() {
      await Promise.all([...sessions.values()].map((session) => session.server.close()));
    },
  };
}
