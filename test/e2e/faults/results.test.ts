// Results too big or not text, met by a spawned kite-chat --ask: a 10,000-holding portfolio and a broad instrument
// search are paged (kite-chat adds `limit` when the model leaves it out) and capped to the result budget, with a
// notice that tells the model how to ask for less or for the next page; images, audio and binary resources reach the
// model as a short placeholder, never as base64.
import { DEFAULT_RESULT_BUDGET_CHARS } from '../../../src/tools/compact-result.js';
import { test as base, expect } from '../../support/fixtures.js';
import type { CliRun } from '../../support/run-cli.js';
import type { ScriptedOpenAI, ScriptedStep } from '../../support/scripted-openai.js';
import { startTinyMcpServer } from '../../support/tiny-mcp-server.js';
import { lastToolMessages, STACK_LINE, toolRequests } from '../../support/faults-harness.js';

/** A 1×1 transparent PNG, the smallest real image a server could send. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** `ask(url, steps)`: kite-chat --ask against the server at `url`, the model answering with `steps`; no stack trace. */
const test = base.extend<{ ask: (url: string, steps: ScriptedStep[]) => Promise<{ run: CliRun; model: ScriptedOpenAI }> }>({
  ask: async ({ model, cli }, use) => {
    await use(async (url, steps) => {
      model.push(...steps);
      const run = await cli(['--ask', 'Tell me about my account', '--url', url], { killAfterMs: 20_000 });
      expect(run.stderr).not.toMatch(STACK_LINE);
      return { run, model };
    });
  },
});

test('a 10,000-holding portfolio without a limit is asked for one page, and the model is told how to get the next', async ({ startKite, ask }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.largePortfolio = 10_000;
  const { run, model: fake } = await ask(kite.mcpUrl, [
    { toolCalls: [{ name: 'get_holdings', arguments: {} }] },
    { text: 'You hold 10,000 stocks; here are the first 150.' },
  ]);

  expect(run.code).toBe(0);
  expect(toolRequests(kite, 'get_holdings').map((request) => request.arguments)).toEqual([{ limit: 150 }]);
  const [result = ''] = lastToolMessages(fake);
  expect(result.length).toBeLessThanOrEqual(DEFAULT_RESULT_BUDGET_CHARS);
  expect(result).toMatch(/^pagination: \{"from":0,"limit":150,"total":10000,"has_more":true,"returned":150\}\n150 rows;/);
  expect(result).toContain('STOCK0150|');
  expect(result.split('\n').at(-1)).toBe(
    '[kite-chat asked get_holdings for 150 items of 10000 because the call gave no limit. Call it again with from=150 for the next page, or narrow the question.]',
  );
});

test('a 10,000-holding portfolio asked for whole is capped to the result budget with a notice to ask for less', async ({ startKite, ask }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.largePortfolio = 10_000;
  const { run, model: fake } = await ask(kite.mcpUrl, [
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10_000 } }] },
    { text: 'That is a lot of stocks.' },
  ]);

  expect(run.code).toBe(0);
  const [result = ''] = lastToolMessages(fake);
  expect(result.length).toBeLessThanOrEqual(DEFAULT_RESULT_BUDGET_CHARS);
  expect(result.split('\n').at(-1)).toMatch(
    /^\[truncated: showing \d+ of 10000 rows\. Ask for fewer with the tool's limit\/from arguments or a narrower query\.\]$/,
  );
});

test('a broad instrument search without a limit gets the first 50 matches and a notice', async ({ startKite, ask }) => {
  const kite = await startKite({ autoLogin: true });
  const { run, model: fake } = await ask(kite.mcpUrl, [
    { toolCalls: [{ name: 'search_instruments', arguments: { query: 'NSE' } }] },
    { text: 'Many NSE instruments match.' },
  ]);

  expect(run.code).toBe(0);
  expect(toolRequests(kite, 'search_instruments').map((request) => request.arguments)).toEqual([{ query: 'NSE', limit: 50 }]);
  const [result = ''] = lastToolMessages(fake);
  expect(result).toMatch(/^pagination: \{"from":0,"limit":50,"total":\d+,"has_more":true,"returned":50\}\n50 rows;/);
  expect(result).toMatch(/\[kite-chat asked search_instruments for 50 items of \d+ because the call gave no limit\. Call it again with from=50/);
});

test('a limit the model gave is sent as it is, and a page that holds everything gets no notice', async ({ startKite, ask }) => {
  const kite = await startKite({ autoLogin: true });
  const { run, model: fake } = await ask(kite.mcpUrl, [
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5, from: 0 } }, { name: 'get_positions', arguments: {} }] },
    { text: 'Done.' },
  ]);

  expect(run.code).toBe(0);
  expect(toolRequests(kite, 'get_holdings').map((request) => request.arguments)).toEqual([{ limit: 5, from: 0 }]);
  expect(toolRequests(kite, 'get_positions').map((request) => request.arguments)).toEqual([{ limit: 150 }]);
  for (const result of lastToolMessages(fake)) expect(result).not.toContain('[kite-chat asked');
});

test('images, audio and binary resources reach the model as placeholders, never as base64', async ({ closeAfter, ask }) => {
  const tiny = closeAfter(await startTinyMcpServer({
    tools: [{ name: 'chart', description: 'A price chart.', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } }],
    answer: () => ({
      content: [
        { type: 'text', text: 'Chart of NSE:INFY follows.' },
        { type: 'image', data: PNG_BASE64, mimeType: 'image/png' },
        { type: 'audio', data: PNG_BASE64, mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///chart.bin', mimeType: 'application/octet-stream', blob: PNG_BASE64 } },
      ],
    }),
  }));
  const { run, model: fake } = await ask(tiny.mcpUrl, [{ toolCalls: [{ name: 'chart', arguments: {} }] }, { text: 'I got a chart.' }]);

  expect(run.code).toBe(0);
  expect(lastToolMessages(fake)).toEqual([
    'Chart of NSE:INFY follows.\n[image: image/png]\n[audio: audio/wav]\n[resource: file:///chart.bin]',
  ]);
  expect(JSON.stringify(fake.requests)).not.toContain(PNG_BASE64.slice(0, 24));
  expect(run.stderr).not.toContain(PNG_BASE64.slice(0, 24));
});
