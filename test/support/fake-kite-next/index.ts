/**
 * A fake of Kite's next MCP server (SERVER.md §6, the unreleased go-sdk rewrite) on 127.0.0.1: OAuth 2.1 with
 * discovery, dynamic registration, PKCE and the "Continue to Kite" interstitial (authorization-server.ts), and
 * Streamable HTTP at /mcp behind a bearer check serving the seven mode tools with kite/mocks data. No /sse, no
 * `login` tool. Tests get a request log, counters, registration and authorize records, and token expiry/revocation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { goError, type RequestFacts } from '../fake-kite/http-replies.js';
import { startLoggedServer } from '../logged-http-server.js';
import {
  createAuthorizationServer,
  DEFAULT_REGISTRATION_LIMIT,
  DEFAULT_TOKEN_TTL_SECONDS,
  type AuthorizationServer,
  type OAuthCounters,
} from './authorization-server.js';
import { createMcpEndpoint, type BearerKind } from './mcp-endpoint.js';
import { createModeToolRunner } from './tools.js';

export interface FakeKiteNextOptions {
  /** OAUTH_TOKEN_TTL in seconds; 24 h by default. */
  tokenTtlSeconds?: number;
  /** Issue (and accept) refresh tokens. The real server issues none; this is for testing a client's refresh path. */
  refreshTokens?: boolean;
  /** Registrations allowed before /register answers 429; 10 by default, as the server's hourly limit. */
  registrationLimit?: number;
  /** Advertise this authorization endpoint instead of the fake's own (a compromised server, for link checks). */
  authorizationEndpoint?: string;
  /** The clock of code and token expiry and of the request log; Date.now by default. */
  now?: () => number;
}

export interface FakeKiteNextRequest {
  time: number;
  httpMethod: string;
  /** The URL path without its query. */
  path: string;
  status?: number;
  /** /mcp only: the Authorization header held no token, a valid one, one it does not know, or an expired one. */
  bearer?: BearerKind;
  rpcMethod?: string;
  tool?: string;
  arguments?: Record<string, unknown>;
  sessionId?: string;
}

export interface FakeKiteNext {
  readonly origin: string;
  readonly mcpUrl: string;
  readonly requests: FakeKiteNextRequest[];
  readonly counters: Readonly<OAuthCounters>;
  /** The JSON bodies POSTed to /register. */
  readonly registrationRequests: readonly unknown[];
  /** The query of every valid /authorize request, in order. */
  readonly authorizeRequests: readonly URLSearchParams[];
  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireTokens(): void;
  /** Every access and refresh token stops working, as after a logout or a server restart. */
  revokeTokens(): void;
  close(): Promise<void>;
}

export async function startFakeKiteNext(options: FakeKiteNextOptions = {}): Promise<FakeKiteNext> {
  const requests: FakeKiteNextRequest[] = [];
  const now = options.now ?? Date.now;
  let origin = '';
  const issuer = () => origin; // OAUTH_ISSUER: the server's own origin
  const oauth: AuthorizationServer = createAuthorizationServer(issuer, {
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    issueRefreshTokens: options.refreshTokens === true,
    registrationLimit: options.registrationLimit ?? DEFAULT_REGISTRATION_LIMIT,
    authorizationEndpoint: options.authorizationEndpoint,
    now,
  });
  const mcp = createMcpEndpoint({ issuer, oauth, runTool: createModeToolRunner() });

  async function route(request: IncomingMessage, response: ServerResponse, entry: FakeKiteNextRequest): Promise<void> {
    if (entry.path === '/mcp') return mcp.handle(request, response, (facts: RequestFacts & { bearer?: BearerKind }) => void Object.assign(entry, facts));
    if (await oauth.handle(entry.path, request, response)) return;
    goError(response, 404, '404 page not found'); // Go's http.NotFound: /sse is gone, and so is everything else
  }

  const http = await startLoggedServer({
    name: 'fake-kite-next',
    log: requests,
    entry: (request, path): FakeKiteNextRequest => ({ time: now(), httpMethod: request.method ?? 'GET', path }),
    route,
  });
  origin = http.origin;

  return {
    origin,
    mcpUrl: `${origin}/mcp`,
    requests,
    counters: oauth.counters,
    registrationRequests: oauth.registrationRequests,
    authorizeRequests: oauth.authorizeRequests,
    expireTokens: () => oauth.expireTokens(),
    revokeTokens: () => oauth.revokeTokens(),
    async close() {
      await mcp.close();
      http.dropConnections();
      await http.close();
    },
  };
}
