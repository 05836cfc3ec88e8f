// The OAuth login against the fake of Kite's next server (test/support/fake-kite-next) on 127.0.0.1:0: connectMcp with
// the provider of src/mcp/oauth.ts does discovery, registration, PKCE and the browser round trip (the test BROWSER
// browser-oauth.mjs, spawned by the real opener), saves what it got under KITE_CHAT_HOME, and reuses, refreshes or
// renews it on later connects. Refusals (wrong state, a denied authorization) end in one line.
import { readFile, stat } from 'node:fs/promises';
import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';
import { LoginRequiredError } from '../../../src/errors.js';
import { AuthorizationRenewedError, connectMcp, type McpSession } from '../../../src/mcp/session.js';
import type { OAuthLoginProvider } from '../../../src/mcp/oauth.js';
import type { OpenLink } from '../../../src/login/opener.js';
import { startFakeKiteNext, type FakeKiteNext } from '../../support/fake-kite-next/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { recordedOAuthLogin } from '../../support/oauth-login.js';

/** `connect(kite, provider)`: connectMcp with that provider, the session closed after the test. */
const test = base.extend<{ connect: (kite: FakeKiteNext, provider: OAuthLoginProvider) => Promise<McpSession> }>({
  connect: async ({ closeAfter }, use) => {
    await use(async (kite, provider) => closeAfter(await connectMcp({ url: new URL(kite.mcpUrl), authProvider: provider })));
  },
});

/** An earlier kite-chat run: logs in with the test BROWSER, then ends, as a process does. */
async function earlierRun(kite: FakeKiteNext, home: string): Promise<void> {
  const session = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: recordedOAuthLogin(kite.mcpUrl, home).provider });
  await session.close();
}

/** A browser run in this process that follows the interstitial and lets the test rewrite the way back. */
function inProcessBrowser(rewrite: (redirect: URL) => URL): OpenLink {
  return async (url) => {
    void (async () => {
      const page = await (await fetch(url)).text();
      const href = /id="continue-to-kite" href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
      const callback = await fetch(new URL(href, url), { redirect: 'manual' });
      await fetch(rewrite(new URL(callback.headers.get('location') ?? '')));
    })().catch(() => {});
    return { ok: true };
  };
}

async function savedEntry(home: string, kite: FakeKiteNext): Promise<{ clientInformation?: Record<string, unknown>; tokens?: Record<string, unknown> }> {
  const file = JSON.parse(await readFile(join(home, 'oauth.json'), 'utf8')) as Record<string, unknown>;
  return file[kite.mcpUrl] as { clientInformation?: Record<string, unknown>; tokens?: Record<string, unknown> };
}

function isListening(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function redirectUriOf(kite: FakeKiteNext, index: number): URL {
  return new URL(kite.authorizeRequests[index]?.get('redirect_uri') ?? 'http://127.0.0.1:1/');
}

test('the first connect registers, sends the browser to authorize with PKCE and saves the registration and token 0600', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const { provider, lines, opened } = recordedOAuthLogin(kite.mcpUrl, home);

  const session = await connect(kite, provider);

  expect((await session.listTools()).map((tool) => tool.name)).toEqual(['portfolio', 'orders', 'gtt', 'market', 'alerts', 'mutual_funds', 'session']);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 1, tokenRequests: 1 });
  const registration = kite.registrationRequests[0] as Record<string, unknown>;
  const redirect = redirectUriOf(kite, 0);
  expect(registration).toMatchObject({
    client_name: 'kite-chat',
    redirect_uris: [redirect.href],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
  });
  expect(redirect.hostname).toBe('127.0.0.1');
  expect(redirect.pathname).toBe('/callback');
  const authorize = kite.authorizeRequests[0];
  expect(authorize?.get('code_challenge_method')).toBe('S256');
  expect(authorize?.get('state')?.length).toBeGreaterThanOrEqual(40);
  expect(opened.map(String)).toEqual([`${kite.origin}/authorize?${authorize?.toString()}`]);
  expect(lines).toContain(opened[0]?.href);

  const entry = await savedEntry(home, kite);
  expect(entry.clientInformation?.['client_id']).toEqual(expect.any(String));
  expect(entry.tokens?.['access_token']).toEqual(expect.any(String));
  expect((await stat(join(home, 'oauth.json'))).mode & 0o777).toBe(0o600);
  expect(lines.join('\n')).not.toContain(String(entry.tokens?.['access_token']));
  expect(await isListening(redirect)).toBe(false);
  expect(provider.authorizationPending).toBe(false);
});

test('a second connect uses the saved token: no browser, no registration, no new authorization', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  await earlierRun(kite, home);
  const again = recordedOAuthLogin(kite.mcpUrl, home);
  const firstRequest = kite.requests.length;

  const session = await connect(kite, again.provider);

  expect((await session.callTool('portfolio', { mode: 'profile' })).isError).toBe(false);
  expect(again.opened).toEqual([]);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 1, tokenRequests: 1 });
  expect(kite.requests.slice(firstRequest).every((request) => request.path === '/mcp' && request.bearer === 'valid')).toBe(true);
});

test('an expired token is refreshed without a browser when the server issues refresh tokens', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext({ refreshTokens: true }));
  await earlierRun(kite, home);
  const before = await savedEntry(home, kite);
  kite.expireTokens();
  const again = recordedOAuthLogin(kite.mcpUrl, home);

  const session = await connect(kite, again.provider);

  expect((await session.callTool('portfolio', { mode: 'holdings' })).isError).toBe(false);
  expect(again.opened).toEqual([]);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 1, refreshes: 1 });
  const after = await savedEntry(home, kite);
  expect(after.tokens?.['access_token']).not.toBe(before.tokens?.['access_token']);
  expect(after.tokens?.['refresh_token']).not.toBe(before.tokens?.['refresh_token']); // the fake rotates them
});

test('an expired token without a refresh token sends the user to authorize again, on the registered port', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  await earlierRun(kite, home);
  kite.expireTokens();
  const again = recordedOAuthLogin(kite.mcpUrl, home);

  await connect(kite, again.provider);

  expect(again.opened).toHaveLength(1);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 2, tokenRequests: 2 });
  expect(redirectUriOf(kite, 1).href).toBe(redirectUriOf(kite, 0).href);
});

test('a revoked refresh token is forgotten and the user is sent to authorize again', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext({ refreshTokens: true }));
  await earlierRun(kite, home);
  kite.revokeTokens();
  const again = recordedOAuthLogin(kite.mcpUrl, home);

  await connect(kite, again.provider);

  expect(again.opened).toHaveLength(1);
  expect(kite.counters).toMatchObject({ authorizations: 2, refreshes: 0 });
  expect(kite.requests.some((request) => request.path === '/token' && request.status === 400)).toBe(true);
});

test('a redirect that comes back with another state is refused in one line and no token is asked for', async ({ closeAfter, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const forged = inProcessBrowser((redirect) => {
    redirect.searchParams.set('state', 'forged-by-another-page');
    return redirect;
  });
  const { provider } = recordedOAuthLogin(kite.mcpUrl, home, { browser: forged });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: provider }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toMatch(/wrong state/);
  expect((failure as Error).message).not.toContain('\n');
  expect(kite.counters.tokenRequests).toBe(0);
  expect((await savedEntry(home, kite)).tokens).toBeUndefined();
  expect(await isListening(redirectUriOf(kite, 0))).toBe(false);
});

test('an authorization the server denies ends the login with its error code', async ({ closeAfter, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const denied = inProcessBrowser((redirect) => {
    const state = redirect.searchParams.get('state') ?? '';
    return new URL(`${redirect.origin}${redirect.pathname}?error=access_denied&error_description=User+said+no&state=${state}`);
  });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: recordedOAuthLogin(kite.mcpUrl, home, { browser: denied }).provider }).catch(
    (error: unknown) => error,
  );

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toContain('access_denied: User said no');
  expect(kite.counters.tokenRequests).toBe(0);
});

test('a token revoked mid-session: the user authorizes again and the refused call is reported, not repeated', async ({ closeAfter, connect, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const { provider, opened } = recordedOAuthLogin(kite.mcpUrl, home);
  const session = await connect(kite, provider);
  kite.revokeTokens();

  const failure = await session.callTool('orders', { mode: 'list' }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(AuthorizationRenewedError);
  expect((failure as Error).message).toMatch(/orders was not sent/);
  expect(opened).toHaveLength(2);
  expect(kite.requests.filter((request) => request.tool === 'orders' && request.status === 200)).toEqual([]);
  expect((await session.callTool('orders', { mode: 'list' })).isError).toBe(false);
  expect(await isListening(redirectUriOf(kite, 1))).toBe(false);
});
