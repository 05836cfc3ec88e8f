/**
 * The small HTTP vocabulary the Go server answers with, for the fake's node:http layer: `http.Error` (text/plain,
 * a trailing newline), mcp-go's JSON-RPC error bodies, and reading a request body once so the request log and the
 * SDK transports can share it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Go's http.Error: the message plus "\n", as text/plain, with nosniff. */
export function goError(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(`${message}\n`);
}

/** mcp-go's writeJSONRPCError: a JSON-RPC error with a null id, from Go's json.Encoder (trailing newline). */
export function jsonRpcErrorReply(response: ServerResponse, status: number, code: number, message: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } })}\n`);
}

export function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end(body);
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed body, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What the request log learns about a request once its body and headers are read. */
export interface RequestFacts {
  sessionId?: string;
  rpcMethod?: string;
  tool?: string;
  arguments?: Record<string, unknown>;
}

/** The JSON-RPC facts of a message worth logging: method, tool name and arguments. */
export function rpcFields(body: unknown): RequestFacts {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const message = body as { method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  if (typeof message.method !== 'string') return {};
  if (message.method !== 'tools/call' || typeof message.params?.name !== 'string') return { rpcMethod: message.method };
  const args = message.params.arguments;
  return {
    rpcMethod: message.method,
    tool: message.params.name,
    ...(typeof args === 'object' && args !== null && !Array.isArray(args) ? { arguments: args as Record<string, unknown> } : {}),
  };
}
