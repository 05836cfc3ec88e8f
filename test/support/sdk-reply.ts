/**
 * One JSON-RPC POST answered by an MCP SDK server, for the loopback MCP servers (fake-kite/, tiny-mcp-server.ts): a
 * fresh stateless web-standard Streamable HTTP transport per request (a session, if any, lives in the fake), the SDK
 * handed a request it cannot refuse for its headers, and the server closed when the client goes away.
 */
import type { ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** The SDK's reply to `body` (already parsed) from `server`, which serves this one request. */
export async function sdkReply(server: Server, body: unknown, response: ServerResponse): Promise<Response> {
  // Stateless (no sessionIdGenerator): the session lives in the caller's registry, not in the transport.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  // The client going away aborts the handler (a hung tool call ends) and frees the per-request server.
  response.once('close', () => void server.close());
  // Go reads neither Accept nor MCP-Protocol-Version, so the SDK is handed a request it cannot refuse for them.
  const sdkRequest = new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
  });
  return transport.handleRequest(sdkRequest, { parsedBody: body });
}
