/**
 * The MCP SDK's and fetch's errors sorted into the failure kinds mcp/errors.ts words: HTTP statuses of either
 * transport, JSON-RPC errors, an unauthorised request, replies that were not JSON-RPC, network codes. The only place
 * that knows the SDK's error classes; mcp/session.ts and mcp/live-session.ts ask it.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { errorChainText, failureFromHttpStatus, failureFromMessage, type Failure } from './errors.js';

/** Maps whatever the SDK or fetch threw to one of the failures mcp/errors.ts knows how to word. */
export function classify(error: unknown, hadSession: boolean): Failure {
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    if (error.code === -1) return { kind: 'not-mcp', reason: 'unexpected content type' };
    if (error.code === undefined) return failureFromMessage(errorChainText(error), hadSession);
    return failureFromHttpStatus(error.code, error.message, hadSession);
  }
  if (error instanceof McpError) {
    if (error.code === ErrorCode.ConnectionClosed) return { kind: 'closed' };
    if (error.code === ErrorCode.RequestTimeout) return { kind: 'timeout', seconds: undefined };
    return { kind: 'not-mcp', reason: `JSON-RPC error ${error.code}` };
  }
  if (error instanceof UnauthorizedError) return { kind: 'unauthorized', status: 401 };
  if (isSchemaError(error) || error instanceof SyntaxError) return { kind: 'not-mcp', reason: 'the reply was not JSON-RPC' };
  return failureFromMessage(errorChainText(error), hadSession);
}

/** Errors of the SDK's auth flow (discovery, registration, token requests), as opposed to the transport's own. */
export function isAuthorizationError(error: unknown): boolean {
  return !(error instanceof StreamableHTTPError || error instanceof SseError || error instanceof McpError || error instanceof UnauthorizedError);
}

/** The SDK checks every reply against its schemas; a reply that fails is not MCP. */
export function isSchemaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ZodError';
}
