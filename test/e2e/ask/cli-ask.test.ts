// kite-chat --ask, spawned as a user would run it, against the fake Kite MCP server and the scripted OpenAI server:
// the login handled by the program (both forms of Kite's login link, both transports), stdout carrying the answer
// alone, --json, and every exit code of CONTRACT.md.
import { signedSessionIdIn } from '../../support/fake-kite/login-pages.js';
import { describe, expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import { BROWSER_FOLLOW, browserLaunches, runCli } from '../../support/run-cli.js';

const QUESTION = 'What is my portfolio worth?';
const ANSWER = 'Your holdings are worth ₹1,23,456.';

test.override({ browser: BROWSER_FOLLOW });

/** What a model does on a fresh session: asks for holdings, is told to log in, logs in, asks again, answers. */
function portfolioScript() {
  return [
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 50 } }] },
    { toolCalls: [{ name: 'login', arguments: {} }] },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 50 } }] },
    { text: ANSWER },
  ];
}

/** The two forms of the `login` tool's link: today's hosted interstitial, and v0.3.1's link to Kite's login page. */
const LINK_SHAPES = {
  hosted: (origin: string) => new RegExp(`^${origin}/authorize\\?session_id=[^&]+%7C\\d+\\.[A-Za-z0-9_-]+%3D$`),
  direct: (origin: string) => new RegExp(`^${origin}/connect/login\\?api_key=kitemcp&v=3&redirect_params=session_id%3D`),
};

describe.each([
  ['sse', 'hosted'],
  ['sse', 'direct'],
  ['mcp', 'hosted'],
  ['mcp', 'direct'],
] as const)('--ask over /%s with the %s login link', (transport, loginForm) => {
  test('the program logs the user in through the browser and the answer alone reaches stdout', async ({ startKite, model, cli, browserLog }) => {
    const kite = await startKite({ loginForm });
    model.push(...portfolioScript());
    const url = transport === 'sse' ? kite.sseUrl : kite.mcpUrl;

    const run = await cli(['--ask', QUESTION, '--url', url]);

    expect(run.stderr).not.toMatch(/at .+\.js:\d+/); // no stack trace
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${ANSWER}\n`);
    expect(run.stderr).toContain('WARNING: AI systems are unpredictable and non-deterministic');
    const launches = await browserLaunches(browserLog, 1);
    expect(launches).toHaveLength(1);
    const link = launches[0]?.[0] ?? '';
    expect(launches[0]).toEqual([link]);
    expect(link).toMatch(LINK_SHAPES[loginForm](kite.origin));
    expect(run.stderr.split('\n').filter((line) => line === link)).toHaveLength(1); // shown once, on its own line
    expect(kite.requests.some((request) => request.path.startsWith('/callback') && request.status === 200)).toBe(true);

    const signed = signedSessionIdIn(link);
    const [sessionId = '', signature = ''] = signed.split(/[|.]/).filter((_part, index) => index !== 1);
    expect(sessionId.length).toBeGreaterThan(10);
    expect(signature.length).toBeGreaterThan(40);
    for (const request of model.requests) {
      expect(request.rawBody).not.toContain(link);
      expect(request.rawBody).not.toContain(sessionId);
      expect(request.rawBody).not.toContain(signature);
    }
    const completions = model.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(completions).toHaveLength(4);
    expect(JSON.stringify(completions[1]?.body?.messages)).toMatch(/logged in to Kite as/);
    const holdingsCalls = kite.requests.filter((request) => request.tool === 'get_holdings');
    expect(holdingsCalls.length).toBe(2);
    expect(JSON.stringify(completions[3]?.body?.messages)).toContain('AARON'); // the holdings reached the model
    expect(run.stdout + run.stderr).not.toContain(OPENAI_KEY);
  });
});

test('--json prints exactly one object of the contract shape on stdout', async ({ kite, model, cli }) => {
  model.push(
    { toolCalls: [{ name: 'search_instruments', arguments: { query: 'INFY', filter_on: 'tradingsymbol', limit: 5 } }], usage: { promptTokens: 100, completionTokens: 10 } },
    { text: 'INFY is Infosys on NSE.', usage: { promptTokens: 200, completionTokens: 20 } },
  );

  const run = await cli(['--ask', 'What is INFY?', '--json', '--url', kite.mcpUrl]);

  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] ?? '')).toEqual({
    answer: 'INFY is Infosys on NSE.',
    toolCalls: [{ name: 'search_instruments', arguments: { query: 'INFY', filter_on: 'tradingsymbol', limit: 5 }, isError: false }],
    usage: { promptTokens: 300, completionTokens: 30 },
    model: 'scripted-model',
    rounds: 2,
  });
});

test('--login-timeout 0 without a login exits 3 with the link on stderr', async ({ kite, model, cli, browserLog }) => {
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] });

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl, '--login-timeout', '0'], { env: { FAKE_BROWSER_NO_FOLLOW: '1' } });

  expect(run.code).toBe(3);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(new RegExp(`${kite.origin}/authorize\\?session_id=`));
  expect(run.stderr).toMatch(/login not completed/i);
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
});

test('--no-browser prints the link and opens nothing', async ({ kite, model, cli, browserLog }) => {
  model.push({ toolCalls: [{ name: 'login', arguments: {} }] });

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl, '--login-timeout', '0', '--no-browser']);

  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`${kite.origin}/authorize?session_id=`);
  expect(await browserLaunches(browserLog)).toEqual([]);
});

test('an unreachable MCP server exits 4 with one line naming it', async ({ cli }) => {
  const run = await cli(['--ask', QUESTION, '--url', 'http://127.0.0.1:9/mcp']);

  expect(run.code).toBe(4);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('http://127.0.0.1:9/mcp');
});

test('a rejected API key exits 5 with one line and without the key', async ({ kite, model, cli }) => {
  model.options.apiKey = 'sk-the-right-key';

  const run = await cli(['--ask', QUESTION, '--url', kite.mcpUrl]);

  expect(run.code).toBe(5);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/OPENAI_API_KEY/);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toContain(OPENAI_KEY);
});

test('a bad flag exits 2 with one line and the usage', async () => {
  const run = await runCli(['--ask', QUESTION, '--max-rounds', 'many'], { env: { OPENAI_API_KEY: 'sk-x' } });

  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')[0]).toBe("kite-chat: --max-rounds needs a whole number, got 'many'.");
  expect(run.stderr).toContain('Usage:');
});

test('a missing API key exits 2 and says what to do, without the whole usage after it', async () => {
  const run = await runCli(['--ask', QUESTION], { env: {} });

  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toMatch(/OPENAI_API_KEY is not set/);
  expect(run.stderr).not.toContain('Usage:');
});

test('two tool calls of one model response run at the same time', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.toolDelayMs['get_holdings'] = 1500;
  kite.faults.toolDelayMs['get_positions'] = 1500;
  model.push(
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'get_positions', arguments: { limit: 5 } }] },
    { text: 'Both fetched.' },
  );

  const run = await cli(['--ask', 'Holdings and positions?', '--url', kite.mcpUrl]);

  expect(run.code).toBe(0);
  const calls = kite.requests.filter((request) => request.tool === 'get_holdings' || request.tool === 'get_positions');
  expect(calls).toHaveLength(2);
  // Each call waits 1.5 s on the server: run one after the other, they would never be in flight together.
  expect(kite.faults.load.peakInFlight).toBe(2);
});

test('help and version go to stdout and exit 0', async () => {
  const help = await runCli(['--help'], { env: {} });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage:/);
  const version = await runCli(['--version'], { env: {} });
  expect(version.code).toBe(0);
  expect(version.stdout).toMatch(/^kite-chat \d+\.\d+\.\d+\n$/);
});
