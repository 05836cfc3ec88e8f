// Changing what already exists, with --trading, in the REPL in a real pseudo-terminal: modify_order and cancel_order
// show what changes in the order as get_orders lists it (before → after), modify_gtt_order and delete_gtt_order in
// the GTT as get_gtts lists it; the preview is read off the rendered screen, right above the question, and the
// phrase to type back is that order's (or GTT's) symbol and quantity; only then does the call reach Kite.
import { expect, test } from '../../support/fixtures.js';
import { endsWithPrompt, lastUsedRow } from '../../support/pty-session.js';

/** kite/mocks/orders.json: 220524001859672 is BUY 200 NSE:SBIN LIMIT ₹463 CNC (REJECTED); 98000000000000000 is SELL 60 NSE:BHEL LIMIT ₹85. */
const MODIFY_SBIN = { variety: 'regular', order_id: '220524001859672', quantity: 50, order_type: 'LIMIT', price: 470 };
const CANCEL_BHEL = { variety: 'regular', order_id: '98000000000000000' };
/** kite/mocks/gtt_get_orders.json: GTT 112127 buys 1 NSE:INFY at limit ₹702.50 when it falls to ₹702. */
const MODIFY_GTT = {
  trigger_id: 112127, exchange: 'NSE', tradingsymbol: 'INFY', last_price: 1500, transaction_type: 'BUY',
  trigger_type: 'single', trigger_value: 1400, quantity: 10, limit_price: 1401,
};
const DELETE_GTT = { trigger_id: 112127 };

const CASES = [
  {
    tool: 'modify_order',
    arguments: MODIFY_SBIN,
    lookUp: 'get_orders',
    shows: [
      'MODIFY order 220524001859672: BUY 50 × NSE:SBIN at limit ₹470.00, delivery (CNC) — about ₹23,500.00',
      '  Quantity:           200 → 50',
      '  Price:              ₹463.00 → ₹470.00',
    ],
    question: 'Type "SBIN 50" to change this order, anything else cancels: ',
  },
  {
    tool: 'cancel_order',
    arguments: CANCEL_BHEL,
    lookUp: 'get_orders',
    shows: [
      'CANCEL order 98000000000000000: SELL 60 × NSE:BHEL at limit ₹85.00, delivery (CNC)',
      '  Status:             CANCELLED → cancelled',
    ],
    question: 'Type "BHEL 60" to cancel this order, anything else keeps it: ',
  },
  {
    tool: 'modify_gtt_order',
    arguments: MODIFY_GTT,
    lookUp: 'get_gtts',
    shows: [
      'MODIFY GTT 112127: BUY NSE:INFY, 10 at limit ₹1,401.00 once the price reaches ₹1,400.00 — about ₹14,010.00',
      '  Trigger:            ₹702.00 → ₹1,400.00',
      '  Quantity:           1 → 10',
      '  Limit price:        ₹702.50 → ₹1,401.00',
      '  Last price sent:    ₹1,500.00',
    ],
    question: 'Type "INFY 10" to change this GTT, anything else cancels: ',
  },
  {
    tool: 'delete_gtt_order',
    arguments: DELETE_GTT,
    lookUp: 'get_gtts',
    shows: [
      'DELETE GTT 112127: BUY NSE:INFY, trigger ₹702.00, quantity 1, status active',
      '  Status:             active → deleted',
    ],
    question: 'Type "INFY 1" to delete this GTT, anything else keeps it: ',
  },
];

test.for(CASES)('$tool shows what it changes ($lookUp) as before → after, and runs once its symbol and quantity are typed back', async (example, { startKite, model, repl }) => {
  const kite = await startKite({ autoLogin: true, ltp: { 'NSE:INFY': 1500 } });
  model.push(
    { toolCalls: [{ name: example.tool, arguments: example.arguments }] },
    { text: 'Not changed.' },
    { toolCalls: [{ name: example.tool, arguments: example.arguments }] },
    { text: 'Changed.' },
  );
  const session = repl(['--url', kite.mcpUrl, '--no-browser', '--trading']);
  const sent = () => kite.requests.filter((request) => request.tool === example.tool);
  await session.waitFor('›');

  session.type('Change it\r');
  const asked = await session.waitForScreen((screen) => endsWithPrompt(screen, example.question), example.question);
  const questionRow = lastUsedRow(asked);
  expect(asked.lines.slice(questionRow - example.shows.length, questionRow)).toEqual(example.shows);
  expect(asked.lines[questionRow - example.shows.length - 1]).toMatch(/› Change it$/); // nothing else in between
  expect(kite.requests.some((request) => request.tool === example.lookUp)).toBe(true);
  // Typing the id, as the preview does without the look-up, is not the phrase.
  const from = session.text().length;
  session.type(`${String(Object.values(example.arguments).find((value) => /^\d{6,}$/.test(String(value))))}\r`);
  await session.waitFor('Not changed.', { after: from });
  expect(sent()).toEqual([]);

  session.type('Do it\r');
  await session.waitFor(example.question.trimEnd(), { after: from });
  session.type(`${/"(.+)"/.exec(example.question)?.[1] ?? ''}\r`);
  await session.waitFor('Changed.', { after: from });
  expect(sent().map((request) => request.arguments)).toEqual([example.arguments]);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});
