// kite-chat --ask, spawned as a user runs it, against the fake of Kite's next server (OAuth 2.1, seven mode tools) and
// the scripted OpenAI server: the OAuth login through the test BROWSER (browser-oauth.mjs), a second run on the saved
// token, read-only --ask with mode tools, and the one-line failures of a forged redirect and of --no-browser.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MOCKS } from '../../support/fake-kite/mock-data.js';
import { startFakeKiteNext } from '../../support/fake-kite-next/index.js';
import { expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import type { ScriptedStep } from '../../support/scripted-openai.js';
import type { PtySession } from '../../support/pty-session.js';
import { BROWSER_OAUTH, browserLaunches } from '../../support/run-cli.js';

const QUESTION = 'What is my portfolio worth?';
const ANSWER = 'Your holdings are worth ₹1,23,456.';

test.override({ browser: BROWSER_OAUTH });

function holdingsScript(): ScriptedStep[] {
  return [{ toolCalls: [{ name: 'portfolio', arguments: { mode: 'holdings' } }] }, { text: ANSWER }];
}

test('--ask completes the OAuth login in the browser, saves the token 0600, and only the answer reaches stdout', async ({ closeAfter, model, cli, home, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());
  model.push(...holdingsScript());

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl]);

  expect(run.stderr).not.toMatch(/at .+\.js:\d+/);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(`${ANSWER}\n`);
  const launches = await browserLaunches(browserLog, 1);
  expect(launches).toHaveLength(1);
  const link = launches[0]?.[0] ?? '';
  expect(launches[0]).toEqual([link]);
  expect(link.startsWith(`${kite.origin}/authorize?response_type=code&`)).toBe(true);
  expect(run.stderr).toContain(link);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 1, tokenRequests: 1 });
  expect(kite.requests.filter((request) => request.tool === 'portfolio')).toMatchObject([{ arguments: { mode: 'holdings' }, status: 200, bearer: 'valid' }]);

  const saved = JSON.parse(await readFile(join(home, 'oauth.json'), 'utf8')) as Record<string, { tokens: { access_token: string } }>;
  const token = saved[kite.mcpUrl]?.tokens.access_token ?? '';
  expect(token).toMatch(/^[0-9a-f]{64}$/);
  expect((await stat(join(home, 'oauth.json'))).mode & 0o777).toBe(0o600);
  expect(run.stdout + run.stderr).not.toContain(token);
  expect(run.stdout + run.stderr).not.toContain(OPENAI_KEY);
  const completions = model.requests.filter((request) => request.path.endsWith('/chat/completions'));
  expect(completions).toHaveLength(2);
  for (const request of completions) expect(request.rawBody).not.toContain(token);
  expect(JSON.stringify(completions[1]?.body?.messages)).toContain('AARON'); // the holdings reached the model
});

test('a second --ask run uses the saved token: no browser, no registration, no new authorization', async ({ closeAfter, model, cli, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());
  model.push(...holdingsScript(), ...holdingsScript());
  const first = await cli(['--ask', QUESTION, '--url', kite.mcpUrl]);

  const second = await cli(['--ask', QUESTION, '--url', kite.mcpUrl]);

  expect([first.code, second.code]).toEqual([0, 0]);
  expect(second.stdout).toBe(`${ANSWER}\n`);
  expect(second.stderr).not.toContain('/authorize?');
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
  expect(kite.counters).toMatchObject({ registrations: 1, authorizations: 1, tokenRequests: 1 });
  expect(kite.requests.filter((request) => request.tool === 'portfolio').map((request) => request.bearer)).toEqual(['valid', 'valid']);
});

test('--ask refuses orders in place mode without sending it, while orders in list mode runs', async ({ closeAfter, model, cli }) => {
  const place = { mode: 'place', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'MARKET' };
  const kite = closeAfter(await startFakeKiteNext());
  model.push(
    { toolCalls: [{ name: 'orders', arguments: place }] },
    { toolCalls: [{ name: 'orders', arguments: { mode: 'list' } }] },
    { text: 'I placed nothing; here are today’s orders.' },
  );

  const run = await cli(['--ask', 'Buy one INFY, then show my orders', '--url', kite.mcpUrl]);

  expect(run.code).toBe(0);
  expect(kite.requests.filter((request) => request.tool === 'orders').map((request) => request.arguments?.['mode'])).toEqual(['list']);
  const completions = model.requests.filter((request) => request.path.endsWith('/chat/completions'));
  expect(completions[0]?.body?.tools?.map((tool) => (tool as { function: { name: string } }).function.name)).toContain('orders');
  const refusal = completions[1]?.body?.messages?.at(-1);
  expect(refusal?.role).toBe('tool');
  expect(String(refusal?.content)).toMatch(/^\[tool error\] NOT DONE: orders was not sent to the server/);
  expect(String(completions[2]?.body?.messages?.at(-1)?.content)).toContain(String(MOCKS.orders[0]?.['order_id'])); // the list reached the model
});

test('a redirect back with a forged state ends --ask with exit 3 and one line, and no token is asked for', async ({ closeAfter, cli }) => {
  const kite = closeAfter(await startFakeKiteNext());

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl], { env: { FAKE_BROWSER_TAMPER_STATE: '1' } });

  expect(run.code).toBe(3);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n').at(-1)).toBe(
    'kite-chat: The browser came back with an authorization kite-chat did not ask for (wrong state), so it was refused; run kite-chat login again.',
  );
  expect(kite.counters.tokenRequests).toBe(0);
});

test('--no-browser shows the authorization link, opens nothing, and exits 3 when the wait ends', async ({ closeAfter, cli, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl, '--no-browser', '--login-timeout', '1']);

  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`${kite.origin}/authorize?response_type=code&`);
  expect(run.stderr).toContain('No authorization came back from the browser within 1 s');
  expect(await browserLaunches(browserLog)).toEqual([]);
});

test('kite-chat login on the OAuth server authorizes once and names the account; a second login needs no browser', async ({ closeAfter, cli, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());

  const first = await cli(['login', '--url', kite.mcpUrl]);

  expect(first.stderr).not.toMatch(/at .+\.js:\d+/);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^Logged in to Kite as .+\.\n$/);
  const second = await cli(['login', '--url', kite.mcpUrl]);
  expect(second.code).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
  expect(kite.counters).toMatchObject({ authorizations: 1 });
});

test('after kite-chat login on the OAuth server, the REPL names the account in its prompt', async ({ closeAfter, cli, repl }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const login = await cli(['login', '--url', kite.mcpUrl]);
  expect(login.code).toBe(0);
  const beforeRepl = kite.requests.length;

  const session = repl(['--url', kite.mcpUrl, '--no-browser']);
  await session.waitFor('›');
  const named = `kite (${MOCKS.profile.user_name}) › `;

  expect(await promptsUntil(session, named)).toContain(named);
  const replCalls = kite.requests.slice(beforeRepl).filter((request) => request.rpcMethod === 'tools/call');
  expect(replCalls.map((request) => [request.tool, request.arguments])).toEqual([['portfolio', { mode: 'profile' }]]); // the next server's own profile call
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

/**
 * The first prompt may be drawn before the profile's answer arrives, and nothing redraws it: an empty line draws a new
 * one (and does nothing else), a few times a second for up to 5 s, until one shows `expected`. What the last one printed.
 */
async function promptsUntil(session: PtySession, expected: string): Promise<string> {
  let printed = '';
  for (let attempt = 0; attempt < 25 && !printed.includes(expected); attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const from = session.text().length;
    session.type('\r');
    await session.waitFor(/\n[^\n]*kite \([^)]*\) › $/, { after: from });
    printed = session.text().slice(from);
  }
  return printed;
}
