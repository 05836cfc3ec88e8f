// The OAuth provider's own rules (src/mcp/oauth.ts, src/mcp/oauth-listener.ts): which authorization links it shows and
// opens, when it refuses to start a browser authorization at all, how a wait ends (timeout, Ctrl-C), and how its
// saved credentials are kept per server. End-to-end cases run against the fake of Kite's next server on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';
import { ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { InterruptedError, LoginRequiredError, McpConnectError } from '../../../src/errors.js';
import { connectMcp } from '../../../src/mcp/session.js';
import { describeAuthorizationError, type OAuthLoginProvider } from '../../../src/mcp/oauth.js';
import { startLoopbackListener } from '../../../src/mcp/oauth-listener.js';
import type { OpenLink } from '../../../src/login/opener.js';
import { startFakeKiteNext } from '../../support/fake-kite-next/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { recordedOAuthLogin, type LoginOptions } from '../../support/oauth-login.js';

const VERIFIER = 'a-pkce-verifier-of-forty-three-characters-ok';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

type Provider = (serverUrl: string, home: string, options?: LoginOptions) => { oauth: OAuthLoginProvider; lines: string[]; opened: URL[] };

/** `provider(serverUrl, home, options)`: the provider as the CLI makes one, its loopback listener closed after the test. */
const test = base.extend<{ provider: Provider }>({
  provider: async ({ closeAfter }, use) => {
    await use((serverUrl, home, options = {}) => {
      const { provider: oauth, lines, opened } = recordedOAuthLogin(serverUrl, home, options);
      closeAfter({ close: () => oauth.closeListener() });
      return { oauth, lines, opened };
    });
  },
});

/** What the SDK's auth flow calls, in its order, up to the redirect (the link is the test's choice). */
async function redirectTo(oauth: OAuthLoginProvider, link: string): Promise<void> {
  await oauth.clientInformation();
  oauth.saveCodeVerifier(VERIFIER);
  await oauth.redirectToAuthorization(new URL(link));
}

const noBrowser: OpenLink = async () => ({ ok: true });

test.for([
  ['https://accounts.example.com/authorize', true],
  ['http://127.0.0.1:9/authorize', true],
  ['http://localhost:9/authorize', true],
  ['http://accounts.example.com/authorize', false],
  ['http://192.168.1.5/authorize', false],
  ['https://user@accounts.example.com/authorize', false],
])('an authorization link to %s is opened: %s', async ([page, allowed], { provider, home }) => {
  const { oauth, opened, lines } = provider('http://127.0.0.1:9/mcp', home, { browser: noBrowser });
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

test('a server whose metadata sends the browser to a plain-http host is refused before anything opens', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext({ authorizationEndpoint: 'http://login.attacker.example/authorize' }));
  const { oauth, opened } = provider(kite.mcpUrl, home);

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toBe(
    'Refused to open the authorization link to login.attacker.example: it uses http on a host that is not this computer.',
  );
  expect(opened).toEqual([]);
});

test('outside a connect or a call (a background request), no authorization is started and nothing opens', async ({ provider, home }) => {
  const { oauth, opened } = provider('http://127.0.0.1:9/mcp', home, { browser: noBrowser });

  const failure = await redirectTo(oauth, `https://accounts.example.com/authorize?state=s&code_challenge=${CHALLENGE}`).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toMatch(/asks for it with the next request/);
  expect(opened).toEqual([]);
  expect(oauth.redirectUrl).toBeUndefined(); // the listener opened for the flow is closed again
});

test('--login-timeout 0 refuses to start a browser authorization, which could not finish', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const { oauth, opened } = provider(kite.mcpUrl, home, { timeoutMs: 0 });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toMatch(/cannot finish with --login-timeout 0; run kite-chat login\.$/);
  expect(opened).toEqual([]);
  expect(kite.counters.authorizations).toBe(0);
});

test('no code within the login timeout ends the login in one line and closes the listener', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const { oauth, opened } = provider(kite.mcpUrl, home, { browser: noBrowser, timeoutMs: 1_000 });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(LoginRequiredError);
  expect((failure as Error).message).toBe('No authorization came back from the browser within 1 s; run kite-chat login and finish it in the browser.');
  const redirect = new URL(new URL(opened[0]?.href ?? '').searchParams.get('redirect_uri') ?? '');
  await expect(fetch(redirect)).rejects.toThrow();
});

test('Ctrl-C while waiting for the browser ends the wait as an interruption', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const interrupt = new AbortController();
  const pressCtrlC: OpenLink = async () => {
    setImmediate(() => interrupt.abort());
    return { ok: true };
  };
  const { oauth } = provider(kite.mcpUrl, home, { browser: pressCtrlC, signal: interrupt.signal });

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(InterruptedError);
  expect(oauth.authorizationPending).toBe(false);
});

test('a registration refused by the server fails the connect in one line with its error', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext({ registrationLimit: 0 }));
  const { oauth, opened } = provider(kite.mcpUrl, home);

  const failure = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(McpConnectError);
  expect((failure as Error).message).toBe(
    `Could not authorize kite-chat with the MCP server at ${kite.mcpUrl} (server_error: Too many registration requests. Try again later.): ` +
      'run kite-chat login to try again, or check --url / KITE_MCP_URL.',
  );
  expect(opened).toEqual([]);
});

test('a damaged oauth.json counts as no login and is replaced by a good one', async ({ closeAfter, provider, home }) => {
  const kite = closeAfter(await startFakeKiteNext());
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'oauth.json'), JSON.stringify({ [kite.mcpUrl]: { clientInformation: { client_id: 7 }, tokens: 'x' } }));
  const { oauth } = provider(kite.mcpUrl, home);

  const session = await connectMcp({ url: new URL(kite.mcpUrl), authProvider: oauth });
  await session.close();

  const saved = JSON.parse(await readFile(join(home, 'oauth.json'), 'utf8')) as Record<string, { tokens: { access_token: string } }>;
  expect(saved[kite.mcpUrl]?.tokens.access_token).toMatch(/^[0-9a-f]{64}$/);
  expect(kite.counters.registrations).toBe(1);
});

test('credentials are kept per server URL: one server’s token is never sent to another', async ({ closeAfter, provider, home }) => {
  const [first, second] = [closeAfter(await startFakeKiteNext()), closeAfter(await startFakeKiteNext())];
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

test('the loopback listener answers stray requests with 404 and serves exactly one redirect', async ({ closeAfter }) => {
  const listener = closeAfter(await startLoopbackListener());
  const code = listener.waitForCode({ expectedState: 'the-state', timeoutMs: 15_000 });

  expect((await fetch(new URL('/favicon.ico', listener.redirectUrl))).status).toBe(404);
  const answer = await fetch(`${listener.redirectUrl.href}?code=the-code&state=the-state`);

  expect(answer.status).toBe(200);
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  expect(await answer.text()).not.toContain('the-code');
  expect(await code).toBe('the-code');
  expect(listener.closed).toBe(true);
});

test('a browser’s spare connection to the listener is cut once the redirect is served', async ({ closeAfter }) => {
  const listener = closeAfter(await startLoopbackListener());
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
