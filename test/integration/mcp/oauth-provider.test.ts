// The OAuth provider's own rules (src/mcp/oauth.ts, src/mcp/oauth-listener.ts): which authorization links it shows and
// opens, when it refuses to start a browser authorization at all, how a wait ends (timeout, Ctrl-C), and how its
// saved credentials are kept per server. End-to-end cases run against the fake of Kite's next server on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';
import { ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { afterEach, expect, test } from 'vitest';
import { InterruptedError, LoginRequiredError, McpConnectError } from '../../../src/errors.js';
import { connectMcp } from '../../../src/mcp/session.js';
import { createOAuthProvider, describeAuthorizationError, type OAuthLoginProvider } from '../../../src/mcp/oauth.js';
import { startLoopbackListener } from '../../../src/mcp/oauth-listener.js';
import { createOpener, type OpenLink } from '../../../src/login/opener.js';
import { createStore } from '../../../src/store.js';
import { startFakeKiteNext, type FakeKiteNext, type FakeKiteNextOptions } from '../../support/fake-kite-next/index.js';
import { REPO_ROOT, temporaryFolder } from '../../support/run-cli.js';

const BROWSER_OAUTH = join(REPO_ROOT, 'test', 'support', 'browser-oauth.mjs');
const VERIFIER = 'a-pkce-verifier-of-forty-three-characters-ok';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startKite(options: FakeKiteNextOptions = {}): Promise<FakeKiteNext> {
  const kite = await startFakeKiteNext(options);
  cleanups.push(() => kite.close());
  return kite;
}

function provider(serverUrl: string, home: string, options: { browser?: OpenLink; timeoutMs?: number; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const opened: URL[] = [];
  const browser = options.browser ?? createOpener({ browser: BROWSER_OAUTH, platform: process.platform });
  const oauth = createOAuthProvider({
    serverUrl: new URL(serverUrl),
    store: createStore(home, { uid: process.getuid?.() }),
    screen: { status: (line) => lines.push(line), warn: (line) => lines.push(line) },
    openLink: async (url) => {
      opened.push(url);
      return browser(url);
    },
    timeoutMs: options.timeoutMs ?? 15_000,
    signal: options.signal,
  });
  cleanups.push(() => oauth.closeListener());
  return { oauth, lines, opened };
}

/** What the SDK's auth flow calls, in its order, up to the redirect (the link is the test's choice). */
async function redirectTo(oauth: OAuthLoginProvider, link: string): Promise<void> {
  await oauth.clientInformation();
  oauth.saveCodeVerifier(VERIFIER);
  await oauth.redirectToAuthorization(new URL(link));
}

const noBrowser: OpenLink = async () => ({ ok: true });

test.each([
  ['https://accounts.example.com/authorize', true],
  ['http://127.0.0.1:9/authorize', true],
  ['http://localhost:9/authorize', true],
  ['http://accounts.example.com/authorize', false],
  ['http://192.168.1.5/authorize', false],
  ['https://user@accounts.example.com/authorize', false],
])('an authorization link to %s is opened: %s', async (page, allowed) => {
  const { oauth, opened, lines } = provider('http://127.0.0.1:9/mcp', await temporaryFolder(), { browser: noBrowser });
  const link = `${page}?client_id=c&state=s&code_challenge=${CHALLENGE}`;

  const outcome = await oauth.withAuthorizationAllowed(() => redirectTo(oauth, link)).then(
    () => 'shown',
    (error: unknown) => error,
  );

  if (allowed) {
    expect(outcome).toBe('shown');
    expect(opened.map(String)).toEqual([link]);
    expect(lines).toContain(link);
    expect(oauth.authorizationPending).toBe(true);
  } else {
    expect(outcome).toBeInstanceOf(LoginRequiredError);
    expect((outcome as Error).message).toMatch(/^Refused to open the authorization link/);
    expect(opened).toEqual([]);
    expect(lines.join('\n')).not.toContain(link);
    expect(oauth.authorizationPending).toBe(false);
  }
});

test('a server whose metadata sends the browser to a plain-http host is refused before anything opens', async () => {
  const kite = await startKite({ authorizationEndpoint: 'http://login.attacker.example/authorize' });
  const { oauth, opened } = provider(kite.mcpUrl, await temporaryFolder());

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toBe(
    'Refused to open the authorization link to login.attacker.example: it uses http on a host that is not this computer.',
  );
  expect(opened).toEqual([]);
});

test('outside a connect or a call (a background request), no authorization is started and nothing opens', async () => {
  const { oauth, opened } = provider('http://127.0.0.1:9/mcp', await temporaryFolder(), { browser: noBrowser });

  const failure = await redirectTo(oauth, `https://accounts.example.com/authorize?state=s&code_challenge=${CHALLENGE}`).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toMatch(/asks for it with the next request/);
  expect(opened).toEqual([]);
  expect(oauth.redirectUrl).toBeUndefined(); // the listener opened for the flow is closed again
});

test('--login-timeout 0 refuses to start a browser authorization, which could not finish', async () => {
  const kite = await startKite();
  const { oauth, opened } = provider(kite.mcpUrl, await temporaryFolder(), { timeoutMs: 0 });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toMatch(/cannot finish with --login-timeout 0; run kite-chat login\.$/);
  expect(opened).toEqual([]);
  expect(kite.counters.authorizations).toBe(0);
});

test('no code within the login timeout ends the login in one line and closes the listener', async () => {
  const kite = await startKite();
  const { oauth, opened } = provider(kite.mcpUrl, await temporaryFolder(), { browser: noBrowser, timeoutMs: 1_000 });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toBe('No authorization came back from the browser within 1 s; run kite-chat login and finish it in the browser.');
  const redirect = new URL(new URL(opened[0]?.href ?? '').searchParams.get('redirect_uri') ?? '');
  await expect(fetch(redirect)).rejects.toThrow();
});

test('Ctrl-C while waiting for the browser ends the wait as an interruption', async () => {
  const kite = await startKite();
  const interrupt = new AbortController();
  const pressCtrlC: OpenLink = async () => {
    setImmediate(() => interrupt.abort());
    return { ok: true };
  };
  const { oauth } = provider(kite.mcpUrl, await temporaryFolder(), { browser: pressCtrlC, signal: interrupt.signal });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(InterruptedError);
  expect(oauth.authorizationPending).toBe(false);
});

test('a registration refused by the server fails the connect in one line with its error', async () => {
  const kite = await startKite({ registrationLimit: 0 });
  const { oauth, opened } = provider(kite.mcpUrl, await temporaryFolder());

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(McpConnectError);
  expect((failure as Error).message).toBe(
    `Could not authorize kite-chat with the MCP server at ${kite.mcpUrl} (server_error: Too many registration requests. Try again later.): ` +
      'run kite-chat login to try again, or check --url / KITE_MCP_URL.',
  );
  expect(opened).toEqual([]);
});

test('a damaged oauth.json counts as no login and is replaced by a good one', async () => {
  const kite = await startKite();
  const home = await temporaryFolder();
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'oauth.json'), JSON.stringify({ [kite.mcpUrl]: { clientInformation: { client_id: 7 }, tokens: 'x' } }));
  const { oauth } = provider(kite.mcpUrl, home);

  const session = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth });
  await session.close();

  const saved = JSON.parse(await readFile(join(home, 'oauth.json'), 'utf8')) as Record<string, { tokens: { access_token: string } }>;
  expect(saved[kite.mcpUrl]?.tokens.access_token).toMatch(/^[0-9a-f]{64}$/);
  expect(kite.counters.registrations).toBe(1);
});

test('credentials are kept per server URL: one server’s token is never sent to another', async () => {
  const [first, second] = [await startKite(), await startKite()];
  const home = await temporaryFolder();
  for (const kite of [first, second]) {
    const session = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: provider(kite.mcpUrl, home).oauth });
    await session.close();
  }

  const saved = JSON.parse(await readFile(join(home, 'oauth.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(saved).sort()).toEqual([first.mcpUrl, second.mcpUrl].sort());
  expect(second.requests.filter((request) => request.path === '/mcp').map((request) => request.bearer)[0]).toBe('none');
  expect(second.requests.some((request) => request.bearer === 'invalid')).toBe(false);
  expect(second.counters.authorizations).toBe(1);
});

test('the loopback listener answers stray requests with 404 and serves exactly one redirect', async () => {
  const listener = await startLoopbackListener();
  cleanups.push(() => listener.close());
  const code = listener.waitForCode({ expectedState: 'the-state', timeoutMs: 15_000 });

  expect((await fetch(new URL('/favicon.ico', listener.redirectUrl))).status).toBe(404);
  const answer = await fetch(`${listener.redirectUrl.href}?code=the-code&state=the-state`);

  expect(answer.status).toBe(200);
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  expect(await answer.text()).not.toContain('the-code');
  expect(await code).toBe('the-code');
  expect(listener.closed).toBe(true);
});

test('a browser’s spare connection to the listener is cut once the redirect is served', async () => {
  const listener = await startLoopbackListener();
  cleanups.push(() => listener.close());
  const spare = connectSocket(Number(listener.redirectUrl.port), '127.0.0.1');
  await once(spare, 'connect');
  const code = listener.waitForCode({ expectedState: 'the-state', timeoutMs: 15_000 });

  await fetch(`${listener.redirectUrl.href}?code=the-code&state=the-state`);

  expect(await code).toBe('the-code');
  await once(spare, 'close');
  expect(spare.destroyed).toBe(true);
});

test('an OAuth reply that is not OAuth JSON is described by its status, never by its body', () => {
  const reply = new ServerError('HTTP 502: Invalid OAuth error response: SyntaxError: Unexpected token. Raw body: code=echoed-secret');

  expect(describeAuthorizationError(reply)).toBe('HTTP 502, not OAuth JSON');
});
