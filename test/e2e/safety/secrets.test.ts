// Secrets stay where they belong (CONTRACT.md "Login", PEERS.md R8/R10), across whole spawned sessions: --ask with a
// browser login, --ask --json and a NODE_DEBUG=kite-chat run resuming that session, and the REPL with its own login.
// The OpenAI key, the MCP session id and the signature of the signed login link appear in no output, no model
// request body, no audit.log line and no file under KITE_CHAT_HOME, except the session file (0600) that must hold the
// id, and the link itself shown to the user on stderr. Also: a login text kite-chat cannot read keeps its links from
// the model.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { signedSessionIdIn } from '../../support/fake-kite/login-pages.js';
import { TOOL_CATALOG } from '../../support/fake-kite/mock-data.js';
import { expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import { BROWSER_FOLLOW, browserLaunches } from '../../support/run-cli.js';
import { completions, toolMessages } from '../../support/safety-env.js';
import { startTinyMcpServer, textResult } from '../../support/tiny-mcp-server.js';

const HOLDINGS_TWICE = [
  { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }, // not logged in: kite-chat logs the user in
  { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
  { text: 'You hold AARON.' },
];

interface Secrets {
  link: string;
  values: string[];
}

/** The id Kite bound the login to, and the HMAC of the signed login link, as the fake and the browser saw them. */
async function secretsOf(fake: FakeKite, browserLog: string): Promise<Secrets> {
  const [[link = ''] = []] = await browserLaunches(browserLog, 1);
  const signed = signedSessionIdIn(link);
  const signature = signed.slice(signed.lastIndexOf('.') + 1).replace(/=+$/, '');
  const sessionIds = [...new Set(fake.requests.flatMap((request) => (request.sessionId === undefined ? [] : [request.sessionId])))];
  expect(sessionIds).toHaveLength(1);
  expect(signature).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  expect(signed.startsWith(`${sessionIds[0] ?? '?'}|`)).toBe(true);
  return { link, values: [OPENAI_KEY, ...sessionIds, signature] };
}

function expectNoSecret(text: string, secrets: Secrets, where: string): void {
  for (const value of secrets.values) {
    for (const form of new Set([value, encodeURIComponent(value)])) expect(text.includes(form), `${where} holds a secret`).toBe(false);
  }
}

/** stderr may show the link to the user (it is theirs to open); nothing else there may hold a secret. */
function expectOnlyTheLink(stderr: string, secrets: Secrets, where: string): void {
  expectNoSecret(stderr.split(secrets.link).join('[the link]'), secrets, where);
}

async function expectHomeClean(home: string, secrets: Secrets, sessionId: string): Promise<void> {
  for (const name of await readdir(home)) {
    const text = await readFile(join(home, name), 'utf8');
    if (name === 'session.json') {
      expect(JSON.parse(text)).toMatchObject({ sessionId });
      expect((await stat(join(home, name))).mode & 0o777).toBe(0o600);
    } else {
      expectNoSecret(text, secrets, name);
    }
  }
  expect((await readdir(home)).sort()).toEqual(expect.arrayContaining(['audit.log', 'session.json']));
}

test('--ask, --ask --json and NODE_DEBUG=kite-chat show no secret but the link, and keep it from the model', async ({ kite, model, cli, home, browserLog }) => {
  kite.faults.hangTools.add('get_positions'); // a tool timeout, so the debug log has an error to describe
  model.push(
    ...HOLDINGS_TWICE,
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { text: 'AARON, still.' },
    { toolCalls: [{ name: 'get_positions', arguments: { limit: 5 } }] },
    { text: 'Positions timed out.' },
  );
  const env = { BROWSER: BROWSER_FOLLOW };

  const ask = await cli(['--ask', 'What do I hold?', '--url', kite.mcpUrl], { env });
  const json = await cli(['--ask', 'What do I hold?', '--json', '--url', kite.mcpUrl], { env });
  const debug = await cli(['--ask', 'Positions?', '--url', kite.mcpUrl, '--tool-timeout', '1'], { env: { ...env, NODE_DEBUG: 'kite-chat' } });

  expect([ask.code, json.code, debug.code]).toEqual([0, 0, 0]);
  const secrets = await secretsOf(kite, browserLog);
  expect(ask.stderr).toContain(secrets.link); // shown to the user, once logged in nothing more is needed
  expect(debug.stderr).toMatch(/^KITE-CHAT \d+: /m); // the debug log really was on
  for (const [name, run] of Object.entries({ ask, json, debug })) {
    expectNoSecret(run.stdout, secrets, `${name} stdout`);
    expectOnlyTheLink(run.stderr, secrets, `${name} stderr`);
  }
  expect(JSON.parse(json.stdout)).toMatchObject({ answer: 'AARON, still.' });
  for (const request of model.requests) {
    expect(request.rawBody).not.toContain(secrets.link);
    expectNoSecret(request.rawBody, secrets, 'a model request');
  }
  await expectHomeClean(home, secrets, secrets.values[1] ?? '');
});

test('the REPL with a browser login shows no secret but the link, and keeps it from the model', async ({ kite, model, repl, home, browserLog }) => {
  model.push(...HOLDINGS_TWICE);
  const session = repl(['--url', kite.mcpUrl], { env: { BROWSER: BROWSER_FOLLOW } });

  await session.waitFor('›');
  session.type('What do I hold?\r');
  await session.waitFor('You hold AARON.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);

  const secrets = await secretsOf(kite, browserLog);
  expect(session.output()).toContain(secrets.link);
  expectOnlyTheLink(session.output(), secrets, 'the terminal');
  for (const request of model.requests) expectNoSecret(request.rawBody, secrets, 'a model request');
  expect(JSON.stringify(completions(model.requests)[1]?.body?.messages)).toMatch(/logged in to Kite as/);
  await expectHomeClean(home, secrets, secrets.values[1] ?? '');
});

test('a login text with a link kite-chat cannot read reaches the user with what to do, and the model without that link', async ({ closeAfter, model, cli, browserLog }) => {
  const signed = 'session_id=kitemcp-5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f%7C1767225600.c2lnbmF0dXJlLW9mLXRoZS1saW5r';
  const server = closeAfter(await startTinyMcpServer({
    tools: TOOL_CATALOG,
    // A link without its scheme: nothing kite-chat can take for a link to open, so it must not leak it either.
    answer: ({ name }) => (name === 'login'
      ? textResult(`Open mcp.kite.trade/authorize?${signed} to log in.`)
      : textResult('Please log in first using the login tool', true)),
  }));
  model.push({ toolCalls: [{ name: 'login', arguments: {} }] }, { text: 'No login link came back.' });

  const run = await cli(['--ask', 'Log me in', '--url', server.mcpUrl]);

  expect(run.code).toBe(0);
  expect(run.stderr).toContain(`Open mcp.kite.trade/authorize?${signed} to log in.`);
  expect(run.stderr).toContain(`No login link could be read from the answer of ${server.origin} above: open the MCP server's page`);
  expect(await browserLaunches(browserLog)).toEqual([]);
  const [told] = toolMessages(completions(model.requests)[1]);
  expect(told?.content).toMatch(/^\[tool error\] No login link could be read from the login tool's answer; .* without its links: Open \[link removed\] to log in\.$/);
  for (const request of model.requests) expect(request.rawBody).not.toMatch(/c2lnbmF0dXJl|kitemcp-5f0c|mcp\.kite\.trade/);
});

// Issue 14: a key of any shape (not sk-…, not 32+ plain characters) is masked as itself wherever output is made.
const ODD_KEY = 'gsk_live.7Hq2-Zx9.Kp4wT';

test('a configured key of an unusual shape is masked when the endpoint echoes it in an error, an answer or --json', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(
    { status: 400, message: `Invalid API Key: ${ODD_KEY} is not a key we issued` },
    { text: `Your key is ${ODD_KEY}, keep it safe.` },
    { text: `Your key is ${ODD_KEY}, keep it safe.` },
  );
  const ask = (...flags: string[]) => cli(['--ask', 'Hello?', '--url', kite.mcpUrl, ...flags], { env: { OPENAI_API_KEY: ODD_KEY } });

  const failed = await ask();
  const answered = await ask();
  const json = await ask('--json');

  expect(failed.code).toBe(5);
  expect(failed.stderr).toContain('Invalid API Key: [redacted] is not a key we issued');
  expect(answered.stdout).toBe('Your key is [redacted], keep it safe.\n');
  expect((JSON.parse(json.stdout) as { answer: string }).answer).toBe('Your key is [redacted], keep it safe.');
  for (const run of [failed, answered, json]) expect(run.stdout + run.stderr).not.toContain(ODD_KEY);
});
