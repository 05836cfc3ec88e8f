/**
 * A tool call on the live MCP session, with the one rule for a session the server has ended: a new one is started
 * (mcp/connection.ts says so out loud, as it means a new Kite login; parallel calls share it) and a read is asked
 * once more on it; a write is never repeated (PEERS.md R17), so its caller hears that it was not placed. Every call
 * of the executor, and every look-up the write gate makes through it, goes this way.
 */
import type { McpConnection } from '../mcp/connection.js';
import { McpSessionGoneError } from '../mcp/session.js';
import type { ToolClass } from './policy.js';
import { toolOutcome } from './schema.js';
import type { ToolOutcome } from './tool.js';

export type SessionCall = (
  name: string,
  args: Record<string, unknown>,
  options: { signal: AbortSignal; toolClass: ToolClass; timeoutMs?: number },
) => Promise<ToolOutcome>;

export function createSessionCall(deps: { connection: McpConnection; toolTimeoutMs: number }): SessionCall {
  return async (name, args, { signal, toolClass, timeoutMs = deps.toolTimeoutMs }) => {
    const session = await deps.connection.session();
    try {
      return toolOutcome(await session.callTool(name, args, { signal, timeoutMs }));
    } catch (error) {
      if (error instanceof McpSessionGoneError) {
        const replaced = await deps.connection.replace('The Kite MCP session has ended on the server.', session);
        if (toolClass === 'write') throw new Error('The Kite session ended before the order reached Kite; it was not placed.');
        return toolOutcome(await replaced.callTool(name, args, { signal, timeoutMs }));
      }
      // A parallel call found the session ended and replaced it, closing it under this call. Whether this request
      // reached the server is unknown, so a write says what it was told; a read is asked once more on the new session.
      if (toolClass === 'write' || !deps.connection.wasReplaced(session)) throw error;
      return toolOutcome(await (await deps.connection.session()).callTool(name, args, { signal, timeoutMs }));
    }
  };
}
