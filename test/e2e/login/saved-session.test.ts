// One login a day: a Streamable HTTP session saved under KITE_CHAT_HOME and reused by the next run, recovery when the
// server has ended it or Kite's daily login has expired, and the login / logout / tools commands — all spawned.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { BROWSER_FOLLOW, browserLaunches } from '../../support/run-cli.js';

/** Every run gets KITE_MCP_URL, the fake's /mcp, as a user who put it in their .env; the BROWSER logs in. */
const test = base.extend<{ env: Record<string, string> }>({
  env: async ({ env, kite }, use) => {
    await use({ ...env, KITE_MCP_URL: kite.mcpUrl });
  },
});
test.override({ browser: BROWSER_FOLLOW });

const holdings = { toolCalls: [{ name: 'get_holdings', arguments: { limit: 20 } }] };
const answer = { text: 'Worth a lot.' };

function count(fake: FakeKite, predicate: (request: FakeKite['requests'][number]) => boolean): number {
  return fake.requests.filter(predicate).length;
}
const isInitialize = (request: FakeKite['requests'][number]) => request.rpcMethod === 'initialize';
const isLoginCallback = (request: FakeKite['requests'][number]) => request.path === '/callback' && request.status === 200;

test('two --ask runs over /mcp need one browser login between them', async ({ kite, model, browserLog, home, cli }) => {
  model.push(holdings, holdings, answer);
  const first = await cli(['--ask', 'Portfolio?']);
  expect(first.code).toBe(0);

  model.push(holdings, answer);
  const second = await cli(['--ask', 'Portfolio again?']);

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

test('a saved session the server has ended is replaced, said in one line, and logged in again', async ({ kite, model, browserLog, home, cli }) => {
  model.push(holdings, holdings, answer);
  expect((await cli(['--ask', 'Portfolio?'])).code).toBe(0);
  const { sessionId } = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };
  kite.expireSession(sessionId);

  model.push(holdings, holdings, answer);
  const second = await cli(['--ask', 'Portfolio again?']);

  expect(second.code).toBe(0);
  expect(second.stderr.split('\n').filter((line) => /saved Kite session has ended/.test(line))).toHaveLength(1);
  expect(count(kite, isInitialize)).toBe(2);
  expect(count(kite, isLoginCallback)).toBe(2);
  expect(await browserLaunches(browserLog, 2)).toHaveLength(2);
  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };
  expect(saved.sessionId).not.toBe(sessionId);
});

test('a saved session id the server never knew (400) starts a new session', async ({ kite, model, home, cli }) => {
  const unknown = 'kitemcp-00000000-0000-4000-8000-000000000000';
  await writeFile(join(home, 'session.json'), JSON.stringify({ url: kite.mcpUrl, sessionId: unknown, createdAt: Date.now() }), { mode: 0o600 });
  model.push(holdings, holdings, answer);

  const run = await cli(['--ask', 'Portfolio?']);

  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/saved Kite session has ended/);
  expect(count(kite, isInitialize)).toBe(1);
});

test('a saved session older than 12 hours is not reused', async ({ kite, model, home, cli }) => {
  model.push(holdings, holdings, answer);
  expect((await cli(['--ask', 'Portfolio?'])).code).toBe(0);
  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(home, 'session.json'), JSON.stringify({ ...saved, createdAt: Date.now() - 12 * 60 * 60 * 1000 - 1 }));

  model.push(answer);
  expect((await cli(['--ask', 'Hello?'])).code).toBe(0);

  expect(count(kite, isInitialize)).toBe(2);
});

test("Kite's daily login expiry starts the login again on the same session", async ({ kite, model, browserLog, cli }) => {
  model.push(holdings, holdings, answer);
  expect((await cli(['--ask', 'Portfolio?'])).code).toBe(0);
  kite.expireLogin();

  model.push(holdings, holdings, answer);
  const second = await cli(['--ask', 'Portfolio after 6 AM?']);

  expect(second.code).toBe(0);
  expect(count(kite, isInitialize)).toBe(1);
  expect(count(kite, isLoginCallback)).toBe(2);
  expect(await browserLaunches(browserLog, 2)).toHaveLength(2);
  const toolMessages = JSON.stringify(model.requests.at(-2)?.body?.messages);
  expect(toolMessages).toMatch(/logged in to Kite as/);
});

test('kite-chat login logs in and keeps the session; a second login finds it logged in', async ({ kite, browserLog, home, cli }) => {
  const first = await cli(['login']);

  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^Logged in to Kite as .+\.\n$/);
  expect(first.stderr).toContain('WARNING: AI systems are unpredictable');
  expect((await stat(join(home, 'session.json'))).mode & 0o777).toBe(0o600);

  const second = await cli(['login']);
  expect(second.code).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1);
  expect(count(kite, isInitialize)).toBe(1);
});

test('kite-chat logout ends the session on the server and deletes the saved files', async ({ kite, home, cli }) => {
  expect((await cli(['login'])).code).toBe(0);
  const { sessionId } = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };

  const run = await cli(['logout']);

  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/Logged out/);
  expect(kite.requests.some((request) => request.httpMethod === 'DELETE' && request.sessionId === sessionId)).toBe(true);
  await expect(stat(join(home, 'session.json'))).rejects.toThrow(/ENOENT/);
  expect(kite.isLoggedIn(sessionId)).toBe(false);
});

test('kite-chat tools prints every server tool with its read/write class', async ({ cli }) => {

  const run = await cli(['tools']);

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

test('the legacy /sse transport says it cannot keep a session between runs', async ({ kite, cli }) => {

  const run = await cli(['login', '--url', kite.sseUrl]);

  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/\/sse transport cannot keep a session/);
});
