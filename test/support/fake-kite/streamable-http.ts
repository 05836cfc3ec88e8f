/**
 * `/mcp` as mcp-go v0.31's StreamableHTTPServer with Kite's session registry answers it (SERVER.md §1). The Go
 * quirks are handled here, in node:http terms: the exact Content-Type, `kitemcp-` ids issued on `initialize` and
 * checked on every later POST (400 / 404 texts), GET as a silent 202 event stream, DELETE ending the session. Each
 * accepted POST is then served by a fresh stateless SDK transport bound to that session id, so a live id works from
 * any connection without a new `initialize`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sdkReply } from '../sdk-reply.js';
import type { FakeKiteFaults } from './faults.js';
import { goError, jsonRpcErrorReply, parseJson, readBody, rpcFields, type RequestFacts } from './http-replies.js';
import { createKiteMcpServer } from './mcp-server.js';
import type { SessionRegistry } from './sessions.js';
import type { ToolRunner } from './tools.js';

/** What `garbage` answers a POST with: a 200 that claims JSON and is not. */
const GARBAGE_BODY = '<html><body>502 Bad Gateway</body></html>';

export interface StreamableHttpContext {
  registry: SessionRegistry;
  runTool: ToolRunner;
  faults: FakeKiteFaults;
}

export interface StreamableHttpEndpoint {
  handle(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): Promise<void>;
}

export function createStreamableHttpEndpoint(context: StreamableHttpContext): StreamableHttpEndpoint {
  /** GET streams registered per session id, as mcp-go's RegisterSession keeps them. */
  const listeners = new Map<string, ServerResponse>();

  async function post(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): Promise<void> {
    // mcp-go compares the header as a string: `application/json; charset=utf-8` is refused too.
    if (request.headers['content-type'] !== 'application/json') {
      return goError(response, 400, "Invalid content type: must be 'application/json'");
    }
    const body = parseJson(await readBody(request));
    annotate(rpcFields(body));
    if (context.faults.garbage === true) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      return void response.end(GARBAGE_BODY);
    }
    // Go unmarshals the body into a struct: not an object (a batch included) is a parse error.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return jsonRpcErrorReply(response, 400, -32700, 'request body is not valid json');
    }
    const isInitialize = (body as { method?: unknown }).method === 'initialize';
    let sessionId: string;
    if (isInitialize) {
      sessionId = context.registry.generate();
    } else {
      const header = sessionHeader(request);
      const check = context.registry.validate(header);
      if (header !== undefined) annotate({ sessionId: header });
      if (check === 'invalid' || header === undefined) return goError(response, 400, 'Invalid session ID');
      if (check === 'terminated') return goError(response, 404, 'Session terminated');
      sessionId = header;
    }
    annotate({ sessionId });

    const sdkResponse = await sdkReply(createKiteMcpServer(sessionId, context.runTool), body, response);
    const text = await sdkResponse.text();
    if (response.destroyed) return;
    if (sdkResponse.status === 202) return void response.writeHead(202).end();
    response.writeHead(sdkResponse.status, {
      'Content-Type': 'application/json',
      ...(isInitialize ? { 'Mcp-Session-Id': sessionId } : {}),
    });
    response.end(`${text}\n`); // Go's json.Encoder ends with a newline
  }

  function get(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): void {
    // "the specification didn't say we should validate the session id": mcp-go registers whatever it is given.
    const header = sessionHeader(request);
    if (header !== undefined) annotate({ sessionId: header });
    const sessionId = header ?? randomUUID();
    if (listeners.has(sessionId)) return goError(response, 400, 'Session registration failed: session already exists');
    listeners.set(sessionId, response);
    response.once('close', () => {
      if (listeners.get(sessionId) === response) listeners.delete(sessionId);
    });
    // No heartbeat is configured and the server never pushes anything: headers, then silence.
    response.writeHead(202, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    response.flushHeaders();
  }

  function remove(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts) => void): void {
    const sessionId = sessionHeader(request);
    if (sessionId !== undefined) {
      annotate({ sessionId });
      // Terminate runs the cleanup hook: InvalidateAccessToken() revokes the user's Kite token.
      context.registry.terminate(sessionId);
    }
    response.writeHead(200).end();
  }

  return {
    async handle(request, response, annotate) {
      switch (request.method) {
        case 'POST': return post(request, response, annotate);
        case 'GET': return get(request, response, annotate);
        case 'DELETE': return remove(request, response, annotate);
        default: return goError(response, 404, '404 page not found'); // Go's http.NotFound; no CORS, no OPTIONS
      }
    },
  };
}

function sessionHeader(request: IncomingMessage): string | undefined {
  const value = request.headers['mcp-session-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
