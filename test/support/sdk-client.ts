/**
 * The MCP SDK's own Client against a loopback MCP server over Streamable HTTP, for the integration tests that read a
 * fake Kite as any client would (fakes/fake-kite-history, prices/price-chart): connect to its /mcp, and a tool's
 * answer as its first text and whether it is an error. The client is stopped with the fixtures' `closeAfter`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { KiteChatFixtures } from './fixtures.js';

export interface ToolText {
  text: string;
  isError: boolean;
}

/** A Client connected to `mcpUrl`, closed after the test. */
export async function connectSdkClient(mcpUrl: string, closeAfter: KiteChatFixtures['closeAfter'], name = 'kite-chat-test'): Promise<Client> {
  const client = closeAfter(new Client({ name, version: '0.0.0' }));
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
  return client;
}

/** Calls `name` with `args`: the first text the server answered ('' without one) and its isError. */
export async function callForText(client: Client, name: string, args: Record<string, unknown>): Promise<ToolText> {
  const result = await client.callTool({ name, arguments: args });
  return { text: (result.content as { text: string }[])[0]?.text ?? '', isError: result.isError === true };
}
