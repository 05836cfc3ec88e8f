// The Kite login through the commands a person types, spawned as they run them: `kite-chat login` and the REPL's
// /login, over both transports and with both forms of Kite's login link (today's hosted /authorize interstitial and
// v0.3.1's direct link), with a BROWSER that continues and logs in as a person does. Also what each of them says when
// the server's answer is "already logged in" (both wordings), a link that is refused, or no link at all.
// The automatic login a read needs is covered in e2e/ask/cli-ask.test.ts (both forms, both transports) and e2e/repl/repl.test.ts;
// here, what --ask does when that login cannot even start (exit 3).
import { TOOL_CATALOG } from '../../support/fake-kite/mock-data.js';
import { loginText, PLEASE_LOG_IN } from '../../support/fake-kite/tools.js';
import { describe, expect, test } from '../../support/fixtures.js';
import { BROWSER_FOLLOW, browserLaunches } from '../../support/run-cli.js';
import { startTinyMcpServer, textResult, type TinyMcpServer } from '../../support/tiny-mcp-server.js';

const WARNING = 'WARNING: AI systems are unpredictable and non-deterministic';
const SELF_HELP = "open the MCP server's page in your browser yourself and log in there, or run `kite-chat doctor` to see what is wrong";

/** The BROWSER continues and logs in as a person does. */
test.override({ browser: BROWSER_FOLLOW });

/** A server with Kite's catalog whose `login` answers `text` (with `{origin}` replaced by its own origin). */
async function serverAnswering(text: string, isError = false): Promise<TinyMcpServer> {
  return startTinyMcpServer({
    tools: TOOL_CATALOG,
    answer: ({ name, origin }) => (name === 'login' ? textResult(text.replaceAll('{origin}', origin), isError) : textResult(PLEASE_LOG_IN, true)),
  });
}

describe.each([
  ['sse', 'hosted'],
  ['sse', 'direct'],
  ['mcp', 'hosted'],
  ['mcp', 'direct'],
] as const)('over /%s with the %s login link', (transport, loginForm) => {
  test('kite-chat login shows the link with Kite\'s warning, opens it once, and names the user', async ({ startKite, cli, browserLog }) => {
    const kite = await startKite({ loginForm });

    const run = await cli(['login', '--url', transport === 'sse' ? kite.sseUrl : kite.mcpUrl]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Logged in to Kite as AxAx Bxx.\n');
    expect(run.stderr).toContain(WARNING);
    const launches = await browserLaunches(browserLog, 1);
    expect(launches).toHaveLength(1);
    expect(run.stderr.split('\n')).toContain(launches[0]?.[0]);
    expect(launches[0]?.[0]).toContain(loginForm === 'hosted' ? '/authorize?session_id=' : '/connect/login?api_key=kitemcp');
    expect(kite.requests.filter((request) => request.path === '/callback').map((request) => request.status)).toEqual([200]);
  });

  test('/login in the REPL shows the link, opens it once, and says who is logged in', async ({ startKite, repl, browserLog }) => {
    const kite = await startKite({ loginForm });
    const session = repl(['--url', transport === 'sse' ? kite.sseUrl : kite.mcpUrl, '--no-qr']);

    await session.waitFor('›');
    session.type('/login\r');
    await session.waitFor('Logged in as AxAx Bxx.');
    expect(session.text()).toContain(WARNING);
    const launches = await browserLaunches(browserLog, 1);
    expect(launches).toHaveLength(1);
    expect(session.text()).toContain(launches[0]?.[0]);
    session.type('/exit\r');
    expect(await session.exit).toBe(0);
  });
});

test.for([
  ['v0.3.1', 'You are already logged in as AxAx Bxx'],
  ['later', 'You are already logged in as AxAx Bxx. There is no need to log in again.'],
])('kite-chat login when the server says the user is already logged in (%s wording) prints the name alone', async ([, text = ''], { closeAfter, cli, browserLog }) => {
  const tiny = closeAfter(await serverAnswering(text));

  const run = await cli(['login', '--url', tiny.mcpUrl]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Logged in to Kite as AxAx Bxx.\n');
  expect(await browserLaunches(browserLog)).toEqual([]);
});

test('kite-chat login with a refused link exits 3, names the real host and why, says what to do, and shows no link', async ({ closeAfter, cli, browserLog }) => {
  const link = 'https://mcp.kite.trade@evil.example/authorize?session_id=kitemcp-a%7C1.s%3D';
  const tiny = closeAfter(await serverAnswering(loginText(link)));

  const run = await cli(['login', '--url', tiny.mcpUrl]);

  expect(run.code).toBe(3);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n').slice(-3)).toEqual([
    'Refused to open the login link to evil.example: it hides its real host behind a user name (the part before @).',
    `Not logged in to ${tiny.origin}: ${SELF_HELP}.`,
    'kite-chat: Kite login could not be started; see the lines above.',
  ]);
  expect(run.stderr).not.toContain('evil.example/authorize');
  expect(await browserLaunches(browserLog)).toEqual([]);
});

test('kite-chat login with an answer that holds no link exits 3 with the answer and what to do', async ({ closeAfter, cli }) => {
  const tiny = closeAfter(await serverAnswering('Logins are paused for maintenance until 10:00.'));

  const run = await cli(['login', '--url', tiny.mcpUrl]);

  expect(run.code).toBe(3);
  expect(run.stderr.trim().split('\n').slice(-3)).toEqual([
    'Logins are paused for maintenance until 10:00.',
    `No login link could be read from the answer of ${tiny.origin} above: ${SELF_HELP}.`,
    'kite-chat: Kite login could not be started; see the lines above.',
  ]);
});

test.for([
  ['a refused link', loginText('https://mcp.kite.trade@evil.example/authorize?session_id=kitemcp-a%7C1.s%3D'), 'Refused to open the login link to evil.example'],
  ['an answer that holds no link', 'Logins are paused for maintenance until 10:00.', 'Logins are paused for maintenance until 10:00.'],
])('--ask whose read needs a login that cannot start (%s) exits 3 without asking the model again', async ([, text = '', why = ''], { closeAfter, cli, model, browserLog }) => {
  const tiny = closeAfter(await serverAnswering(text));
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: {} }] }, { text: 'Sorry, I could not log you in.' });

  const run = await cli(['--ask', 'What do I hold?', '--url', tiny.mcpUrl]);

  expect(run.code).toBe(3);
  expect(run.stdout).toBe(''); // a script never reads an apology as the answer
  expect(run.stderr).toContain(why);
  expect(run.stderr.trim().split('\n').at(-1)).toBe('kite-chat: Kite login could not be started; see the lines above.');
  expect(run.stderr).not.toContain('evil.example/authorize');
  expect(model.requests).toHaveLength(1);
  expect(await browserLaunches(browserLog)).toEqual([]);
});

test('--ask --json whose read needs a login that cannot start prints one error object of kind login', async ({ closeAfter, cli, model }) => {
  const tiny = closeAfter(await serverAnswering('Logins are paused for maintenance until 10:00.'));
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: {} }] });

  const run = await cli(['--ask', 'What do I hold?', '--json', '--url', tiny.mcpUrl]);

  expect(run.code).toBe(3);
  expect(JSON.parse(run.stdout)).toEqual({ error: { exitCode: 3, kind: 'login', message: 'Kite login could not be started; see the lines above.' } });
});

test('/login in the REPL with a refused link says why and what to do in the user\'s words, and the session goes on', async ({ closeAfter, repl, browserLog }) => {
  const tiny = closeAfter(await serverAnswering(loginText('https://evil.example/authorize?session_id=x')));
  const session = repl(['--url', tiny.mcpUrl, '--no-qr']);

  await session.waitFor('›');
  const before = session.text().length;
  session.type('/login\r');
  await session.waitFor(/Not logged in to .+: open the MCP server's page in your browser yourself and log in there, or run `kite-chat doctor` to see what is wrong\.\n.*›/, { after: before });
  const shown = session.text().slice(before);
  expect(shown).toContain(`Refused to open the login link to evil.example: it is neither kite.zerodha.com nor the MCP server (${new URL(tiny.origin).host}).`);
  expect(shown).not.toContain('evil.example/authorize');
  expect(shown).not.toMatch(/Tell the user|kite-chat refused to open because/); // the model's wording is not the user's
  expect(await browserLaunches(browserLog)).toEqual([]);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});
