/**
 * The browser side of the Kite login, on the fake's own origin: `GET /connect/login` stands in for
 * kite.zerodha.com's page (a form whose "Log in" button sends the browser to `/callback` the way Kite's redirect
 * does), and `GET /callback` is kc/manager.go's HandleKiteCallback with its exact error texts (SERVER.md §2).
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
  userName: string;
  userId: string;
}

/** kc/manager.go SessionLoginURL: Kite's login URL plus Go's url.QueryEscape("session_id=" + signed). */
export function loginLink(origin: string, signedSessionId: string): string {
  return `${origin}/connect/login?api_key=${KITE_API_KEY}&v=3&redirect_params=${goQueryEscape(`session_id=${signedSessionId}`)}`;
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
