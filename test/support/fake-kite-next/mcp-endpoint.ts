/**
 * `/mcp` of Kite's next server: go-sdk's RequireBearerToken in front (401 with `WWW-Authenticate: Bearer
 * resource_metadata=…` and a one-line text), then a stateful Streamable HTTP handler: `initialize` opens a session
 * (Mcp-Session-Id), later requests must name a live one (404 otherwise), DELETE ends it. Each session is the SDK's
 * own Server and transport serving the seven mode tools; the session is not tied to a token, the Kite login is.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { goError, parseJson, readBody, rpcFields, type RequestFacts } from '../fake-kite/http-replies.js';
import type { AuthorizationServer, BearerCheck } from './authorization-server.js';
import { NEXT_TOOLS } from './tool-catalog.js';
import type { ModeToolRunner } from './tools.js';

const SERVER_INFO = { name: 'Kite MCP Server', version: 'next (kite-chat fake)' };

export type BearerKind = 'valid' | Extract<BearerCheck, { ok: false }>['kind'];

export interface McpEndpoint {
  handle(request: IncomingMessage, response: ServerResponse, annotate: (facts: RequestFacts & { bearer?: BearerKind }) => void): Promise<void>;
  /** Live MCP session ids. */
  readonly sessionIds: () => string[];
  close(): Promise<void>;
}

export function createMcpEndpoint(context: { issuer: () => string; oauth: AuthorizationServer; runTool: ModeToolRunner }): McpEndpoint {
  const sessions = new Map<string, StreamableHTTPServerTransport>();

  function newSession(): StreamableHTTPServerTransport {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, transport),
      onsessionclosed: (sessionId) => void sessions.delete(sessionId),
    });
    const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: NEXT_TOOLS }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const token = extra.authInfo?.token ?? '';
      return context.runTool(request.params.name, request.params.arguments ?? {}, { logout: () => context.oauth.revokeToken(token) });
    });
    void server.connect(transport);
    return transport;
  }

  return {
    async handle(request, response, annotate) {
      const bearer = context.oauth.checkBearer(request);
      annotate({ bearer: bearer.ok ? 'valid' : bearer.kind });
      if (!bearer.ok) {
        response.setHeader('WWW-Authenticate', `Bearer resource_metadata="${context.issuer()}/.well-known/oauth-protected-resource"`);
        return goError(response, 401, bearer.reason);
      }
      const body = request.method === 'POST' ? parseJson(await readBody(request)) : undefined;
      annotate(rpcFields(body));
      const header = request.headers['mcp-session-id'];
      const sessionId = typeof header === 'string' && header !== '' ? header : undefined;
      if (sessionId !== undefined) annotate({ sessionId });
      let transport = sessionId === undefined ? undefined : sessions.get(sessionId);
      if (sessionId !== undefined && transport === undefined) return goError(response, 404, 'session not found');
      if (transport === undefined) {
        if ((body as { method?: unknown } | undefined)?.method !== 'initialize') return goError(response, 400, 'missing Mcp-Session-Id header');
        transport = newSession();
      }
      const auth: AuthInfo = { token: bearer.token, clientId: 'kite-chat-fake', scopes: ['default'] };
      await transport.handleRequest(Object.assign(request, { auth }), response, body);
    },
    sessionIds: () => [...sessions.keys()],
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close().catch(() => {})));
      sessions.clear();
    },
  };
}
