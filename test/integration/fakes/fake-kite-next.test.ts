// The fake of Kite's next server (SERVER.md §6) driven by hand with fetch and the SDK's own client, so its behaviour
// is checked independently of kite-chat's OAuth code: the 401 and metadata, registration, the "Continue to Kite"
// interstitial and its redirect, PKCE and one-time codes at /token, the seven mode tools and the test hooks.
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MOCKS } from '../../support/fake-kite/mock-data.js';
import { startFakeKiteNext, type FakeKiteNext } from '../../support/fake-kite-next/index.js';
import { expect, test } from '../../support/fixtures.js';

const REDIRECT = 'http://127.0.0.1:5999/callback';

async function register(kite: FakeKiteNext, redirectUris = [REDIRECT]): Promise<Response> {
  return fetch(`${kite.origin}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'by-hand', redirect_uris: redirectUris }),
  });
}

/** Register, authorize, click "Continue to Kite": the code and state the browser would bring back. */
async function authorizeByHand(kite: FakeKiteNext, verifier: string) {
  const { client_id: clientId } = (await (await register(kite)).json()) as { client_id: string };
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'state-1',
  });
  const page = await (await fetch(`${kite.origin}/authorize?${query}`)).text();
  const continueLink = /<a id="continue-to-kite" href="([^"]+)">Continue to Kite<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const callback = await fetch(new URL(continueLink, kite.origin), { redirect: 'manual' });
  return { clientId, callback, location: new URL(callback.headers.get('location') ?? 'http://invalid/') };
}

function exchange(kite: FakeKiteNext, form: Record<string, string>): Promise<Response> {
  return fetch(`${kite.origin}/token`, { method: 'POST', body: new URLSearchParams(form) });
}

async function accessToken(kite: FakeKiteNext): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const { clientId, location } = await authorizeByHand(kite, verifier);
  const code = location.searchParams.get('code') ?? '';
  const reply = await exchange(kite, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: REDIRECT });
  return ((await reply.json()) as { access_token: string }).access_token;
}

async function mcpClient(kite: FakeKiteNext, token: string): Promise<Client> {
  const client = new Client({ name: 'by-hand', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(kite.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text: string }[])[0]?.text ?? '';
}

test('/mcp without a bearer answers 401 with the resource metadata URL, and the metadata documents match SERVER.md', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext());

  const refused = await fetch(kite.mcpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });

  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${kite.origin}/.well-known/oauth-protected-resource"`);
  expect(await refused.text()).toBe('no bearer token\n');
  expect(await (await fetch(`${kite.origin}/.well-known/oauth-protected-resource`)).json()).toEqual({
    resource: kite.mcpUrl,
    authorization_servers: [kite.origin],
    scopes_supported: ['default'],
    bearer_methods_supported: ['header'],
  });
  expect(await (await fetch(`${kite.origin}/.well-known/oauth-authorization-server`)).json()).toEqual({
    issuer: kite.origin,
    authorization_endpoint: `${kite.origin}/authorize`,
    token_endpoint: `${kite.origin}/token`,
    registration_endpoint: `${kite.origin}/register`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
  });
  expect((await fetch(`${kite.origin}/sse`)).status).toBe(404);
});

test('/authorize refuses a request without PKCE S256 or with a redirect off this machine', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const base = { response_type: 'code', client_id: 'c', redirect_uri: REDIRECT, code_challenge: 'x', code_challenge_method: 'S256' };

  for (const change of [{ code_challenge: '' }, { code_challenge_method: 'plain' }, { redirect_uri: 'https://evil.example/cb' }]) {
    const reply = await fetch(`${kite.origin}/authorize?${new URLSearchParams({ ...base, ...change })}`);
    expect([reply.status, await reply.text()]).toEqual([400, 'invalid request\n']);
  }
  expect(kite.counters.authorizations).toBe(0);
});

test('"Continue to Kite" leads to a redirect with code and state; the code needs the right verifier and works once', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const verifier = randomBytes(32).toString('base64url');

  const { clientId, callback, location } = await authorizeByHand(kite, verifier);
  const code = location.searchParams.get('code') ?? '';
  const form = { grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: REDIRECT };
  const wrongVerifier = await exchange(kite, { ...form, code_verifier: 'not-the-verifier' });
  const second = await authorizeByHand(kite, verifier);
  const secondForm = { ...form, client_id: second.clientId, code: second.location.searchParams.get('code') ?? '' };
  const good = await exchange(kite, { ...secondForm, code_verifier: verifier });
  const reused = await exchange(kite, { ...secondForm, code_verifier: verifier });

  expect(callback.status).toBe(302);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('state-1');
  expect(code).toMatch(/^[0-9a-f]{64}$/);
  expect([wrongVerifier.status, ((await wrongVerifier.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  expect(await good.json()).toEqual({ access_token: expect.stringMatching(/^[0-9a-f]{64}$/), token_type: 'Bearer', expires_in: 86_400, scope: 'default' });
  expect([reused.status, ((await reused.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  expect(kite.counters).toMatchObject({ registrations: 2, authorizations: 2, tokenRequests: 3 });
});

test('registration needs loopback redirect URIs and stops at the hourly limit', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext({ registrationLimit: 1 }));

  const offMachine = await register(kite, ['https://evil.example/cb']);
  const first = await register(kite);
  const second = await register(kite);

  expect([offMachine.status, ((await offMachine.json()) as { error: string }).error]).toEqual([400, 'invalid_redirect_uri']);
  expect(first.status).toBe(201);
  expect(await first.json()).toMatchObject({ redirect_uris: [REDIRECT], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
  expect([second.status, ((await second.json()) as { error: string }).error]).toEqual([429, 'rate_limit_exceeded']);
});

test('the seven mode tools list with a required mode enum and no annotations, and answer with the mock data', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const client = closeAfter(await mcpClient(kite, await accessToken(kite)));

  const { tools } = await client.listTools();
  const holdings = await client.callTool({ name: 'portfolio', arguments: { mode: 'holdings' } });
  const page = await client.callTool({ name: 'orders', arguments: { mode: 'list', limit: 1 } });

  expect(tools.map((tool) => tool.name)).toEqual(['portfolio', 'orders', 'gtt', 'market', 'alerts', 'mutual_funds', 'session']);
  for (const tool of tools) {
    expect(tool.inputSchema.required).toEqual(['mode']);
    expect((tool.inputSchema.properties?.['mode'] as { enum: string[] }).enum.length).toBeGreaterThan(0);
    expect(tool.annotations).toBeUndefined();
  }
  expect(JSON.parse(textOf(holdings))).toEqual(MOCKS.holdings);
  expect(JSON.parse(textOf(page))).toMatchObject({ data: [MOCKS.orders[0]], pagination: { from: 0, limit: 1, total: MOCKS.orders.length } });
  expect(kite.requests.filter((request) => request.tool === 'portfolio')).toMatchObject([{ arguments: { mode: 'holdings' }, bearer: 'valid' }]);
});

test('an unknown mode and a missing parameter are tool errors in the server’s words', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const client = closeAfter(await mcpClient(kite, await accessToken(kite)));

  const unknownMode = await client.callTool({ name: 'orders', arguments: { mode: 'sell_everything' } });
  const noOrderId = await client.callTool({ name: 'orders', arguments: { mode: 'cancel' } });

  expect([unknownMode.isError, textOf(unknownMode)]).toEqual([true, 'Invalid mode. Must be one of: list, history, trades, all_trades, place, modify, cancel']);
  expect([noOrderId.isError, textOf(noOrderId)]).toEqual([true, "parameter 'order_id': is required"]);
});

test('session logout, expireTokens and revokeTokens each make the bearer answer 401', async ({ closeAfter }) => {
  const kite = closeAfter(await startFakeKiteNext({ refreshTokens: true }));
  const post = (token: string) =>
    fetch(kite.mcpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
  const loggedOut = await accessToken(kite);
  const client = closeAfter(await mcpClient(kite, loggedOut));
  await client.callTool({ name: 'session', arguments: { mode: 'logout' } });
  const expiring = await accessToken(kite);
  kite.expireTokens();
  const expired = await post(expiring);
  const revoking = await accessToken(kite);
  kite.revokeTokens();

  expect([(await post(loggedOut)).status, await expired.text(), (await post(revoking)).status]).toEqual([401, 'token expired\n', 401]);
  expect(kite.requests.map((request) => request.bearer).filter((kind) => kind !== undefined && kind !== 'valid')).toEqual(['expired', 'invalid', 'invalid']);
});
