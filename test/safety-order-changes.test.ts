// Changing what already exists, with --trading, in the REPL in a real pseudo-terminal: modify_order and cancel_order
// show the order as get_orders lists it, modify_gtt_order and delete_gtt_order the GTT as get_gtts lists it, and the
// phrase to type back is that order's (or GTT's) symbol and quantity; only then does the call reach Kite.
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from './support/fake-kite/index.js';
import { startReplInPty, type PtySession } from './support/pty-session.js';
import { safetyEnvironment } from './support/safety-env.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from './support/scripted-openai.js';

let kite: FakeKite | undefined;
let model: ScriptedOpenAI | undefined;
let repl: PtySession | undefined;

afterEach(async () => {
  repl?.kill();
  await Promise.all([kite?.close(), model?.close()]);
  repl = undefined;
  kite = undefined;
  model = undefined;
});

/** kite/mocks/orders.json: 220524001859672 is BUY 200 NSE:SBIN LIMIT ₹463 CNC (REJECTED); 98000000000000000 is SELL 60 NSE:BHEL LIMIT ₹85. */
const MODIFY_SBIN = { variety: 'regular', order_id: '220524001859672', quantity: 50, order_type: 'LIMIT', price: 470 };
const CANCEL_BHEL = { variety: 'regular', order_id: '98000000000000000' };
/** kite/mocks/gtt_get_orders.json: GTT 112127 buys 1 NSE:INFY when it falls to ₹702. */
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
      'About to send to Kite: MODIFY order 220524001859672: BUY 50 × NSE:SBIN (CNC, LIMIT ₹470.00)',
      'Order now:          BUY 200 × NSE:SBIN, CNC, LIMIT ₹463.00, status REJECTED',
      'Quantity:           200 → 50',
      'Price:              ₹463.00 → ₹470.00',
      'Estimated value:    about ₹23,500.00 (50 × limit price ₹470.00)',
    ],
    phrase: 'SBIN 50',
  },
  {
    tool: 'cancel_order',
    arguments: CANCEL_BHEL,
    lookUp: 'get_orders',
    shows: [
      'About to send to Kite: CANCEL order 98000000000000000: SELL 60 × NSE:BHEL, CNC, LIMIT ₹85.00, status CANCELLED',
      'Order now:          SELL 60 × NSE:BHEL, CNC, LIMIT ₹85.00, status CANCELLED',
    ],
    phrase: 'BHEL 60',
  },
  {
    tool: 'modify_gtt_order',
    arguments: MODIFY_GTT,
    lookUp: 'get_gtts',
    shows: [
      'About to send to Kite: MODIFY GTT 112127: BUY NSE:INFY (10 × trigger ₹1,400.00, LIMIT ₹1,401.00)',
      'GTT now:            BUY NSE:INFY, trigger ₹702.00, quantity 1, status active',
      'Estimated value:    about ₹14,010.00 (10 × limit price ₹1,401.00)',
    ],
    phrase: 'INFY 10',
  },
  {
    tool: 'delete_gtt_order',
    arguments: DELETE_GTT,
    lookUp: 'get_gtts',
    shows: [
      'About to send to Kite: DELETE GTT 112127: BUY NSE:INFY, trigger ₹702.00, quantity 1, status active',
      'GTT now:            BUY NSE:INFY, trigger ₹702.00, quantity 1, status active',
    ],
    phrase: 'INFY 1',
  },
];

test.each(CASES)('$tool shows what it changes ($lookUp) and runs once its symbol and quantity are typed back', async (example) => {
  kite = await startFakeKite({ autoLogin: true, ltp: { 'NSE:INFY': 1500 } });
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: example.tool, arguments: example.arguments }] },
    { text: 'Not changed.' },
    { toolCalls: [{ name: example.tool, arguments: example.arguments }] },
    { text: 'Changed.' },
  ]);
  const { env } = await safetyEnvironment({ baseURL: model.baseURL });
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-browser', '--trading'], env);
  const sent = () => (kite?.requests ?? []).filter((request) => request.tool === example.tool);
  await repl.waitFor('›');

  repl.type('Change it\r');
  await repl.waitFor(`Type "${example.phrase}" to confirm`);
  for (const line of example.shows) expect(repl.text()).toContain(line);
  expect(kite.requests.some((request) => request.tool === example.lookUp)).toBe(true);
  // Typing the id, as the preview does without the look-up, is not the phrase.
  const from = repl.text().length;
  repl.type(`${String(Object.values(example.arguments).find((value) => /^\d{6,}$/.test(String(value))))}\r`);
  await repl.waitFor('Not changed.', { after: from });
  expect(sent()).toEqual([]);

  repl.type('Do it\r');
  await repl.waitFor(`Type "${example.phrase}" to confirm`, { after: from });
  repl.type(`${example.phrase}\r`);
  await repl.waitFor('Changed.', { after: from });
  expect(sent().map((request) => request.arguments)).toEqual([example.arguments]);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});
