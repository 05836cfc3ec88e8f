/**
 * A connected MCP session as everything above mcp/ sees it (McpSession): the tool list (every page, fetched once),
 * tool calls with each failure in our words (a timeout, a JSON-RPC error as a tool error, a session the server has
 * ended, an authorization renewed mid-call, a lost connection), close (keeps the server session) and terminate
 * (ends it: logout). The SDK's results are narrowed to the plain types of tools/tool.ts here.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpConnectError } from '../errors.js';
import { isRecord } from '../json.js';
import type { Tool, ToolContent, ToolResult } from '../tools/tool.js';
import {
  AuthorizationRenewedError, callFailureMessage, McpSessionGoneError, ToolTimeoutError,
} from './errors.js';
import type { Link, TransportKind } from './link.js';
import { completeAuthorization } from './oauth.js';
import { classify, isSchemaError } from './sdk-errors.js';

/** The SDK's own default; Kite's slowest calls (historical data) finish well inside it (gokiteconnect: 7 s). */
const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
/** Kite sends one page; a server that keeps handing out cursors past this is looping, not paginating. */
const MAX_TOOL_PAGES = 50;

/** What the server said about itself in `initialize`; a resumed session sends no initialize, so it has none. */
export interface McpServerInfo {
  name: string;
  version: string;
  protocolVersion: string | undefined;
}

export interface McpSession {
  readonly url: URL;
  readonly transportKind: TransportKind;
  /** Mcp-Session-Id (Streamable HTTP) or the SSE endpoint's sessionId; a secret: never log or print it. */
  readonly sessionId: string | undefined;
  /** True when connected with a given sessionId (no initialize sent). */
  readonly resumed: boolean;
  /** The server's name, version and protocol version from `initialize`; undefined for a resumed session. */
  readonly server: McpServerInfo | undefined;
  /** Fetched once and cached for the session (all pages if the server paginates). */
  listTools(): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ToolResult>;
  /** The transport closed or failed for good (the SSE stream dropped). A gone session is not reported here: calls throw McpSessionGoneError. */
  onLost(listener: (reason: string) => void): void;
  /** Closes the transport WITHOUT ending the server session (no DELETE: that would revoke the Kite login). */
  close(): Promise<void>;
  /** Sends DELETE, which ends the server session and revokes the Kite login (logout only), then closes. */
  terminate(): Promise<void>;
}

/** The session over a connected link; `toolList` is the listing already started while connecting, if any. */
export function liveSession(link: Link, options: { timeoutMs: number; toolList: Promise<Tool[]> | undefined }): McpSession {
  let toolList = options.toolList;
  return {
    url: link.url,
    transportKind: link.transportKind,
    get sessionId() {
      return link.sessionId();
    },
    resumed: link.resumeId !== undefined,
    server: serverInfo(link.client.getServerVersion(), link.protocolVersion()),
    listTools() {
      const list = toolList ?? fetchTools(link, options.timeoutMs);
      toolList = list;
      list.catch(() => {
        if (toolList === list) toolList = undefined; // a failed listing may be retried
      });
      return list.catch((error: unknown) => {
        throw callError(link, error, 'listing the tools');
      });
    },
    callTool: (name, args, callOptions = {}) => callTool(link, name, args, callOptions),
    onLost: (listener) => link.onLost(listener),
    close: () => link.close(),
    terminate: () => terminate(link),
  };
}

/** Every page of the server's tool list. */
export async function fetchTools(link: Link, requestTimeoutMs: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
    const result = await link.client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: requestTimeoutMs });
    for (const tool of result.tools) tools.push(toTool(tool));
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
  }
  throw new McpConnectError(`The MCP server at ${link.place} kept paginating its tool list past ${MAX_TOOL_PAGES} pages: check --url / KITE_MCP_URL.`);
}

async function callTool(
  link: Link,
  name: string,
  args: Record<string, unknown>,
  { signal, timeoutMs = DEFAULT_TOOL_TIMEOUT_MS }: { signal?: AbortSignal; timeoutMs?: number },
): Promise<ToolResult> {
  signal?.throwIfAborted();
  try {
    const call = () => link.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, ...(signal === undefined ? {} : { signal }) });
    const result = await (link.authProvider === undefined ? call() : link.authProvider.withAuthorizationAllowed(call));
    const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
    return { isError: result.isError === true, content: content.map(toToolContent) };
  } catch (error) {
    signal?.throwIfAborted(); // the SDK wraps the abort reason in an McpError; the caller wants the abort itself
    link.log(`callTool ${name}`, error);
    return callFailure(link, name, error, { signal, timeoutMs });
  }
}

/** A failed call as a tool error (the server's refusal) or our error; never repeated here, as it may be an order. */
async function callFailure(link: Link, name: string, error: unknown, options: { signal: AbortSignal | undefined; timeoutMs: number }): Promise<ToolResult> {
  const provider = link.authProvider;
  // The token ran out or was revoked mid-session and the user was sent to authorize again (mcp/oauth.ts). The call
  // was refused before it ran; the caller decides whether to ask again.
  if (error instanceof UnauthorizedError && provider?.authorizationPending === true) {
    try {
      await completeAuthorization(provider, (code) => link.transport.finishAuth(code), link.url, options.signal);
    } finally {
      await provider.closeListener();
    }
    throw new AuthorizationRenewedError(name);
  }
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    throw new ToolTimeoutError(`${name} did not answer within ${formatSeconds(options.timeoutMs)} s.`, { cause: error });
  }
  if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
    return errorResult(error.message); // a JSON-RPC error: unknown tool, bad arguments
  }
  if (isSchemaError(error)) {
    return errorResult(`The server's reply to ${name} was not a valid MCP tool result, so its outcome is unknown.`);
  }
  throw callError(link, error, `running ${name}`);
}

async function terminate(link: Link): Promise<void> {
  try {
    if (link.transport instanceof StreamableHTTPClientTransport) await link.transport.terminateSession();
  } catch (error) {
    link.log('terminate', error);
    // 400/404: the server no longer knows the session, so it has already ended and the logout is done.
    if (!(error instanceof StreamableHTTPError && (error.code === 400 || error.code === 404))) throw callError(link, error, 'ending the session');
  } finally {
    await link.close();
  }
}

function callError(link: Link, error: unknown, doing: string): Error {
  if (error instanceof McpConnectError || error instanceof ToolTimeoutError) return error;
  if (link.lostReason !== undefined || link.ended) return new McpConnectError(callFailureMessage(link.place, doing, { kind: 'closed' }), { cause: error });
  const failure = classify(error, link.sessionId() !== undefined);
  if (failure.kind === 'gone') return new McpSessionGoneError(link.place, failure.status, { cause: error });
  return new McpConnectError(callFailureMessage(link.place, doing, failure), { cause: error });
}

function serverInfo(version: { name: string; version: string } | undefined, protocolVersion: string | undefined): McpServerInfo | undefined {
  return version === undefined ? undefined : { name: version.name, version: version.version, protocolVersion };
}

function toTool(tool: { name: string; description?: string | undefined; inputSchema: object; annotations?: object | undefined }): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: { ...tool.inputSchema } as Record<string, unknown>,
    annotations: tool.annotations === undefined ? undefined : ({ ...tool.annotations } as Record<string, unknown>),
  };
}

function toToolContent(item: unknown): ToolContent {
  const source = isRecord(item) ? item : {};
  const content: ToolContent = { type: typeof source['type'] === 'string' ? source['type'] : 'unknown' };
  if (typeof source['text'] === 'string') content.text = source['text'];
  if (typeof source['mimeType'] === 'string') content.mimeType = source['mimeType'];
  if (typeof source['uri'] === 'string') content.uri = source['uri'];
  const resource = source['resource'];
  if (isRecord(resource)) {
    const { uri, mimeType, text } = resource;
    content.resource = {
      ...(typeof uri === 'string' ? { uri } : {}),
      ...(typeof mimeType === 'string' ? { mimeType } : {}),
      ...(typeof text === 'string' ? { text } : {}),
    };
  }
  return content;
}

function errorResult(text: string): ToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function formatSeconds(milliseconds: number): string {
  return String(Math.round(milliseconds / 100) / 10);
}
