// `kite-chat doctor`, spawned as a user runs it against the fake Kite server (or a tiny MCP server) and the scripted
// model: each outcome (all good, a model that answers in prose, the MCP server down, a rejected key, a changed tool
// list, not logged in, a saved session) with its lines, its exit code, and what it did not do (no login tool, no
// write tool, no browser, no key shown, at most two model requests, nothing saved).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TOOLS_FILE } from '../../../src/tools/drift.js';
import { closedOrigin } from '../../support/faults-harness.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { TOOL_CATALOG } from '../../support/fake-kite/mock-data.js';
import { expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import type { CliRun } from '../../support/run-cli.js';
import { WRITE_TOOLS } from '../../support/safety-env.js';
import type { ScriptedOpenAI, ScriptedStep } from '../../support/scripted-openai.js';
import { startTinyMcpServer } from '../../support/tiny-mcp-server.js';

const CALLS_THE_FUNCTION: ScriptedStep = { toolCalls: [{ name: 'record_word', arguments: { word: 'kite' } }] };
const ANSWERS_IN_PROSE: ScriptedStep = { text: 'Sure! The word is "kite".' };

/** The doctor's stdout as [status, name, detail] per line. */
function checks(stdout: string): [string, string, string][] {
  return stdout.trim().split('\n').map((line) => {
    const [status = '', name = '', ...detail] = line.split(' ');
    return [status, name, detail.join(' ')];
  });
}

function statuses(stdout: string): string[] {
  return checks(stdout).map(([status, name]) => `${status} ${name}`);
}

/** What the doctor must never do, whatever the outcome. */
async function expectNothingDone(run: CliRun, { kite, model, browserLog }: { kite: FakeKite; model: ScriptedOpenAI; browserLog: string }): Promise<void> {
  expect(run.stdout + run.stderr).not.toContain(OPENAI_KEY);
  expect(run.stderr).not.toMatch(/^\s+at .+:\d+/m);
  expect(await readFile(browserLog, 'utf8').catch(() => '')).toBe('');
  const toolsCalled = kite.requests.flatMap((request) => (request.tool === undefined ? [] : [request.tool]));
  expect(toolsCalled.filter((name) => name === 'login' || WRITE_TOOLS.includes(name))).toEqual([]);
  const modelRequests = model.requests;
  expect(modelRequests.filter((request) => request.path.endsWith('/chat/completions')).length).toBeLessThanOrEqual(1);
  expect(modelRequests.length).toBeLessThanOrEqual(2);
}

test('all good: six ok lines in order, exit 0, one model list and one small request, only get_profile called', async ({ startKite, model, cli, browserLog }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(statuses(run.stdout)).toEqual(['ok config', 'ok mcp-server', 'ok tools', 'ok login', 'ok model', 'ok tool-calling']);
  expect(run.code).toBe(0);
  const [config, server, tools, login, listed] = checks(run.stdout).map(([, , detail]) => detail);
  expect(config).toContain(`MCP server ${kite.mcpUrl}`);
  expect(config).toContain('model scripted-model');
  expect(config).toContain('API key set');
  expect(server).toMatch(/ · Streamable HTTP · Kite MCP Server v0\.3\.1 · protocol \d{4}-\d{2}-\d{2}$/);
  expect(tools).toMatch(/^22 tools \(16 read, 6 write\); no earlier list saved/);
  expect(login).toMatch(/^logged in as \S/);
  expect(listed).toContain('lists scripted-model');
  expect(model.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
  expect(model.requests[1]?.body?.tools?.length).toBe(1);
  expect(kite.requests.filter((request) => request.tool !== undefined).map((request) => request.tool)).toEqual(['get_profile']);
  await expectNothingDone(run, { kite, model, browserLog });
});

test('--json prints one object with the six checks', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', kite.sseUrl, '--json']);

  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  const parsed = JSON.parse(run.stdout) as { checks: { name: string; status: string; detail: string }[] };
  expect(parsed.checks.map((check) => check.name)).toEqual(['config', 'mcp-server', 'tools', 'login', 'model', 'tool-calling']);
  expect(parsed.checks.every((check) => check.status === 'ok' && check.detail !== '')).toBe(true);
  expect(parsed.checks[1]?.detail).toContain('legacy HTTP+SSE');
});

test('a model that answers in prose: tool-calling warns that the tools may be dropped, exit 0', async ({ startKite, model, cli, browserLog }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(ANSWERS_IN_PROSE);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(statuses(run.stdout).at(-1)).toBe('warn tool-calling');
  expect(checks(run.stdout).at(-1)?.[2]).toMatch(/answered in text instead of calling the function: .*may not do tool calling, or may drop the tools/);
  expect(run.code).toBe(0);
  await expectNothingDone(run, { kite, model, browserLog });
});

test('the MCP server down: mcp-server fails with one line, the tools and login are not checked, exit 4', async ({ model, cli }) => {
  const url = `${await closedOrigin()}/mcp`;
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', url]);

  expect(statuses(run.stdout)).toEqual(['ok config', 'fail mcp-server', 'warn tools', 'warn login', 'ok model', 'ok tool-calling']);
  expect(checks(run.stdout)[1]?.[2]).toMatch(new RegExp(`^Cannot reach the Kite MCP server at ${url}.*check --url`));
  expect(run.code).toBe(4);
});

test('a rejected key: model fails with the 401 line and no key, tool-calling is not tried, exit 5', async ({ startKite, model, cli, browserLog }) => {
  const kite = await startKite({ autoLogin: true });
  model.options.apiKey = 'sk-the-right-key-0123456789';

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(statuses(run.stdout).slice(4)).toEqual(['fail model', 'warn tool-calling']);
  expect(checks(run.stdout)[4]?.[2]).toMatch(/rejected the key \(401\).*check OPENAI_API_KEY/);
  expect(run.code).toBe(5);
  expect(model.requests.map((request) => request.path)).toEqual(['/v1/models']);
  await expectNothingDone(run, { kite, model, browserLog });
});

test('a model the server does not list fails the model check and names what it lists', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.options.models = ['llama3.2:3b', 'nomic-embed-text'];

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(checks(run.stdout)[4]).toEqual(['fail', 'model', expect.stringMatching(/does not list model scripted-model \(it lists llama3\.2:3b, nomic-embed-text\)/)]);
  expect(run.code).toBe(5);
});

test('a server whose tool list changed: the change is named, and the saved list is left for the next run to report', async ({ closeAfter, model, cli, home }) => {
  const [first, second, third] = TOOL_CATALOG.filter((tool) => tool.name.startsWith('get_'));
  if (first === undefined || second === undefined || third === undefined) throw new Error('expected Kite read tools');
  const tiny = closeAfter(await startTinyMcpServer({ tools: [first, second] }));
  model.push(CALLS_THE_FUNCTION);
  expect((await cli(['tools', '--url', tiny.mcpUrl])).code).toBe(0); // records the list
  const recorded = await readFile(join(home, TOOLS_FILE), 'utf8');
  tiny.tools = [first, { ...third, annotations: { readOnlyHint: true } }, { name: 'place_basket', inputSchema: { type: 'object' } }];

  const run = await cli(['doctor', '--url', tiny.mcpUrl]);

  const [status, , detail] = checks(run.stdout)[2] ?? [];
  expect(status).toBe('warn');
  expect(detail).toContain('3 tools (1 read, 2 write)');
  expect(detail).toContain(`added: ${third.name} (read)`);
  expect(detail).toContain('added: place_basket (write)');
  expect(detail).toContain(`removed: ${second.name}`);
  expect(detail).toContain('WARNING: new tool that can act on your account');
  expect(run.code).toBe(0);
  expect(await readFile(join(home, TOOLS_FILE), 'utf8')).toBe(recorded);
});

test('not logged in on /mcp is a warn naming the command that logs in, never a fail', async ({ kite, model, cli }) => {
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(checks(run.stdout)[3]).toEqual(['warn', 'login', `not logged in: run \`kite-chat login --url ${kite.mcpUrl}\` (one browser login lasts 12 h)`]);
  expect(run.code).toBe(0);
});

test('a saved session that is logged in is checked as the next run would resume it, with its age', async ({ kite, model, cli, home }) => {
  model.push(CALLS_THE_FUNCTION);
  expect((await cli(['tools', '--url', kite.mcpUrl])).code).toBe(0); // saves the session
  const saved = JSON.parse(await readFile(join(home, 'session.json'), 'utf8')) as { sessionId: string };
  kite.completeLogin(saved.sessionId);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(checks(run.stdout)[3]).toEqual(['ok', 'login', expect.stringMatching(/^logged in as \S.* \(saved session under a minute old, good for 11 h 59 min more\)$/)]);
  expect(run.stdout).not.toContain(saved.sessionId);
  expect(JSON.parse(await readFile(join(home, 'session.json'), 'utf8'))).toEqual(saved); // nothing replaced
});
