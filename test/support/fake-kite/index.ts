/**
 * A faithful fake of Zerodha's hosted Kite MCP server (v0.3.1 as served today, kite/SERVER.md) on 127.0.0.1:
 * Streamable HTTP at /mcp, legacy SSE at /sse + /message, the login pages (the hosted `/authorize` interstitial, a
 * stand-in for Kite's login page) and the callback, the 22 tools of kite/tools.json answering with kite/mocks data. Built on the MCP SDK's own server classes behind a node:http layer that reproduces the Go
 * server's HTTP quirks. Tests get a request log, fault switches and login hooks; `npm run sandbox` runs it by hand.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { startLoggedServer } from '../logged-http-server.js';
import { createFaults, createHangRelease, type FakeKiteFaults } from './faults.js';
import { goError, type RequestFacts } from './http-replies.js';
import { authorizePage, callback, loginLink, loginPage, statusPage, type LoginForm } from './login-pages.js';
import { MOCKS } from './mock-data.js';
import { createSessionRegistry, createSessionSigner, DEFAULT_SESSION_LIFETIME_MS } from './sessions.js';
import { createSseEndpoint, DEFAULT_PING_INTERVAL_MS } from './sse.js';
import { createStreamableHttpEndpoint } from './streamable-http.js';
import { createToolRunner } from './tools.js';

export type { FakeKiteFaults } from './faults.js';
export type { LoginForm } from './login-pages.js';

/** The paths the MCP faults (`httpStatus`) apply to; the login pages keep working. */
const MCP_PATHS = new Set(['/mcp', '/sse', '/message']);

export interface FakeKiteOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The MCP session lifetime, 12 h by default (kc/session.go); after it, /mcp answers 404 `Session terminated`. */
  sessionLifetimeMs?: number;
  /** How often the SSE transport pings the client; 10 000 ms by default. */
  pingIntervalMs?: number;
  /** Extra or overriding last prices for get_ltp / get_quotes / get_ohlc, keyed `EXCH:SYMBOL`. */
  ltp?: Record<string, number>;
  /** Every new MCP session starts logged in, as if the browser login had already happened. */
  autoLogin?: boolean;
  /**
   * The `login` tool's link: `hosted` (the default, as mcp.kite.trade serves it today) is `<origin>/authorize?…`, an
   * interstitial that links on to `/connect/login`; `direct` is v0.3.1's `<origin>/connect/login?…` link.
   */
  loginForm?: LoginForm;
  /**
   * The clock of everything time-dependent: link signatures and their 35-minute validity, session lifetimes, the
   * request log. Date.now by default; tests that compare links or expire things pass their own.
   */
  now?: () => number;
}

export interface FakeKiteRequest {
  time: number;
  transport: 'sse' | 'streamable-http' | 'http';
  httpMethod: string;
  /** The URL path without its query. */
  path: string;
  /** Set once the status line is sent (a hung call has none). */
  status?: number;
  rpcMethod?: string;
  tool?: string;
  arguments?: Record<string, unknown>;
  sessionId?: string;
}

export interface FakeKite {
  readonly origin: string;
  readonly sseUrl: string;
  readonly mcpUrl: string;
  /** Every HTTP request and the JSON-RPC call it carried, in arrival order. */
  readonly requests: FakeKiteRequest[];
  /** Mutable switches, read on every request. */
  readonly faults: FakeKiteFaults;
  /** The signed link the login tool would give for this session now, in the fake's `loginForm`. */
  loginLinkFor(sessionId: string): string;
  /** What the browser callback does, for tests that skip the page; throws if the session is not live. */
  completeLogin(sessionId: string): void;
  isLoggedIn(sessionId: string): boolean;
  /** Kite's daily token expiry (all sessions when no id is given): tools answer `Failed to …` until a new login. */
  expireLogin(sessionId?: string): void;
  /** The lifetime ends now: /mcp answers 404 `Session terminated`; an SSE session's stream is closed. */
  expireSession(sessionId: string): void;
  /** Destroys every open socket, SSE streams included. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startFakeKite(options: FakeKiteOptions = {}): Promise<FakeKite> {
  const requests: FakeKiteRequest[] = [];
  const faults = createFaults();
  const hangs = createHangRelease();
  const now = options.now ?? Date.now;
  const registry = createSessionRegistry({ lifetimeMs: options.sessionLifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS, autoLogin: options.autoLogin === true, now });
  const signer = createSessionSigner({ now });
  let origin = '';
  const loginForm = options.loginForm ?? 'hosted';
  const loginLinkFor = (sessionId: string) => loginLink(loginForm, origin, signer.sign(sessionId));
  const runTool = createToolRunner({ registry, faults, hangs, ltp: options.ltp ?? {}, loginLinkFor, now });
  const streamable = createStreamableHttpEndpoint({ registry, runTool, faults });
  const sse = createSseEndpoint({ registry, runTool, faults, pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS });
  const pages = { registry, signer, origin: () => origin, userName: MOCKS.profile.user_name, userId: String(MOCKS.profile['user_id']) };

  async function route(request: IncomingMessage, response: ServerResponse, entry: FakeKiteRequest): Promise<void> {
    const annotate = (facts: RequestFacts) => void Object.assign(entry, facts);
    if (MCP_PATHS.has(entry.path) && faults.httpStatus !== undefined) {
      return goError(response, faults.httpStatus, STATUS_CODES[faults.httpStatus] ?? 'Injected failure');
    }
    switch (entry.path) {
      case '/mcp': return streamable.handle(request, response, annotate);
      case '/sse': return sse.stream(request, response, annotate);
      case '/message': return sse.message(request, response, annotate);
      case '/authorize': return authorizePage(request, response, pages);
      case '/connect/login': return loginPage(request, response, pages);
      case '/callback': return callback(request, response, pages);
      case '/': return statusPage(response);
      default: return goError(response, 404, 'Not Found'); // so /.well-known/* is 404 too: no OAuth in v0.3.1
    }
  }

  const http = await startLoggedServer({
    name: 'fake-kite',
    port: options.port ?? 0,
    log: requests,
    entry: (request, path): FakeKiteRequest => ({ time: now(), transport: transportOf(path), httpMethod: request.method ?? 'GET', path }),
    route,
  });
  origin = http.origin;

  return {
    origin,
    sseUrl: `${origin}/sse`,
    mcpUrl: `${origin}/mcp`,
    requests,
    faults,
    loginLinkFor,
    completeLogin(sessionId) {
      if (!registry.completeLogin(sessionId)) throw new Error(`fake-kite: no live MCP session ${sessionId} to log in`);
    },
    isLoggedIn: (sessionId) => registry.isLoggedIn(sessionId),
    expireLogin: (sessionId) => registry.expireLogin(sessionId),
    expireSession(sessionId) {
      if (!sse.end(sessionId)) registry.terminate(sessionId);
    },
    dropConnections: () => http.dropConnections(),
    async close() {
      await sse.endAll();
      http.dropConnections();
      hangs.releaseAll();
      await http.close();
    },
  };
}

function transportOf(path: string): FakeKiteRequest['transport'] {
  if (path === '/mcp') return 'streamable-http';
  if (path === '/sse' || path === '/message') return 'sse';
  return 'http';
}
