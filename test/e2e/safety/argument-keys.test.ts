// Tool arguments mean one thing (issue 14): `{"mode":"list","Mode":"place"}` was classed a read by our look at `mode`
// while a Go server that matches keys without regard to case may act on `Mode`. Such a call, and any key a tool does
// not declare, is refused with a message the model can act on before anything reaches the server; at the write gate
// every undeclared key is refused, even where a tool's schema would let extra keys in.
import { startFakeKiteNext } from '../../support/fake-kite-next/index.js';
import { expect, test } from '../../support/fixtures.js';
import { BROWSER_OAUTH } from '../../support/run-cli.js';
import { completions, toolMessages } from '../../support/safety-env.js';
import { startTinyMcpServer, textResult, type TinyTool } from '../../support/tiny-mcp-server.js';

test('--ask against Kite\'s next server refuses orders {"mode":"list","Mode":"place"} before it reaches the server', async ({ closeAfter, model, cli }) => {
  const next = closeAfter(await startFakeKiteNext());
  const smuggled = { mode: 'list', Mode: 'place', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'SELL', quantity: 300, product: 'CNC', order_type: 'MARKET' };
  model.push(
    { toolCalls: [{ name: 'orders', arguments: smuggled }] },
    { text: 'I could not list your orders.' },
  );

  const run = await cli(['--ask', 'What are my orders?', '--url', next.mcpUrl], { env: { BROWSER: BROWSER_OAUTH } });

  expect(run.code).toBe(0);
  expect(next.requests.filter((request) => request.tool === 'orders')).toEqual([]);
  const [refusal] = toolMessages(completions(model.requests)[1]);
  expect(refusal).toEqual({
    name: 'orders',
    content: "Argument 'Mode' is not accepted: argument names are case-sensitive and the tool declares 'mode'; send 'mode' once, spelled exactly so, and no other spelling of it. Call the tool again with corrected arguments.",
  });
  expect(run.stderr).toMatch(/✗ orders\b/);
});

test('with --trading, a key the tool does not declare is refused at the write gate even where its schema allows extras', async ({ closeAfter, model, repl }) => {
  const sendMoney = {
    name: 'send_money',
    description: 'Sends money.',
    inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'], additionalProperties: true },
  } as TinyTool;
  const tiny = closeAfter(await startTinyMcpServer({ tools: [sendMoney], answer: () => textResult('sent') }));
  model.push(
    { toolCalls: [{ name: 'send_money', arguments: { amount: 1, note: 'and 99,999 more' } }] },
    { text: 'Nothing was sent.' },
  );
  const session = repl(['--url', tiny.mcpUrl, '--no-browser', '--trading']);

  await session.waitFor('›');
  await session.say('Send one rupee', 'Nothing was sent.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);

  expect(session.text()).toContain("Refused send_money before asking you: Argument 'note' is not accepted (accepted: amount).");
  expect(session.text()).not.toContain('About to send to Kite');
  expect(tiny.calls.filter((call) => call.name === 'send_money')).toEqual([]); // (the REPL asks get_profile for the prompt)
  const [refusal] = toolMessages(completions(model.requests)[1]);
  expect(refusal?.content).toMatch(/^\[tool error\] NOT DONE: send_money was not sent .*Argument 'note' is not accepted \(accepted: amount\)\./s);
});
