/**
 * One SDK `Server` speaking as mcp-go v0.31 does for one MCP session: the `initialize` result of SERVER.md §1,
 * `tools/list` = tools.json, `tools/call` routed to the tool runner with the session id, and mcp-go's -32601 texts
 * for what it does not support (§4). The transports make one per /mcp request or per /sse stream.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, InitializeRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { TOOL_CATALOG } from './mock-data.js';
import { jsonRpcError, type Arguments, type ToolRunner } from './tools.js';

const SERVER_INFO = { name: 'Kite MCP Server', version: 'v0.3.1' };
const CAPABILITIES = { tools: { listChanged: true } };
/** mcp-go v0.31 knows these two; for any other requested version it answers 2025-03-26. */
const KNOWN_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26'];
const DEFAULT_PROTOCOL_VERSION = '2025-03-26';

/** mcp-go: a capability it lacks is "<capability> not supported"; any other method is "Method <m> not found". */
function unsupportedMessage(method: string): string {
  if (method.startsWith('resources/')) return 'resources not supported';
  if (method.startsWith('prompts/')) return 'prompts not supported';
  if (method === 'logging/setLevel') return 'logging not supported';
  return `Method ${method} not found`;
}

export function createKiteMcpServer(sessionId: string, runTool: ToolRunner): Server {
  const server = new Server(SERVER_INFO, { capabilities: CAPABILITIES });
  server.setRequestHandler(InitializeRequestSchema, (request) => ({
    protocolVersion: KNOWN_PROTOCOL_VERSIONS.includes(request.params.protocolVersion) ? request.params.protocolVersion : DEFAULT_PROTOCOL_VERSION,
    capabilities: CAPABILITIES,
    serverInfo: SERVER_INFO,
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOL_CATALOG }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    runTool(sessionId, request.params.name, (request.params.arguments ?? {}) as Arguments, extra.signal),
  );
  server.fallbackRequestHandler = async (request) => {
    throw jsonRpcError(-32601, unsupportedMessage(request.method));
  };
  return server;
}
