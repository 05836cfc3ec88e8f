/**
 * One connection attempt's moving parts: the SDK's transport for the URL (legacy HTTP+SSE for a path ending in
 * /sse, else Streamable HTTP, resumed by a saved id), its client, and what they tell us on the way: the session id,
 * the negotiated protocol version, and the loss of the connection. An SSE stream that drops is closed and said, never
 * silently reopened into a new session (a new Kite login). mcp/session.ts connects it; mcp/live-session.ts uses it.
 */
import { debuglog } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UNCHECKED_OUTPUT } from './unchecked-output.js';
import { safeLine } from '../redact.js';
import { errorChainText, serverPlace } from './errors.js';
import type { OAuthLoginProvider } from './oauth.js';
import { isSchemaError } from './sdk-errors.js';

const CLIENT_INFO = { name: 'kite-chat', version: '0.1.0' };

const debug = debuglog('kite-chat');

export type TransportKind = 'sse' | 'streamable-http';

/** A path ending in /sse is the legacy HTTP+SSE transport (Kite's https://mcp.kite.trade/sse); any other, Streamable HTTP. */
export function transportKindOf(url: URL): TransportKind {
  return url.pathname.endsWith('/sse') ? 'sse' : 'streamable-http';
}

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface LinkOptions {
  url: URL;
  /** Resume this Streamable HTTP session instead of initializing a new one (ignored for /sse, which cannot resume). */
  sessionId?: string | undefined;
  fetch?: typeof fetch;
  authProvider?: OAuthLoginProvider | undefined;
}

export interface Link {
  readonly url: URL;
  /** The server as printed: origin and path. */
  readonly place: string;
  readonly transportKind: TransportKind;
  readonly transport: SSEClientTransport | StreamableHTTPClientTransport;
  readonly client: Client;
  /** The saved id being resumed (Streamable HTTP only). */
  readonly resumeId: string | undefined;
  readonly authProvider: OAuthLoginProvider | undefined;
  /** Mcp-Session-Id, or the SSE endpoint's sessionId once a POST has named it. */
  sessionId(): string | undefined;
  /** The protocol version the transport was handed after initialize. */
  protocolVersion(): string | undefined;
  /** Ended by us (close, a failed connect) or lost: calls now fail as "closed". */
  ended: boolean;
  lostReason: string | undefined;
  /** Set once connect has succeeded: from then on a transport error may mean the connection is lost. */
  connected: boolean;
  /** Over SSE a reply that is not JSON-RPC reaches only onerror; this ends the connect attempt with it. */
  abandonConnect: (error: unknown) => void;
  /** Told once when the connection is lost; a listener added after that is told at once (in a microtask). */
  onLost(listener: (reason: string) => void): void;
  /** Closes the client without ending the server session; errors are only logged. */
  close(): Promise<void>;
  /** A redacted line for NODE_DEBUG=kite-chat. */
  log(what: string, error: unknown): void;
}

export function openLink(options: LinkOptions): Link {
  const url = options.url;
  const transportKind = transportKindOf(url);
  const resumeId = transportKind === 'streamable-http' && options.sessionId !== '' ? options.sessionId : undefined;
  const seen = { sseSessionId: undefined as string | undefined, protocolVersion: undefined as string | undefined };
  const transport = createTransport(options, transportKind, resumeId, seen);
  const client = new Client(CLIENT_INFO, { jsonSchemaValidator: UNCHECKED_OUTPUT });
  const currentSessionId = () => (transport instanceof StreamableHTTPClientTransport ? transport.sessionId : seen.sseSessionId);
  const lostListeners: ((reason: string) => void)[] = [];
  const link: Link = {
    url, place: serverPlace(url), transportKind, transport, client, resumeId, authProvider: options.authProvider,
    sessionId: currentSessionId,
    protocolVersion: () => seen.protocolVersion,
    ended: false, lostReason: undefined, connected: false, abandonConnect: () => {},
    onLost(listener) {
      lostListeners.push(listener);
      const reason = link.lostReason;
      if (reason !== undefined) queueMicrotask(() => listener(reason));
    },
    async close() {
      link.ended = true;
      await client.close().catch((error: unknown) => link.log('close', error));
    },
    log: (what, error) => debug('%s: %s', what, safeLine(errorChainText(error), [currentSessionId() ?? ''])),
  };
  watchClient(link, lostListeners);
  return link;
}

/** The SDK's transport, with a fetch that notes the SSE session id and a hook that notes the protocol version. */
function createTransport(
  options: LinkOptions,
  transportKind: TransportKind,
  resumeId: string | undefined,
  seen: { sseSessionId: string | undefined; protocolVersion: string | undefined },
): SSEClientTransport | StreamableHTTPClientTransport {
  const baseFetch: Fetch = options.fetch ?? fetch;
  // The SSE transport keeps its endpoint private; its POSTs go to /message?sessionId=…, so read the id there.
  const observingFetch: Fetch = (input, init) => {
    if (init?.method === 'POST') seen.sseSessionId = new URL(input).searchParams.get('sessionId') ?? seen.sseSessionId;
    return baseFetch(input, init);
  };
  const transportOptions = {
    fetch: transportKind === 'sse' ? observingFetch : baseFetch,
    ...(options.authProvider === undefined ? {} : { authProvider: options.authProvider }),
  };
  const transport =
    transportKind === 'sse'
      ? new SSEClientTransport(options.url, transportOptions)
      : new StreamableHTTPClientTransport(options.url, { ...transportOptions, ...(resumeId === undefined ? {} : { sessionId: resumeId }) });
  // The negotiated version is handed to the transport after initialize; catch it on the way for McpSession.server.
  const setProtocolVersion = transport.setProtocolVersion.bind(transport);
  transport.setProtocolVersion = (version: string) => {
    seen.protocolVersion = version;
    setProtocolVersion(version);
  };
  return transport;
}

/** The client's error and close events: a broken connect attempt ends early; a lost connection is closed and said. */
function watchClient(link: Link, lostListeners: ((reason: string) => void)[]): void {
  const markLost = (reason: string) => {
    if (link.lostReason !== undefined || link.ended) return;
    link.lostReason = reason;
    link.ended = true;
    void link.client.close().catch((error: unknown) => link.log('close after loss', error));
    for (const listener of lostListeners) listener(reason);
  };
  link.client.onerror = (error) => {
    link.log(`${link.transportKind} transport error`, error);
    if (!link.connected && (isSchemaError(error) || error instanceof SyntaxError)) link.abandonConnect(error);
    // Streamable HTTP errors here are the optional GET stream's noise (SERVER.md §1: idle cut, "Session registration
    // failed"); request failures reach their caller. For SSE an EventSource error after connect means the stream
    // dropped, and the SDK would silently reconnect into a NEW session (a new Kite login): close and say so instead.
    if (link.transportKind === 'sse' && link.connected && error instanceof SseError) {
      markLost(`The connection to the Kite MCP server at ${link.place} dropped.`);
    }
  };
  link.client.onclose = () => {
    if (link.connected) markLost(`The connection to the Kite MCP server at ${link.place} closed.`);
  };
}
