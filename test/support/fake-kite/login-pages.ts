/**
 * The browser side of the Kite login, on the fake's own origin: `GET /authorize` is today's hosted interstitial
 * (SERVER.md, the correction at the top: a risk disclaimer and a "Continue to Kite login" link), `GET /connect/login`
 * stands in for kite.zerodha.com's page (a form whose "Log in" button sends the browser to `/callback` the way Kite's
 * redirect does), and `GET /callback` is kc/manager.go's HandleKiteCallback with its exact error texts (SERVER.md §2).
 * Also the `GET /` status page. Signing and session state live in sessions.ts.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, goError, html } from './http-replies.js';
import type { SessionRegistry, SessionSigner } from './sessions.js';

/** The public api_key the hosted server uses; gokiteconnect's GetLoginURL adds `v=3`. */
export const KITE_API_KEY = 'kitemcp';

export interface LoginPagesContext {
  registry: SessionRegistry;
  signer: SessionSigner;
  /** The fake's origin, known once it listens: where the interstitial's link points. */
  origin: () => string;
  userName: string;
  userId: string;
}

/**
 * The two forms of the `login` tool's link: `hosted` is what mcp.kite.trade hands out today, its own `/authorize`
 * page with the signed id as `session_id`; `direct` is v0.3.1's link straight to Kite's login page.
 */
export type LoginForm = 'hosted' | 'direct';

export function loginLink(form: LoginForm, origin: string, signedSessionId: string): string {
  return form === 'hosted' ? authorizeLink(origin, signedSessionId) : kiteLoginLink(origin, signedSessionId);
}

/** The hosted server's interstitial: `<origin>/authorize?session_id=<id>%7C<ts>.<sig>` (Go's url.QueryEscape). */
export function authorizeLink(origin: string, signedSessionId: string): string {
  return `${origin}/authorize?session_id=${goQueryEscape(signedSessionId)}`;
}

/** kc/manager.go SessionLoginURL: Kite's login URL plus Go's url.QueryEscape("session_id=" + signed). */
export function kiteLoginLink(origin: string, signedSessionId: string): string {
  return `${origin}/connect/login?api_key=${KITE_API_KEY}&v=3&redirect_params=${goQueryEscape(`session_id=${signedSessionId}`)}`;
}

/** The signed `<id>|<unixSeconds>.<sig>` a link of either form carries (for tests that check where it went). */
export function signedSessionIdIn(link: string): string {
  const query = new URL(link).searchParams;
  return query.get('session_id') ?? new URLSearchParams(query.get('redirect_params') ?? '').get('session_id') ?? '';
}

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` is %XX-escaped, and a space becomes `+`. */
export function goQueryEscape(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const character = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-_.~]/.test(character)) return character;
      if (character === ' ') return '+';
      return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * kc/templates/authorize_interstitial.html: the disclaimer and a "Continue to Kite login" link to Kite's login page
 * (here the fake's own). A bad or expired signature gets a 400; its wording is ours, the real one was never captured.
 */
export function authorizePage(request: IncomingMessage, response: ServerResponse, context: LoginPagesContext): void {
  const signed = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('session_id') ?? '';
  if (signed === '' || context.signer.verify(signed) === undefined) {
    return goError(response, 400, 'Invalid or expired login link: start the login again from your MCP client.');
  }
  const next = kiteLoginLink(context.origin(), signed);
  html(response, 200, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Continue to Kite - Kite MCP Server (fake)</title></head>
<body>
  <main>
    <h1>Continue to Kite</h1>
    <p>You are about to sign in to your Zerodha account on Kite and authorize this MCP connection. This is the kite-chat fake server, not Zerodha.</p>
    <p><strong>Disclaimer</strong> AI systems are unpredictable and non-deterministic. By continuing, you agree to interact with your Zerodha account via AI at your own risk.</p>
    <p><a id="continue" href="${escapeHtml(next)}">Continue to Kite login</a></p>
  </main>
</body>
</html>
`);
}

export function loginPage(request: IncomingMessage, response: ServerResponse, context: LoginPagesContext): void {
  const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
  const signed = new URLSearchParams(query.get('redirect_params') ?? '').get('session_id') ?? '';
  if (query.get('api_key') !== KITE_API_KEY || signed === '') {
    return goError(response, 400, 'Invalid `api_key` or `redirect_params`.');
  }
  const hidden: [string, string][] = [
    ['status', 'success'],
    ['request_token', randomBytes(16).toString('hex')],
    ['session_id', signed],
    ['action', 'login'],
    ['type', 'login'],
  ];
  const inputs = hidden.map(([name, value]) => `      <input type="hidden" name="${name}" value="${escapeHtml(value)}">`).join('\n');
  html(response, 200, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login - Kite (fake)</title></head>
<body>
  <main>
    <h1>Kite by Zerodha</h1>
    <p>Test login for ${escapeHtml(context.userName)} (${escapeHtml(context.userId)}). This is the kite-chat fake server, not Zerodha.</p>
    <form id="login-form" method="GET" action="/callback">
${inputs}
      <button id="login" type="submit">Log in</button>
    </form>
  </main>
</body>
</html>
`);
}

export function callback(request: IncomingMessage, response: ServerResponse, context: LoginPagesContext): void {
  const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
  const requestToken = query.get('request_token') ?? '';
  const signed = query.get('session_id') ?? '';
  // A bad or expired signature gets the same 400 as a missing parameter.
  const sessionId = signed === '' || requestToken === '' ? undefined : context.signer.verify(signed);
  if (sessionId === undefined) return goError(response, 400, 'missing MCP session_id or Kite request_token');
  if (!context.registry.completeLogin(sessionId)) return goError(response, 500, 'error completing Kite session');
  html(response, 200, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login Successful</title></head>
<body>
  <main>
    <h1>Authentication Complete</h1>
    <p>Your login was successful. You can now return to your MCP client to continue your session. You can close this tab.</p>
  </main>
</body>
</html>
`);
}

export function statusPage(response: ServerResponse): void {
  html(response, 200, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kite MCP Server</title></head>
<body>
  <h1>Kite MCP Server</h1>
  <p>Version v0.3.1 (kite-chat test fake). Streamable HTTP at <code>/mcp</code>, legacy SSE at <code>/sse</code>.</p>
</body>
</html>
`);
}
