/**
 * A tiny MCP server on 127.0.0.1 (port 0) whose tool list and answers the test sets: Streamable HTTP at /mcp,
 * stateless (no session id), served by the SDK's own server classes. For what the faithful fake (fake-kite/) does
 * not do on purpose: a tool list that changes between runs, a `login` answer with a crafted link, tool texts full of
 * terminal escapes. Every tools/call is recorded. Not a Kite imitation beyond what a test gives it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sdkReply } from './sdk-reply.js';

export interface TinyTool {
  name: string;
  description?: string;
  inputSchema: { type: 'object'; properties?: Record<string, unknown>; required?: string[] };
  annotations?: Record<string, unknown>;
}

export type TinyAnswer = (call: { name: string; arguments: Record<string, unknown>; origin: string }) => CallToolResult | Promise<CallToolResult>;

export interface TinyMcpServer {
  readonly origin: string;
  readonly mcpUrl: string;
  /** Every tools/call in arrival order. */
  readonly calls: { name: string; arguments: Record<string, unknown> }[];
  /** What tools/list answers from now on. */
  tools: TinyTool[];
  /** How tools/call answers from now on. */
  answer: TinyAnswer;
  close(): Promise<void>;
}

export function textResult(text: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) };
}

export async function startTinyMcpServer(initial: { tools: TinyTool[]; answer?: TinyAnswer }): Promise<TinyMcpServer> {
  let origin = '';
  const state: TinyMcpServer = {
    get origin() {
      return origin;
    },
    get mcpUrl() {
      return `${origin}/mcp`;
    },
    calls: [],
    tools: initial.tools,
    answer: initial.answer ?? (({ name }) => textResult(`tiny-mcp-server: no answer scripted for ${name}`, true)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function sdkServer(): Server {
    const mcp = new Server({ name: 'tiny-mcp-server', version: '0.0.0' }, { capabilities: { tools: {} } });
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({ tools: state.tools }));
    mcp.setRequestHandler(CallToolRequestSchema, async (request) => {
      const call = { name: request.params.name, arguments: (request.params.arguments ?? {}) as Record<string, unknown> };
      state.calls.push(call);
      return state.answer({ ...call, origin });
    });
    return mcp;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/mcp') return void response.writeHead(404).end('Not Found\n');
    if (request.method === 'GET') return void response.writeHead(405).end(); // no server-to-client stream
    if (request.method === 'DELETE') return void response.writeHead(200).end();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const sdkResponse = await sdkReply(sdkServer(), body, response);
    const text = await sdkResponse.text();
    response.writeHead(sdkResponse.status, { 'Content-Type': 'application/json' });
    response.end(text);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(`tiny-mcp-server: ${String(error)}\n`);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
