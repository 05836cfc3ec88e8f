// One login a day: a Streamable HTTP session saved under KITE_CHAT_HOME and reused by the next run, recovery when the
// server has ended it or Kite's daily login has expired, and the login / logout / tools commands — all spawned.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from '../../support/fake-kite/index.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';
import { BROWSER_FOLLOW, browserLaunches, runCli, temporaryFolder } from '../../support/run-cli.js';

let kite: FakeKite | undefined;
let model: ScriptedOpenAI | undefined;

afterEach(async () => {
  await Promise.all([kite?.close(), model?.close()]);
  kite = undefined;
  model = undefined;
});

async function setUp() {
  kite = await startFakeKite();
  model = await startScriptedOpenAI([]);
  const home = await temporaryFolder();
  const browserLog = join(home, 'browser.log');
  const env = {
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_MODEL: 'scripted-model',
    KITE_CHAT_HOME: home,
    KITE_MCP_URL: kite.mcpUrl,
    BROWSER: BROWSER_FOLLOW,
    FAKE_BROWSER_LOG: browserLog,
  };
  return { kite, model, home, browserLog, env };
}

const holdings = { toolCalls: [{ name: 'get_holdings', arguments: { limit: 20 } }] };
const answer = { text: 'Worth a lot.' };

function count(fake: FakeKite, predicate: (request: FakeKite['requests'][number]) => boolean): number {
  return fake.requests.filter(predicate).length;
}
const isInitialize = (request: FakeKite['requests'][number]) => request.rpcMethod === 'initialize';
const isLoginCallback = (request: FakeKite['requests'][number]) => request.path === '/callback' && request.status === 200;

test('two --ask runs over /mcp need one browser login between them', async () => {
  const { kite, model, env, browserLog, home } = await setUp();
  model.push(holdings, holdings, answer);
  const first = await runCli(['--ask', 'Portfolio?'], { env });
  expect(first.code).toBe(0);

  model.push(holdings, answer);
  const second = await runCli(['--ask', 'Portfolio again?'], { env });

  expect(second.code).toBe(0);
  expect(second.stdout).toBe('Worth a lot.\n');
  expect(count(kite, isInitialize)).toBe(1);
  expect(count(kite, isLoginCallback)).toBe(1);
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
  expect(second.stderr).not.toContain('/authorize?');

  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as Record<string, unknown>;
  expect(saved).toEqual({ url: kite.mcpUrl, sessionId: expect.stringMatching(/^kitemcp-[0-9a-f-]{36}$/), createdAt: expect.any(Number) });
  expect((await stat(join(home, 'session.json'))).mode & 0o777).toBe(0o600);
  expect((await stat(home)).mode & 0o077).toBe(0);
});

test('a saved session the server has ended is replaced, said in one line, and logged in again', async () => {
  const { kite, model, env, browserLog, home } = await setUp();
  model.push(holdings, holdings, answer);
  expect((await runCli(['--ask', 'Portfolio?'], { env })).code).toBe(0);
  const { sessionId } = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };
  kite.expireSession(sessionId);

  model.push(holdings, holdings, answer);
  const second = await runCli(['--ask', 'Portfolio again?'], { env });

  expect(second.code).toBe(0);
  expect(second.stderr.split('\n').filter((line) => /saved Kite session has ended/.test(line))).toHaveLength(1);
  expect(count(kite, isInitialize)).toBe(2);
  expect(count(kite, isLoginCallback)).toBe(2);
  expect(await browserLaunches(browserLog, 2)).toHaveLength(2);
  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };
  expect(saved.sessionId).not.toBe(sessionId);
});

test('a saved session id the server never knew (400) starts a new session', async () => {
  const { kite, model, env, home } = await setUp();
  const unknown = 'kitemcp-00000000-0000-4000-8000-000000000000';
  await writeFile(join(home, 'session.json'), JSON.stringify({ url: kite.mcpUrl, sessionId: unknown, createdAt: Date.now() }), { mode: 0o600 });
  model.push(holdings, holdings, answer);

  const run = await runCli(['--ask', 'Portfolio?'], { env });

  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/saved Kite session has ended/);
  expect(count(kite, isInitialize)).toBe(1);
});

test('a saved session older than 12 hours is not reused', async () => {
  const { kite, model, env, home } = await setUp();
  model.push(holdings, holdings, answer);
  expect((await runCli(['--ask', 'Portfolio?'], { env })).code).toBe(0);
  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(home, 'session.json'), JSON.stringify({ ...saved, createdAt: Date.now() - 12 * 60 * 60 * 1000 - 1 }));

  model.push(answer);
  expect((await runCli(['--ask', 'Hello?'], { env })).code).toBe(0);

  expect(count(kite, isInitialize)).toBe(2);
});

test("Kite's daily login expiry starts the login again on the same session", async () => {
  const { kite, model, env, browserLog } = await setUp();
  model.push(holdings, holdings, answer);
  expect((await runCli(['--ask', 'Portfolio?'], { env })).code).toBe(0);
  kite.expireLogin();

  model.push(holdings, holdings, answer);
  const second = await runCli(['--ask', 'Portfolio after 6 AM?'], { env });

  expect(second.code).toBe(0);
  expect(count(kite, isInitialize)).toBe(1);
  expect(count(kite, isLoginCallback)).toBe(2);
  expect(await browserLaunches(browserLog, 2)).toHaveLength(2);
  const toolMessages = JSON.stringify(model.requests.at(-2)?.body?.messages);
  expect(toolMessages).toMatch(/logged in to Kite as/);
});

test('kite-chat login logs in and keeps the session; a second login finds it logged in', async () => {
  const { kite, env, browserLog, home } = await setUp();
  const first = await runCli(['login'], { env });

  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^Logged in to Kite as .+\.\n$/);
  expect(first.stderr).toContain('WARNING: AI systems are unpredictable');
  expect((await stat(join(home, 'session.json'))).mode & 0o777).toBe(0o600);

  const second = await runCli(['login'], { env });
  expect(second.code).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
  expect(count(kite, isInitialize)).toBe(1);
});

test('kite-chat logout ends the session on the server and deletes the saved files', async () => {
  const { kite, env, home } = await setUp();
  expect((await runCli(['login'], { env })).code).toBe(0);
  const { sessionId } = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };

  const run = await runCli(['logout'], { env });

  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/Logged out/);
  expect(kite.requests.some((request) => request.httpMethod === 'DELETE' && request.sessionId === sessionId)).toBe(true);
  await expect(stat(join(home, 'session.json'))).rejects.toThrow(/ENOENT/);
  expect(kite.isLoggedIn(sessionId)).toBe(false);
});

test('kite-chat tools prints every server tool with its read/write class', async () => {
  const { env } = await setUp();

  const run = await runCli(['tools'], { env });

  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^TOOL\s+CLASS\s+DESCRIPTION$/);
  expect(lines.slice(1)).toHaveLength(25); // Kite's 22 and kite-chat's own 3
  expect(run.stdout).toMatch(/^portfolio_summary\s+read\s+\(local, computed by kite-chat\)/m);
  expect(run.stdout).toMatch(/^holding_detail\s+read\s+\(local, computed by kite-chat\)/m);
  expect(run.stdout).toMatch(/^price_chart\s+read\s+\(local, computed by kite-chat\)/m);
  expect(run.stdout).toMatch(/^place_order\s+write\s+Place an order/m);
  expect(run.stdout).toMatch(/^get_holdings\s+read\s+/m);
  expect(lines.filter((line) => /^\S+\s+write\s/.test(line))).toHaveLength(6);
});

test('the legacy /sse transport says it cannot keep a session between runs', async () => {
  const { kite, env } = await setUp();

  const run = await runCli(['login', '--url', kite.sseUrl], { env });

  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/\/sse transport cannot keep a session/);
});
