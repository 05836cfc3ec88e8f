/**
 * The OAuth 2.1 side of Kite's next server (SERVER.md §6; `oauth/jwt.go`, `oauth/handlers_jwt.go`): RFC 9728 and
 * RFC 8414 metadata, RFC 7591 registration (10 per hour), `/authorize` with PKCE S256 rendering the "Continue to Kite"
 * interstitial, `/callback` redirecting to the client with `code` and `state`, `/token` (form) and the bearer check
 * for /mcp. Tokens are opaque random strings rather than HS256 JWTs: a client never reads them. Optionally issues
 * refresh tokens (the real server does not), so the client's refresh path can be tested.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, goError, html, readBody } from '../fake-kite/http-replies.js';

/** OAUTH_TOKEN_TTL's default. */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** AuthCodeTTL's default. */
const CODE_TTL_MS = 10 * 60 * 1000;
/** registerRateLimiter: 10 per IP per hour (one IP here: the test machine). */
export const DEFAULT_REGISTRATION_LIMIT = 10;

export interface AuthorizationServerOptions {
  tokenTtlSeconds: number;
  issueRefreshTokens: boolean;
  registrationLimit: number;
  /** Advertised instead of `<issuer>/authorize`: a compromised server pointing the browser elsewhere. */
  authorizationEndpoint: string | undefined;
  /** The clock of code and token expiry and of registration times. */
  now: () => number;
}

export interface OAuthCounters {
  registrations: number;
  /** Valid GET /authorize requests (the interstitial was shown). */
  authorizations: number;
  /** Every POST /token, answered or refused. */
  tokenRequests: number;
  /** Access tokens issued for a refresh token. */
  refreshes: number;
}

/** What came in the Authorization header: nothing, a token this server never issued (or revoked), or an old one. */
export type BearerCheck = { ok: true; token: string } | { ok: false; kind: 'none' | 'invalid' | 'expired'; reason: string };

type Grant = { clientId: string; redirectUri: string; codeChallenge: string; state: string };

export interface AuthorizationServer {
  readonly counters: OAuthCounters;
  /** The bodies POSTed to /register, as sent. */
  readonly registrationRequests: unknown[];
  /** The query of every valid /authorize request. */
  readonly authorizeRequests: URLSearchParams[];
  /** Answers the OAuth paths; false for any other path. */
  handle(path: string, request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  checkBearer(request: IncomingMessage): BearerCheck;
  revokeToken(token: string): void;
  expireTokens(): void;
  revokeTokens(): void;
}

export function createAuthorizationServer(issuer: () => string, options: AuthorizationServerOptions): AuthorizationServer {
  const counters: OAuthCounters = { registrations: 0, authorizations: 0, tokenRequests: 0, refreshes: 0 };
  const registrationRequests: unknown[] = [];
  const authorizeRequests: URLSearchParams[] = [];
  const clients = new Map<string, string[]>();
  const pending = new Map<string, Grant>();
  const codes = new Map<string, Grant & { expiresAt: number }>();
  const accessTokens = new Map<string, { expiresAt: number }>();
  const refreshTokens = new Map<string, { clientId: string }>();

  function metadata(): Record<string, unknown> {
    return {
      issuer: issuer(),
      authorization_endpoint: options.authorizationEndpoint ?? `${issuer()}/authorize`,
      token_endpoint: `${issuer()}/token`,
      registration_endpoint: `${issuer()}/register`,
      response_types_supported: ['code'],
      grant_types_supported: options.issueRefreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
    };
  }

  async function register(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return goError(response, 405, 'method not allowed');
    if (counters.registrations >= options.registrationLimit) {
      return json(response, 429, { error: 'rate_limit_exceeded', error_description: 'Too many registration requests. Try again later.' });
    }
    let body: { redirect_uris?: unknown; client_name?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return json(response, 400, { error: 'invalid_client_metadata', error_description: 'Invalid request body.' });
    }
    registrationRequests.push(body);
    const redirectUris = Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [];
    if (redirectUris.length === 0) return json(response, 400, { error: 'invalid_client_metadata', error_description: 'redirect_uris is required' });
    if (!redirectUris.every(isAllowedRedirect)) {
      return json(response, 400, { error: 'invalid_redirect_uri', error_description: 'The redirect URI is not allowed for this MCP server.' });
    }
    counters.registrations += 1;
    const clientId = randomBytes(16).toString('hex');
    clients.set(clientId, redirectUris);
    json(response, 201, {
      client_id: clientId,
      client_id_issued_at: Math.floor(options.now() / 1000),
      redirect_uris: redirectUris,
      client_name: typeof body.client_name === 'string' ? body.client_name : '',
      grant_types: options.issueRefreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
  }

  function authorize(request: IncomingMessage, response: ServerResponse): void {
    const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    const codeChallenge = query.get('code_challenge') ?? '';
    // ParseAuthorizeRequest, then ValidateRedirectURI; every refusal is the same bare 400.
    if (clientId === '' || redirectUri === '' || codeChallenge === '' || query.get('code_challenge_method') !== 'S256' || !isAllowedRedirect(redirectUri)) {
      return goError(response, 400, 'invalid request');
    }
    if (!clients.has(clientId)) clients.set(clientId, [redirectUri]); // GetOrCreateClient: unknown ids are auto-registered
    counters.authorizations += 1;
    authorizeRequests.push(query);
    const flow = randomBytes(16).toString('hex');
    pending.set(flow, { clientId, redirectUri, codeChallenge, state: query.get('state') ?? '' });
    // The real link leads to kite.zerodha.com's login, which redirects to /callback; the fake goes there directly.
    const next = `/callback?status=success&request_token=${randomBytes(8).toString('hex')}&session_id=${flow}&action=login&type=login`;
    html(response, 200, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorize - Kite MCP (fake)</title></head>
<body>
  <main>
    <h1>Kite MCP</h1>
    <p>An application wants to use your Zerodha account through Kite MCP. This is the kite-chat fake server, not Zerodha.</p>
    <p><a id="continue-to-kite" href="${escapeHtml(next)}">Continue to Kite</a></p>
  </main>
</body>
</html>
`);
  }

  function callback(request: IncomingMessage, response: ServerResponse): void {
    const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
    const flow = query.get('session_id') ?? '';
    const grant = pending.get(flow);
    if (grant === undefined || (query.get('request_token') ?? '') === '') return goError(response, 400, 'authorization failed');
    pending.delete(flow);
    const code = randomBytes(32).toString('hex');
    codes.set(code, { ...grant, expiresAt: options.now() + CODE_TTL_MS });
    const target = new URL(grant.redirectUri); // BuildRedirectWithCode
    target.searchParams.set('code', code);
    if (grant.state !== '') target.searchParams.set('state', grant.state);
    response.writeHead(302, { Location: target.href }).end();
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return goError(response, 405, 'method not allowed');
    counters.tokenRequests += 1;
    const form = new URLSearchParams(await readBody(request));
    const invalidRequest = () => json(response, 400, { error: 'invalid_request', error_description: 'The token request is invalid.' });
    const invalidGrant = () => json(response, 400, { error: 'invalid_grant', error_description: 'The authorization grant is invalid or expired.' });
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token' && options.issueRefreshTokens) {
      const old = refreshTokens.get(form.get('refresh_token') ?? '');
      if (old === undefined || old.clientId !== form.get('client_id')) return invalidGrant();
      refreshTokens.delete(form.get('refresh_token') ?? ''); // rotated, as OAuth 2.1 asks of public clients
      counters.refreshes += 1;
      return json(response, 200, issueTokens(old.clientId));
    }
    const code = form.get('code') ?? '';
    const verifier = form.get('code_verifier') ?? '';
    if (grantType !== 'authorization_code' || code === '' || verifier === '') return invalidRequest();
    const grant = codes.get(code);
    codes.delete(code); // one-time use, even when the exchange fails
    if (grant === undefined || grant.expiresAt < options.now()) return invalidGrant();
    if (grant.clientId !== form.get('client_id') || grant.redirectUri !== form.get('redirect_uri')) return invalidGrant();
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) return invalidGrant();
    json(response, 200, issueTokens(grant.clientId));
  }

  function issueTokens(clientId: string): Record<string, unknown> {
    const accessToken = randomBytes(32).toString('hex');
    accessTokens.set(accessToken, { expiresAt: options.now() + options.tokenTtlSeconds * 1000 });
    const reply: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: options.tokenTtlSeconds, scope: 'default' };
    if (options.issueRefreshTokens) {
      const refreshToken = randomBytes(32).toString('hex');
      refreshTokens.set(refreshToken, { clientId });
      reply['refresh_token'] = refreshToken;
    }
    return reply;
  }

  return {
    counters,
    registrationRequests,
    authorizeRequests,
    async handle(path, request, response) {
      switch (path) {
        case '/.well-known/oauth-protected-resource':
          json(response, 200, { resource: `${issuer()}/mcp`, authorization_servers: [issuer()], scopes_supported: ['default'], bearer_methods_supported: ['header'] });
          return true;
        case '/.well-known/oauth-authorization-server':
          json(response, 200, metadata());
          return true;
        case '/register': await register(request, response); return true;
        case '/authorize': authorize(request, response); return true;
        case '/callback': callback(request, response); return true;
        case '/token': await token(request, response); return true;
        default: return false;
      }
    },
    checkBearer(request) {
      const header = request.headers.authorization ?? '';
      if (!/^Bearer /i.test(header)) return { ok: false, kind: 'none', reason: 'no bearer token' };
      const value = header.slice('Bearer '.length).trim();
      const entry = accessTokens.get(value);
      if (entry === undefined) return { ok: false, kind: 'invalid', reason: 'invalid token' };
      if (entry.expiresAt <= options.now()) return { ok: false, kind: 'expired', reason: 'token expired' };
      return { ok: true, token: value };
    },
    revokeToken: (value) => void accessTokens.delete(value),
    expireTokens() {
      for (const entry of accessTokens.values()) entry.expiresAt = options.now() - 1;
    },
    revokeTokens() {
      accessTokens.clear();
      refreshTokens.clear();
    },
  };
}

/** ALLOWED_REDIRECT_PATTERNS' default `localhost`: http(s) on localhost or 127.0.0.1, any port. */
function isAllowedRedirect(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

/** Go's WriteJSON: json.Encoder output, so a trailing newline. */
function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}
