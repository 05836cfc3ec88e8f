/**
 * The module that talks to the MCP SDK's client (mcp/oauth.ts only adds the OAuth provider). It connects over legacy
 * HTTP+SSE or Streamable HTTP (fresh, resumed by a saved session id, or after a browser authorization), lists and
 * calls tools, and turns every SDK and network failure into our error vocabulary (mcp/errors.ts). Everything above it
 * sees McpSession. It never prints; details go to NODE_DEBUG=kite-chat, redacted.
 */
import { debuglog } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { UNCHECKED_OUTPUT } from './unchecked-output.js';
import { CliError, ConfigError, LoginRequiredError, McpConnectError } from '../errors.js';
import {
  AuthorizationRenewedError,
  authorizationFailureMessage,
  callFailureMessage,
  connectFailureMessage,
  errorChainText,
  failureFromHttpStatus,
  failureFromMessage,
  McpSessionGoneError,
  McpUnauthorizedError,
  redact,
  serverPlace,
  sessionGoneMessage,
  ToolTimeoutError,
  type Failure,
} from './errors.js';
import { describeAuthorizationError, type OAuthLoginProvider } from './oauth.js';

export { AuthorizationRenewedError, McpSessionGoneError, McpUnauthorizedError, ToolTimeoutError } from './errors.js';

/** The hosted server answers initialize in well under a second; a server silent for 30 s will not answer at all. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** The SDK's own default; Kite's slowest calls (historical data) finish well inside it (gokiteconnect: 7 s). */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
/** Kite sends one page; a server that keeps handing out cursors past this is looping, not paginating. */
const MAX_TOOL_PAGES = 50;
const CLIENT_INFO = { name: 'kite-chat', version: '0.1.0' };

const debug = debuglog('kite-chat');

export interface McpTool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown> | undefined;
}
export interface ToolContent {
  type: string;
  text?: string;
  mimeType?: string;
  uri?: string;
  resource?: { uri?: string; mimeType?: string; text?: string };
}
export interface ToolCallResult {
  isError: boolean;
  content: ToolContent[];
}
export type TransportKind = 'sse' | 'streamable-http';

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
  listTools(): Promise<McpTool[]>;
  callTool(name: string, args: Record<string, unknown>, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ToolCallResult>;
  /** The transport closed or failed for good (the SSE stream dropped). A gone session is not reported here: calls throw McpSessionGoneError. */
  onLost(listener: (reason: string) => void): void;
  /** Closes the transport WITHOUT ending the server session (no DELETE: that would revoke the Kite login). */
  close(): Promise<void>;
  /** Sends DELETE, which ends the server session and revokes the Kite login (logout only), then closes. */
  terminate(): Promise<void>;
}

export interface ConnectOptions {
  url: URL;
  /** Resume this Streamable HTTP session instead of initializing a new one (ignored for /sse, which cannot resume). */
  sessionId?: string | undefined;
  connectTimeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * Logs in to servers that answer 401 with OAuth metadata (mcp/oauth.ts). When the SDK sends the user to the
   * authorization page, connectMcp waits for the browser's code, trades it and connects again.
   */
  authProvider?: OAuthLoginProvider | undefined;
  /**
   * false: saved OAuth tokens are used (and refreshed), but a server that wants a new authorization is refused rather
   * than the user sent to a browser (`kite-chat doctor`). Default true.
   */
  allowAuthorization?: boolean;
}

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;
type FinishAuth = (code: string) => Promise<void>;

/** A connect attempt that sent the user to authorize; connectMcp waits for the code. A second one is a failure. */
class AuthorizationStarted extends LoginRequiredError {
  readonly finishAuth: FinishAuth;
  constructor(place: string, finishAuth: FinishAuth) {
    super(`The MCP server at ${place} asked for another authorization right after one was given; run kite-chat login again.`);
    this.finishAuth = finishAuth;
  }
}

/** A connected session; with an authProvider, after the browser authorization it took (at most one per connect). */
export async function connectMcp(options: ConnectOptions): Promise<McpSession> {
  const { authProvider } = options;
  const connect = async () => {
    try {
      return await connectOnce(options).catch(async (error: unknown) => {
        if (!(error instanceof AuthorizationStarted)) throw error;
        await authorize(error.finishAuth, options);
        return connectOnce(options);
      });
    } finally {
      await authProvider?.closeListener(); // open only while a login is in progress
    }
  };
  return authProvider === undefined || options.allowAuthorization === false ? connect() : authProvider.withAuthorizationAllowed(connect);
}

/** Waits for the code the browser brings back, then lets the SDK trade it for tokens (the provider saves them). */
async function authorize(finishAuth: FinishAuth, options: ConnectOptions, signal?: AbortSignal): Promise<void> {
  const code = await (options.authProvider as OAuthLoginProvider).waitForAuthorizationCode(signal);
  await finishAuth(code).catch((error: unknown) => {
    debug('finishing the authorization failed: %s', redact(errorChainText(error)));
    if (error instanceof CliError) throw error;
    throw new LoginRequiredError(authorizationFailureMessage(serverPlace(options.url), describeAuthorizationError(error)), { cause: error });
  });
}

async function connectOnce(options: ConnectOptions): Promise<McpSession> {
  const url = options.url;
  // fetch refuses such URLs anyway; say why instead of failing obscurely (config/resolve.ts checks this too).
  if (url.username !== '' || url.password !== '') throw new ConfigError('The MCP server URL must not contain a user name or password.');
  const transportKind: TransportKind = url.pathname.endsWith('/sse') ? 'sse' : 'streamable-http';
  const place = serverPlace(url);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const resumeId = transportKind === 'streamable-http' && options.sessionId !== '' ? options.sessionId : undefined;
  const { authProvider } = options;
  const authorizationsBefore = authProvider?.authorizationAttempts ?? 0;
  let sseSessionId: string | undefined;

  const baseFetch: Fetch = options.fetch ?? fetch;
  // The SSE transport keeps its endpoint private; its POSTs go to /message?sessionId=…, so read the id there.
  const observingFetch: Fetch = (input, init) => {
    if (init?.method === 'POST') sseSessionId = new URL(input).searchParams.get('sessionId') ?? sseSessionId;
    return baseFetch(input, init);
  };
  const transportOptions = {
    fetch: transportKind === 'sse' ? observingFetch : baseFetch,
    ...(authProvider === undefined ? {} : { authProvider }),
  };
  const transport =
    transportKind === 'sse'
      ? new SSEClientTransport(url, transportOptions)
      : new StreamableHTTPClientTransport(url, { ...transportOptions, ...(resumeId === undefined ? {} : { sessionId: resumeId }) });
  const client = new Client(CLIENT_INFO, { jsonSchemaValidator: UNCHECKED_OUTPUT });
  // The negotiated version is handed to the transport after initialize; catch it on the way for McpSession.server.
  let protocolVersion: string | undefined;
  const setProtocolVersion = transport.setProtocolVersion.bind(transport);
  transport.setProtocolVersion = (version: string) => {
    protocolVersion = version;
    setProtocolVersion(version);
  };
  const currentSessionId = () => (transport instanceof StreamableHTTPClientTransport ? transport.sessionId : sseSessionId);
  const hasSession = () => currentSessionId() !== undefined;
  const log = (what: string, error: unknown) => debug('%s: %s', what, redact(errorChainText(error), currentSessionId()));

  let connected = false;
  /** Ends a connect attempt early: over SSE a reply that is not JSON-RPC only reaches onerror, not the request. */
  let abandonConnect: (error: unknown) => void = () => {};
  let closing = false;
  let lostReason: string | undefined;
  const lostListeners: ((reason: string) => void)[] = [];

  function markLost(reason: string): void {
    if (lostReason !== undefined || closing) return;
    lostReason = reason;
    closing = true;
    void client.close().catch((error: unknown) => log('close after loss', error));
    for (const listener of lostListeners) listener(reason);
  }

  client.onerror = (error) => {
    log(`${transportKind} transport error`, error);
    if (!connected && (isSchemaError(error) || error instanceof SyntaxError)) abandonConnect(error);
    // Streamable HTTP errors here are the optional GET stream's noise (SERVER.md §1: idle cut, "Session registration
    // failed"); request failures reach their caller. For SSE an EventSource error after connect means the stream
    // dropped, and the SDK would silently reconnect into a NEW session (a new Kite login): close and say so instead.
    if (transportKind === 'sse' && connected && error instanceof SseError) {
      markLost(`The connection to the Kite MCP server at ${place} dropped.`);
    }
  };
  client.onclose = () => {
    if (connected) markLost(`The connection to the Kite MCP server at ${place} closed.`);
  };

  let toolList: Promise<McpTool[]> | undefined;
  async function fetchTools(requestTimeoutMs: number): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
      const result = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: requestTimeoutMs });
      for (const tool of result.tools) tools.push(toMcpTool(tool));
      cursor = result.nextCursor;
      if (cursor === undefined) return tools;
    }
    throw new McpConnectError(`The MCP server at ${place} kept paginating its tool list past ${MAX_TOOL_PAGES} pages: check --url / KITE_MCP_URL.`);
  }

  async function open(): Promise<void> {
    await client.connect(transport, { timeout: timeoutMs });
    // A resumed id is only checked by the first real request: list the tools now, so a session the server has
    // forgotten surfaces here as McpSessionGoneError instead of in the middle of the first question.
    if (resumeId !== undefined) toolList = fetchTools(timeoutMs);
    await toolList;
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      open(),
      new Promise<never>((_, reject) => {
        abandonConnect = reject;
        timer = setTimeout(() => reject(new McpConnectError(connectFailureMessage(place, { kind: 'timeout', seconds: timeoutMs / 1000 }))), timeoutMs);
      }),
    ]);
  } catch (error) {
    log('connect failed', error);
    closing = true;
    await client.close().catch(() => {}); // also stops the SSE EventSource from retrying in the background
    if (error instanceof CliError) throw error; // ours already: a timeout, or a login the provider refused
    // The SDK sent the user to the authorization page (mcp/oauth.ts showed the link) and gave up on this attempt.
    if (error instanceof UnauthorizedError && authProvider?.authorizationPending === true) {
      throw new AuthorizationStarted(place, (code) => transport.finishAuth(code));
    }
    if (authProvider !== undefined && authProvider.authorizationAttempts > authorizationsBefore && isAuthorizationError(error)) {
      throw new McpConnectError(authorizationFailureMessage(place, describeAuthorizationError(error)), { cause: error });
    }
    const failure = classify(error, resumeId !== undefined);
    if (failure.kind === 'gone') throw new McpSessionGoneError(failure.status, sessionGoneMessage(place, failure.status), { cause: error });
    if (failure.kind === 'unauthorized') throw new McpUnauthorizedError(connectFailureMessage(place, failure), { cause: error });
    throw new McpConnectError(connectFailureMessage(place, failure), { cause: error });
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  debug('connected to %s over %s (%s)', place, transportKind, resumeId === undefined ? 'new session' : 'resumed');

  async function close(): Promise<void> {
    closing = true;
    await client.close().catch((error: unknown) => log('close', error));
  }

  return {
    url,
    transportKind,
    get sessionId() {
      return currentSessionId();
    },
    resumed: resumeId !== undefined,
    server: serverInfo(client.getServerVersion(), protocolVersion),

    listTools() {
      const list = toolList ?? fetchTools(timeoutMs);
      toolList = list;
      list.catch(() => {
        if (toolList === list) toolList = undefined; // a failed listing may be retried
      });
      return list.then(
        (tools) => tools,
        (error: unknown) => {
          throw callError(error, 'listing the tools');
        },
      );
    },

    async callTool(name, args, callOptions = {}) {
      const { signal } = callOptions;
      const toolTimeoutMs = callOptions.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
      signal?.throwIfAborted();
      try {
        const call = () => client.callTool({ name, arguments: args }, undefined, { timeout: toolTimeoutMs, ...(signal === undefined ? {} : { signal }) });
        const result = await (authProvider === undefined ? call() : authProvider.withAuthorizationAllowed(call));
        const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
        return { isError: result.isError === true, content: content.map(toToolContent) };
      } catch (error) {
        signal?.throwIfAborted(); // the SDK wraps the abort reason in an McpError; the caller wants the abort itself
        log(`callTool ${name}`, error);
        // The token ran out or was revoked mid-session and the user was sent to authorize again (mcp/oauth.ts). The call
        // was refused before it ran; it is not repeated here (it may be an order): the caller decides.
        if (error instanceof UnauthorizedError && authProvider?.authorizationPending === true) {
          try {
            await authorize((code) => transport.finishAuth(code), options, signal);
          } finally {
            await authProvider.closeListener();
          }
          throw new AuthorizationRenewedError(name);
        }
        if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
          throw new ToolTimeoutError(`${name} did not answer within ${formatSeconds(toolTimeoutMs)} s.`, { cause: error });
        }
        if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
          return errorResult(error.message); // a JSON-RPC error: unknown tool, bad arguments
        }
        if (isSchemaError(error)) {
          return errorResult(`The server's reply to ${name} was not a valid MCP tool result, so its outcome is unknown.`);
        }
        throw callError(error, `running ${name}`);
      }
    },

    onLost(listener) {
      lostListeners.push(listener);
      if (lostReason !== undefined) {
        const reason = lostReason;
        queueMicrotask(() => listener(reason));
      }
    },

    close,

    async terminate() {
      try {
        if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
      } catch (error) {
        log('terminate', error);
        // 400/404: the server no longer knows the session, so it has already ended and the logout is done.
        if (!(error instanceof StreamableHTTPError && (error.code === 400 || error.code === 404))) throw callError(error, 'ending the session');
      } finally {
        await close();
      }
    },
  };

  function callError(error: unknown, doing: string): Error {
    if (error instanceof McpConnectError || error instanceof ToolTimeoutError) return error;
    if (lostReason !== undefined || closing) return new McpConnectError(callFailureMessage(place, doing, { kind: 'closed' }), { cause: error });
    const failure = classify(error, hasSession());
    if (failure.kind === 'gone') return new McpSessionGoneError(failure.status, sessionGoneMessage(place, failure.status), { cause: error });
    return new McpConnectError(callFailureMessage(place, doing, failure), { cause: error });
  }
}

function serverInfo(version: { name: string; version: string } | undefined, protocolVersion: string | undefined): McpServerInfo | undefined {
  return version === undefined ? undefined : { name: version.name, version: version.version, protocolVersion };
}

/** Maps whatever the SDK or fetch threw to one of the failures mcp/errors.ts knows how to word. */
function classify(error: unknown, hadSession: boolean): Failure {
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
function isAuthorizationError(error: unknown): boolean {
  return !(error instanceof StreamableHTTPError || error instanceof SseError || error instanceof McpError || error instanceof UnauthorizedError);
}

function isSchemaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ZodError';
}

function toMcpTool(tool: { name: string; description?: string | undefined; inputSchema: object; annotations?: object | undefined }): McpTool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: { ...tool.inputSchema } as Record<string, unknown>,
    annotations: tool.annotations === undefined ? undefined : ({ ...tool.annotations } as Record<string, unknown>),
  };
}

function toToolContent(item: unknown): ToolContent {
  const source = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const content: ToolContent = { type: typeof source.type === 'string' ? source.type : 'unknown' };
  if (typeof source.text === 'string') content.text = source.text;
  if (typeof source.mimeType === 'string') content.mimeType = source.mimeType;
  if (typeof source.uri === 'string') content.uri = source.uri;
  const resource = source.resource;
  if (typeof resource === 'object' && resource !== null) {
    const { uri, mimeType, text } = resource as Record<string, unknown>;
    content.resource = {
      ...(typeof uri === 'string' ? { uri } : {}),
      ...(typeof mimeType === 'string' ? { mimeType } : {}),
      ...(typeof text === 'string' ? { text } : {}),
    };
  }
  return content;
}

function errorResult(text: string): ToolCallResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function formatSeconds(milliseconds: number): string {
  return String(Math.round(milliseconds / 100) / 10);
}
