// A portfolio question answered with figures kite-chat computed: the scripted model calls the local
// portfolio_summary tool, which reads the server on the live session, and quotes its total in the answer.
import { expect, test } from '../../support/fixtures.js';
import type { RecordedRequest } from '../../support/scripted-openai.js';

/** The model quotes the "total" row of the summary it was given, as the system prompt tells it to. */
function quoteTheTotal(request: RecordedRequest) {
  const toolMessage = request.body?.messages?.at(-1);
  const text = typeof toolMessage?.content === 'string' ? toolMessage.content : '';
  const total = /^\| total \| \d+ \| (₹[\d,.]+) \| (₹[\d,.]+) \| (-?₹[\d,.]+) \| (-?[\d.]+%) \|$/m.exec(text);
  return { text: total === null ? `no total in: ${text.slice(0, 200)}` : `Your portfolio is worth ${total[2]}; unrealised P&L ${total[3]} (${total[4]}).` };
}

test('portfolio_summary runs locally on the live session and the answer carries its figures', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.push({ toolCalls: [{ name: 'portfolio_summary', arguments: {} }] }, quoteTheTotal);

  const run = await cli(['--ask', 'What is my portfolio worth?', '--url', kite.mcpUrl]);

  expect(run.code).toBe(0);
  // By hand from kite/mocks (see test/unit/portfolio/portfolio.test.ts): equity 352.95 + 12199.2 = 12552.15 now; funds
  // 61230.8249556 now; total 73782.9749556 → ₹73,782.97; P&L −437.35 − 1266.311702492 → −₹1,703.66 (−2.26%).
  expect(run.stdout).toBe('Your portfolio is worth ₹73,782.97; unrealised P&L -₹1,703.66 (-2.26%).\n');
  const tools = kite.requests.filter((request) => request.tool !== undefined).map((request) => request.tool);
  expect(tools).not.toContain('portfolio_summary');
  expect(new Set(tools)).toEqual(new Set(['get_holdings', 'get_positions', 'get_mf_holdings', 'get_margins']));
  const offered = model.requests[0]?.body?.tools?.map((tool) => (tool.type === 'function' ? tool.function.name : ''));
  expect(offered).toContain('portfolio_summary');
  expect(offered).toContain('holding_detail');
});
