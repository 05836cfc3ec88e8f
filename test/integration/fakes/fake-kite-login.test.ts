// The fake's Kite login (SERVER.md §2 and the correction at its top): the session registry's clock and the signed
// session_id of the link in both forms, the hosted interstitial, the login page's form, the callback with its exact
// error texts, and the test BROWSER (browser-follow.mjs) that continues and clicks "Log in" the way a user does.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { goQueryEscape, signedSessionIdIn } from '../../support/fake-kite/login-pages.js';
import { expect, test } from '../../support/fixtures.js';
import { createSessionRegistry, createSessionSigner } from '../../support/fake-kite/sessions.js';
import { BROWSER_FOLLOW, temporaryFolder } from '../../support/run-cli.js';

const run = promisify(execFile);
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };

async function newSession(kite: FakeKite): Promise<string> {
  const response = await fetch(kite.mcpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(INITIALIZE) });
  await response.text();
  return response.headers.get('mcp-session-id') ?? '';
}

const signedValue = signedSessionIdIn;

function hiddenInputs(page: string): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) inputs[name ?? ''] = value ?? '';
  return inputs;
}

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const plain = (status: number, body: string) => ({ status, type: 'text/plain; charset=utf-8', body: `${body}\n` });

test('a session id is valid for its lifetime, then answers terminated, then unknown once the 30-minute cleanup has run', () => {
  let now = 0;
  const registry = createSessionRegistry({ lifetimeMs: 12 * 60 * 60 * 1000, autoLogin: false, now: () => now });
  const sessionId = registry.generate();
  expect(sessionId).toMatch(/^kitemcp-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(registry.validate(sessionId)).toBe('valid');
  expect(registry.validate(sessionId.toUpperCase())).toBe('invalid');
  expect(registry.validate(undefined)).toBe('invalid');
  now = 12 * 60 * 60 * 1000 - 1;
  expect(registry.validate(sessionId)).toBe('valid');
  now += 1;
  expect(registry.validate(sessionId)).toBe('terminated');
  expect(registry.isLive(sessionId)).toBe(false);
  now += 30 * 60 * 1000;
  expect(registry.validate(sessionId)).toBe('invalid');
});

test('the signed session id is "<id>|<unix seconds>.<padded base64url HMAC-SHA256>", good for 35 minutes', () => {
  const key = Buffer.alloc(32, 7);
  let now = Date.UTC(2025, 7, 6, 9, 15, 0);
  const signer = createSessionSigner({ key, now: () => now });
  const signed = signer.sign('kitemcp-11111111-2222-4333-8444-555555555555');
  const payload = `kitemcp-11111111-2222-4333-8444-555555555555|${now / 1000}`;
  const mac = createHmac('sha256', key).update(payload).digest('base64').replaceAll('+', '-').replaceAll('/', '_');
  expect(signed).toBe(`${payload}.${mac}`);
  expect(mac).toMatch(/=$/);

  now += 35 * 60 * 1000;
  expect(signer.verify(signed)).toBe('kitemcp-11111111-2222-4333-8444-555555555555');
  now += 1000;
  expect(signer.verify(signed)).toBeUndefined();
  expect(signer.verify(signed.replace('kitemcp-1', 'kitemcp-9'))).toBeUndefined();
  expect(createSessionSigner({ now: () => now }).verify(signed)).toBeUndefined();
});

test('the link escapes its redirect_params as Go url.QueryEscape does', () => {
  expect(goQueryEscape('session_id=kitemcp-a1|1754450100.Ab-_c9=')).toBe('session_id%3Dkitemcp-a1%7C1754450100.Ab-_c9%3D');
  expect(goQueryEscape('a b/c~é')).toBe('a+b%2Fc~%C3%A9');
});

test('the hosted link is an interstitial with the risk disclaimer and a Continue to Kite login link to the login page', async ({ startKite }) => {
  const kite = await startKite();
  const sessionId = await newSession(kite);
  const link = kite.loginLinkFor(sessionId);
  expect(link).toMatch(new RegExp(`^${kite.origin}/authorize\\?session_id=${sessionId}%7C\\d+\\.[A-Za-z0-9_-]+%3D$`));
  const page = await get(link);
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  expect(page.body).toContain('<h1>Continue to Kite</h1>');
  expect(page.body).toContain('AI systems are unpredictable and non-deterministic. By continuing, you agree to interact with your Zerodha account via AI at your own risk.');
  const onward = /<a id="continue" href="([^"]+)">Continue to Kite login<\/a>/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  expect(onward).toBe(`${kite.origin}/connect/login?api_key=kitemcp&v=3&redirect_params=${goQueryEscape(`session_id=${signedValue(link)}`)}`);
  expect(kite.isLoggedIn(sessionId)).toBe(false);
});

test('the interstitial answers 400 for a missing, tampered or expired session_id', async ({ startKite }) => {
  let now = Date.UTC(2026, 6, 24, 9, 15, 0);
  const kite = await startKite({ now: () => now });
  const link = kite.loginLinkFor(await newSession(kite));
  const invalid = plain(400, 'Invalid or expired login link: start the login again from your MCP client.');
  expect(await get(`${kite.origin}/authorize`)).toEqual(invalid);
  const tampered = link.replace(/(.)%3D$/, (_, last: string) => `${last === 'A' ? 'B' : 'A'}%3D`);
  expect(tampered).not.toBe(link);
  expect(await get(tampered)).toEqual(invalid);
  now += 35 * 60 * 1000;
  expect((await get(link)).status).toBe(200);
  now += 1000;
  expect(await get(link)).toEqual(invalid);
});

test('the login page is a GET form to /callback with the hidden redirect fields and a Log in button', async ({ startKite }) => {
  const kite = await startKite({ loginForm: 'direct' });
  const sessionId = await newSession(kite);
  const link = kite.loginLinkFor(sessionId);
  const page = await get(link);
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  expect(page.body).toMatch(/<form [^>]*method="GET"[^>]*action="\/callback"/);
  expect(page.body).toContain('<button id="login" type="submit">Log in</button>');
  const inputs = hiddenInputs(page.body);
  expect(inputs).toEqual({ status: 'success', request_token: expect.stringMatching(/^[0-9a-f]{32}$/), session_id: signedValue(link), action: 'login', type: 'login' });
  expect(inputs['session_id']).toMatch(new RegExp(`^${sessionId}\\|\\d+\\.[A-Za-z0-9_-]+=$`));
});

test('the callback completes the login of that session and shows Login Successful', async ({ startKite }) => {
  const kite = await startKite();
  const sessionId = await newSession(kite);
  const other = await newSession(kite);
  const query = new URLSearchParams({ status: 'success', request_token: 'rt', session_id: signedValue(kite.loginLinkFor(sessionId)), action: 'login', type: 'login' });
  const page = await get(`${kite.origin}/callback?${query}`);
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  for (const words of ['Login Successful', 'Authentication Complete', 'Your login was successful. You can now return to your MCP client to continue your session. You can close this tab.']) {
    expect(page.body).toContain(words);
  }
  expect(kite.isLoggedIn(sessionId)).toBe(true);
  expect(kite.isLoggedIn(other)).toBe(false);
});

test('a callback missing a parameter, or with a bad signature, gets 400 missing MCP session_id or Kite request_token', async ({ startKite }) => {
  const kite = await startKite();
  const signed = signedValue(kite.loginLinkFor(await newSession(kite)));
  const missing = 'missing MCP session_id or Kite request_token';
  expect(await get(`${kite.origin}/callback`)).toEqual(plain(400, missing));
  expect(await get(`${kite.origin}/callback?${new URLSearchParams({ session_id: signed })}`)).toEqual(plain(400, missing));
  expect(await get(`${kite.origin}/callback?${new URLSearchParams({ request_token: 'rt' })}`)).toEqual(plain(400, missing));
  const tampered = signed.replace(/\.(.)/, (_, first: string) => `.${first === 'A' ? 'B' : 'A'}`);
  expect(await get(`${kite.origin}/callback?${new URLSearchParams({ request_token: 'rt', session_id: tampered })}`)).toEqual(plain(400, missing));
});

test('a link signed by another fake instance is refused, as after a redeploy', async ({ startKite }) => {
  const first = await startKite();
  const second = await startKite();
  const signed = signedValue(first.loginLinkFor(await newSession(first)));
  expect((await get(`${second.origin}/callback?${new URLSearchParams({ request_token: 'rt', session_id: signed })}`)).status).toBe(400);
});

test('a callback for a session that has ended gets 500 error completing Kite session', async ({ startKite }) => {
  const kite = await startKite();
  const sessionId = await newSession(kite);
  const link = kite.loginLinkFor(sessionId);
  kite.expireSession(sessionId);
  const query = new URLSearchParams({ request_token: 'rt', session_id: signedValue(link) });
  expect(await get(`${kite.origin}/callback?${query}`)).toEqual(plain(500, 'error completing Kite session'));
  expect(kite.isLoggedIn(sessionId)).toBe(false);
  expect(() => kite.completeLogin(sessionId)).toThrow(/no live MCP session/);
});

test.for([
  ['hosted', ['/authorize', '/connect/login', '/callback']],
  ['direct', ['/connect/login', '/callback']],
] as const)('browser-follow records its arguments and then logs the session in from a %s link as a person does', async ([form, pages], { startKite }) => {
  const kite = await startKite({ loginForm: form });
  const sessionId = await newSession(kite);
  const link = kite.loginLinkFor(sessionId);
  const log = join(await temporaryFolder(), 'browser.log');
  const result = await run(BROWSER_FOLLOW, [link], { env: { PATH: process.env['PATH'] ?? '', FAKE_BROWSER_LOG: log } });
  expect(result.stderr).toBe('');
  expect(await readFile(log, 'utf8')).toBe(`${JSON.stringify([link])}\n`);
  expect(kite.isLoggedIn(sessionId)).toBe(true);
  const followed = kite.requests.filter((request) => request.transport === 'http');
  expect(followed.map((request) => request.path)).toEqual(pages);
  expect(followed.every((request) => request.httpMethod === 'GET' && request.status === 200)).toBe(true);
});

test('browser-follow with FAKE_BROWSER_NO_FOLLOW only records, and it exits 0 even when the page is not a login page', async ({ startKite }) => {
  const kite = await startKite();
  const sessionId = await newSession(kite);
  const log = join(await temporaryFolder(), 'browser.log');
  const link = kite.loginLinkFor(sessionId);
  await run(BROWSER_FOLLOW, [link], { env: { PATH: process.env['PATH'] ?? '', FAKE_BROWSER_LOG: log, FAKE_BROWSER_NO_FOLLOW: '1' } });
  expect(kite.isLoggedIn(sessionId)).toBe(false);
  expect(kite.requests.some((request) => request.path === '/connect/login')).toBe(false);

  const notLogin = await run(BROWSER_FOLLOW, [`${kite.origin}/nope`], { env: { PATH: process.env['PATH'] ?? '', FAKE_BROWSER_LOG: log } });
  expect(notLogin.stderr).toMatch(/login page answered 404/);
  expect(await readFile(log, 'utf8')).toBe(`${JSON.stringify([link])}\n${JSON.stringify([`${kite.origin}/nope`])}\n`);
});
