// Tool arguments mean one thing (issue 14): `{"mode":"list","Mode":"place"}` was classed a read by our look at `mode`
// while a Go server that matches keys without regard to case may act on `Mode`. Such a call, and any key a tool does
// not declare, is refused with a message the model can act on before anything reaches the server; at the write gate
// every undeclared key is refused, even where a tool's schema would let extra keys in.
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeKiteNext, type FakeKiteNext } from '../../support/fake-kite-next/index.js';
import { startReplInPty, type PtySession } from '../../support/pty-session.js';
import { REPO_ROOT, runCli } from '../../support/run-cli.js';
import { completions, safetyEnvironment, toolMessages } from '../../support/safety-env.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';
import { startTinyMcpServer, textResult, type TinyMcpServer, type TinyTool } from '../../support/tiny-mcp-server.js';

const BROWSER_OAUTH = join(REPO_ROOT, 'test', 'support', 'browser-oauth.mjs');

let next: FakeKiteNext | undefined;
let tiny: TinyMcpServer | undefined;
let model: ScriptedOpenAI | undefined;
let repl: PtySession | undefined;

afterEach(async () => {
  repl?.kill();
  await Promise.all([next?.close(), tiny?.close(), model?.close()]);
  repl = undefined;
  next = undefined;
  tiny = undefined;
  model = undefined;
});

test('--ask against Kite\'s next server refuses orders {"mode":"list","Mode":"place"} before it reaches the server', async () => {
  next = await startFakeKiteNext();
  const smuggled = { mode: 'list', Mode: 'place', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'SELL', quantity: 300, product: 'CNC', order_type: 'MARKET' };
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'orders', arguments: smuggled }] },
    { text: 'I could not list your orders.' },
  ]);
  const { env } = await safetyEnvironment({ baseURL: model.baseURL, browser: BROWSER_OAUTH });

  const run = await runCli(['--ask', 'What are my orders?', '--url', next.mcpUrl], { env });

  expect(run.code).toBe(0);
  expect(next.requests.filter((request) => request.tool === 'orders')).toEqual([]);
  const [refusal] = toolMessages(completions(model.requests)[1]);
  expect(refusal).toEqual({
    name: 'orders',
    content: "Argument 'Mode' is not accepted: argument names are case-sensitive and the tool declares 'mode'; send 'mode' once, spelled exactly so, and no other spelling of it. Call the tool again with corrected arguments.",
  });
  expect(run.stderr).toMatch(/✗ orders\b/);
});

test('with --trading, a key the tool does not declare is refused at the write gate even where its schema allows extras', async () => {
  const sendMoney = {
    name: 'send_money',
    description: 'Sends money.',
    inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'], additionalProperties: true },
  } as TinyTool;
  tiny = await startTinyMcpServer({ tools: [sendMoney], answer: () => textResult('sent') });
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'send_money', arguments: { amount: 1, note: 'and 99,999 more' } }] },
    { text: 'Nothing was sent.' },
  ]);
  const { env } = await safetyEnvironment({ baseURL: model.baseURL });
  repl = startReplInPty(['--url', tiny.mcpUrl, '--no-browser', '--trading'], env);

  await repl.waitFor('›');
  repl.type('Send one rupee\r');
  await repl.waitFor('Nothing was sent.');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);

  expect(repl.text()).toContain("Refused send_money before asking you: Argument 'note' is not accepted (accepted: amount).");
  expect(repl.text()).not.toContain('About to send to Kite');
  expect(tiny.calls.filter((call) => call.name === 'send_money')).toEqual([]); // (the REPL asks get_profile for the prompt)
  const [refusal] = toolMessages(completions(model.requests)[1]);
  expect(refusal?.content).toMatch(/^\[tool error\] NOT DONE: send_money was not sent .*Argument 'note' is not accepted \(accepted: amount\)\./s);
});
