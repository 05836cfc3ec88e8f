// The order preview (src/trading/order-preview.ts): the leading sentence, only the fields that matter, before → after
// for changes, the value and the cap, the typed phrase.
import { test, expect } from 'vitest';
import {
  checkOrderValue,
  describeWriteCall,
  isConfirmation,
  orderFingerprint,
  type OrderPreview,
} from '../../../src/trading/order-preview.js';
import { DEFAULT_MAX_ORDER_VALUE_RUPEES } from '../../../src/config/values.js';

const CAP = DEFAULT_MAX_ORDER_VALUE_RUPEES;
const INFY_LIMIT = {
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10,
  product: 'CNC', order_type: 'LIMIT', price: 1500,
};
/** An open order as get_orders returns it (kite/mocks/order_info.json, trimmed). */
const SBIN_ORDER = {
  order_id: '171229000724687', status: 'OPEN', variety: 'regular', exchange: 'NSE', tradingsymbol: 'SBIN',
  order_type: 'LIMIT', transaction_type: 'BUY', validity: 'DAY', product: 'CNC', quantity: 1, price: 300.1,
  trigger_price: 0, disclosed_quantity: 0, pending_quantity: 1,
};
/** A GTT as get_gtts returns it (kite/mocks/gtt_get_order.json, trimmed). */
const RAIN_GTT = {
  id: 123, type: 'two-leg', status: 'active',
  condition: { exchange: 'NSE', last_price: 102.6, tradingsymbol: 'RAIN', trigger_values: [102, 103.7] },
  orders: [1, 2].map(() => ({
    exchange: 'NSE', tradingsymbol: 'RAIN', product: 'CNC', order_type: 'LIMIT', transaction_type: 'SELL', quantity: 1, price: 1,
  })),
};
const GTT_SINGLE = {
  exchange: 'NSE', tradingsymbol: 'INFY', last_price: 1500, transaction_type: 'BUY', product: 'CNC',
  trigger_type: 'single', trigger_value: 1400, quantity: 10, limit_price: 1401,
};
const GTT_TWO_LEG = {
  exchange: 'NSE', tradingsymbol: 'INFY', last_price: 1500, transaction_type: 'SELL', product: 'CNC',
  trigger_type: 'two-leg', upper_trigger_value: 1700, upper_quantity: 10, upper_limit_price: 1699,
  lower_trigger_value: 1300, lower_quantity: 5, lower_limit_price: 1299,
};

function line(preview: OrderPreview, label: string): string | undefined {
  return preview.lines.find((each) => each.startsWith(`${label}:`))?.slice(label.length + 1).trimStart();
}

test('a market BUY is one sentence and its question: nothing unset is listed', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, tradingsymbol: 'SBIN', order_type: 'MARKET', price: undefined }, { ltp: 812.35 });
  expect(preview).toMatchObject({
    title: 'BUY 10 × NSE:SBIN at market, delivery (CNC) — about ₹8,123.50',
    lines: [],
    warnings: [],
    confirmPhrase: 'SBIN 10',
    question: 'Type "SBIN 10" to place this order, anything else cancels: ',
    estimatedValueRupees: 8123.5,
    instrument: 'NSE:SBIN',
    valueRequired: true,
    problems: [],
  });
});

test('a LIMIT buy puts its price in the sentence, with its value, instrument and confirm phrase', () => {
  const preview = describeWriteCall('place_order', INFY_LIMIT, {});
  expect(preview).toMatchObject({
    title: 'BUY 10 × NSE:INFY at limit ₹1,500.00, delivery (CNC) — about ₹15,000.00',
    lines: [],
    confirmPhrase: 'INFY 10',
    estimatedValueRupees: 15000,
    instrument: 'NSE:INFY',
    valueRequired: true,
    problems: [],
  });
});

test('fields that are set, or that change what happens, are listed one a line', () => {
  const preview = describeWriteCall('place_order', {
    ...INFY_LIMIT, variety: 'iceberg', validity: 'TTL', validity_ttl: 5, disclosed_quantity: 2, iceberg_legs: 5,
    iceberg_quantity: 2, tag: 'rebalance', trigger_price: 1490,
  }, {});
  expect(preview.lines).toEqual([
    'Trigger price:      ₹1,490.00 (not used by LIMIT orders)',
    'Validity:           TTL',
    'Validity minutes:   5',
    'Disclosed quantity: 2',
    'Iceberg:            5 legs of 2',
    'Variety:            iceberg',
    'Tag:                rebalance',
  ]);
});

test('a regular variety and a price a MARKET order does not use are told apart from what matters', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, order_type: 'MARKET', price: 100 }, { ltp: 1480 });
  expect(preview.title).toBe('BUY 10 × NSE:INFY at market, delivery (CNC) — about ₹14,800.00');
  expect(preview.lines).toEqual(['Price:              ₹100.00 (not used by MARKET orders)']);
});

test('a value that cannot be estimated is said in the sentence', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, order_type: 'MARKET', price: undefined }, {});
  expect(preview.title).toBe(
    'BUY 10 × NSE:INFY at market, delivery (CNC) — value unknown: there is no limit price and the last traded price is not known',
  );
});

test.each([
  ['MARKET with a last price', { order_type: 'MARKET', price: undefined }, 1480, 14800, 'last traded price'],
  ['MARKET ignores a price the model added, as Kite does', { order_type: 'MARKET', price: 100 }, 1480, 14800,
    'last traded price'],
  ['MARKET without a last price', { order_type: 'MARKET', price: undefined }, undefined, undefined, 'not known'],
  ['SL uses its limit price', { order_type: 'SL', price: 1495, trigger_price: 1490 }, 1480, 14950, 'limit price'],
  ['SL-M uses a trigger above the last price', { order_type: 'SL-M', price: undefined, trigger_price: 1490 }, 1480, 14900,
    'trigger price'],
  ['SL-M uses a last price above the trigger', { order_type: 'SL-M', price: undefined, trigger_price: 1400 }, 1480, 14800,
    'last traded price'],
  ['LIMIT without a price falls back to the last price', { price: undefined }, 1480, 14800, 'last traded price'],
  ['MCX counts lots, so its value is unknown', { exchange: 'MCX', tradingsymbol: 'GOLDM25AUGFUT' }, 70000, undefined,
    'lots'],
  ['NFO counts units', { exchange: 'NFO', tradingsymbol: 'NIFTY25AUG24500CE', quantity: 75, price: 120 }, undefined, 9000,
    'limit price'],
])('the value of %s', (_kind, changes, ltp, value, note) => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, ...changes }, { ltp });
  expect(preview.estimatedValueRupees).toBe(value);
  expect(preview.valueNote).toContain(note);
});

test.each([
  ['SL', { order_type: 'SL', price: 1495, trigger_price: 1490 },
    'BUY 10 × NSE:INFY stop-loss at limit ₹1,495.00, trigger ₹1,490.00, delivery (CNC) — about ₹14,950.00'],
  ['SL-M', { order_type: 'SL-M', price: undefined, trigger_price: 1490 },
    'BUY 10 × NSE:INFY stop-loss at market, trigger ₹1,490.00, delivery (CNC) — about ₹14,900.00'],
  ['MARKET', { order_type: 'MARKET', price: undefined }, 'BUY 10 × NSE:INFY at market, delivery (CNC) — about ₹14,000.00'],
  ['an intraday sell', { transaction_type: 'SELL', product: 'MIS' }, 'SELL 10 × NSE:INFY at limit ₹1,500.00, intraday (MIS) — about ₹15,000.00'],
  ['an F&O carry-forward', { exchange: 'NFO', tradingsymbol: 'NIFTY25AUG24500CE', quantity: 75, price: 120, product: 'NRML' },
    'BUY 75 × NFO:NIFTY25AUG24500CE at limit ₹120.00, carry forward (NRML) — about ₹9,000.00'],
  ['an unknown order type', { order_type: 'BRACKET' }, 'BUY 10 × NSE:INFY order type BRACKET, delivery (CNC) — about ₹14,000.00'],
])('the sentence of %s order', (_kind, changes, title) => {
  expect(describeWriteCall('place_order', { ...INFY_LIMIT, ...changes }, { ltp: 1400 }).title).toBe(title);
});

test.each([
  ['a quantity sent as text', { quantity: '10' }, /quantity must be a number.*"10".*read as 1/],
  ['a fractional quantity', { quantity: 10.5 }, /quantity must be a whole number.*cut to 10/],
  ['a zero quantity', { quantity: 0 }, /quantity must be at least 1/],
  ['a negative quantity', { quantity: -5 }, /quantity must not be negative/],
  ['a missing quantity', { quantity: undefined }, /quantity is missing/],
  ['a price sent as text', { price: '1500' }, /price must be a number.*read as 0/],
  ['a missing symbol', { tradingsymbol: undefined }, /tradingsymbol is missing/],
  ['a symbol in small letters', { tradingsymbol: 'infy' }, /not a Kite trading symbol/],
  ['a symbol that smuggles in a line', { tradingsymbol: 'INFY\nQuantity: 1' }, /not a Kite trading symbol/],
  ['a missing side', { transaction_type: undefined }, /transaction_type is missing/],
  ['a side sent as a number', { transaction_type: 1 }, /transaction_type must be text/],
  ['a missing order type', { order_type: undefined }, /order_type is missing/],
])('%s is a problem that refuses the order and any confirmation', (_kind, changes, problem) => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, ...changes }, { ltp: 1500 });
  expect(preview.problems.join(' ')).toMatch(problem);
  const check = checkOrderValue(preview, CAP);
  expect(check).toMatchObject({ ok: false, refusal: 'invalid-arguments' });
  if (!check.ok) expect(check.reason).toMatch(problem);
  expect(isConfirmation(preview.confirmPhrase, preview)).toBe(false);
});

test('a value a model sends is shown on one escaped line, whatever it contains', () => {
  const hostile = { ...INFY_LIMIT, tradingsymbol: 'INFY\u001b[2K\rSBIN', tag: 'a\nb\u202ec', note: { nested: ['\u0007'] } };
  const preview = describeWriteCall('place_order', hostile, {});
  for (const text of [preview.title, ...preview.lines]) {
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  }
  expect(preview.title).toContain('NSE:"INFY\\u001b[2K\\rSBIN"');
  expect(line(preview, 'Tag')).toBe('"a\\nb\\u202ec"');
  expect(line(preview, 'note (extra)')).toBe('{"nested":["\\u0007"]}');
});

test('an argument nobody expected is still shown, and a huge one is cut with a count', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, market_protection: 5, blob: 'x'.repeat(1000) }, {});
  expect(line(preview, 'market_protection (extra)')).toBe('5');
  expect(line(preview, 'blob (extra)')).toBe(`${'x'.repeat(200)}… (800 more characters)`);
});

test('a modify shows what changes as before → after, and leaves out what stays or is not sent', () => {
  const args = { variety: 'regular', order_id: '171229000724687', quantity: 20, price: 301.5, order_type: 'LIMIT' };
  const preview = describeWriteCall('modify_order', args, { existingOrder: SBIN_ORDER, ltp: 305 });
  expect(preview.title).toBe('MODIFY order 171229000724687: BUY 20 × NSE:SBIN at limit ₹301.50, delivery (CNC) — about ₹6,030.00');
  expect(preview.lines).toEqual([
    'Quantity:           1 → 20',
    'Price:              ₹300.10 → ₹301.50',
  ]);
  expect(preview).toMatchObject({
    confirmPhrase: 'SBIN 20', question: 'Type "SBIN 20" to change this order, anything else cancels: ',
    estimatedValueRupees: 6030, instrument: 'NSE:SBIN', problems: [],
  });
});

test('a modify that changes nothing says so', () => {
  const args = { variety: 'regular', order_id: '171229000724687', quantity: 1, price: 300.1, order_type: 'LIMIT', validity: 'DAY' };
  expect(describeWriteCall('modify_order', args, { existingOrder: SBIN_ORDER }).lines).toEqual(['Changes:            none; the order stays as it is']);
});

test('a modify that leaves out the price is valued at the price the order keeps', () => {
  const args = { variety: 'regular', order_id: '171229000724687', quantity: 2, order_type: 'LIMIT' };
  const preview = describeWriteCall('modify_order', args, { existingOrder: SBIN_ORDER });
  expect(preview.estimatedValueRupees).toBeCloseTo(600.2);
});

test('a modify without quantity is refused, because Kite MCP would change the order to 1', () => {
  const args = { variety: 'regular', order_id: '171229000724687', price: 301, order_type: 'LIMIT' };
  const preview = describeWriteCall('modify_order', args, { existingOrder: SBIN_ORDER });
  expect(preview.problems.join(' ')).toContain('change the order to 1');
  expect(checkOrderValue(preview, CAP).ok).toBe(false);
});

test('a modify of an order that was not found asks for the order id and cannot pass the value check', () => {
  const args = { variety: 'regular', order_id: '999', quantity: 5, price: 100, order_type: 'LIMIT' };
  const preview = describeWriteCall('modify_order', args, { existingOrder: SBIN_ORDER }); // a different order
  expect(preview.confirmPhrase).toBe('MODIFY 999');
  expect(line(preview, 'Order now')).toBe("not found among today's orders; symbol and side unknown");
  expect(line(preview, 'Quantity')).toBe('5 (current value unknown)');
  expect(preview.instrument).toBeUndefined();
  const check = checkOrderValue(preview, CAP);
  expect(check.ok).toBe(false);
  if (!check.ok) expect(check.reason).toContain('not found');
});

test.each([
  ['a known order', SBIN_ORDER, 'SBIN 1',
    'CANCEL order 171229000724687: BUY 1 × NSE:SBIN at limit ₹300.10, delivery (CNC)', 'Status:             OPEN → cancelled'],
  ['an order that was not found', undefined, 'CANCEL 171229000724687', 'CANCEL order 171229000724687',
    "Order now:          not found among today's orders; symbol and side unknown"],
])('cancelling %s', (_kind, existingOrder, confirmPhrase, title, status) => {
  const preview = describeWriteCall('cancel_order', { variety: 'regular', order_id: '171229000724687' }, { existingOrder });
  expect(preview).toMatchObject({ confirmPhrase, title, lines: [status], valueRequired: false, estimatedValueRupees: undefined });
  expect(preview.question).toBe(`Type "${confirmPhrase}" to cancel this order, anything else keeps it: `);
  expect(checkOrderValue(preview, CAP)).toEqual({ ok: true });
});

test('an order found with a symbol that is not plain text cannot be confirmed', () => {
  const existingOrder = { ...SBIN_ORDER, tradingsymbol: 'SBIN\u001b[8m' };
  const preview = describeWriteCall('cancel_order', { variety: 'regular', order_id: SBIN_ORDER.order_id }, { existingOrder });
  expect(preview.problems.join(' ')).toContain('not plain text');
  expect(checkOrderValue(preview, CAP).ok).toBe(false);
  expect(isConfirmation('SBIN\u001b[8m 1', preview)).toBe(false);
});

test('an order id sent as a number is a problem: Kite MCP would format it as 1.71229000724687e+14', () => {
  const preview = describeWriteCall('cancel_order', { variety: 'regular', order_id: 171229000724687 }, {});
  expect(preview.problems).toEqual(['order_id must be text, but the model sent 171229000724687.']);
});

test('a single-trigger GTT is valued at its limit price', () => {
  const preview = describeWriteCall('place_gtt_order', GTT_SINGLE, {});
  expect(preview).toMatchObject({
    title: 'GTT BUY NSE:INFY, delivery (CNC), 10 at limit ₹1,401.00 once the price reaches ₹1,400.00 — about ₹14,010.00',
    lines: ['Last price sent:    ₹1,500.00'],
    confirmPhrase: 'INFY 10',
    question: 'Type "INFY 10" to place this GTT, anything else cancels: ',
    estimatedValueRupees: 14010,
    instrument: 'NSE:INFY',
    problems: [],
  });
});

test('a two-leg GTT is valued at its larger leg, since only one leg can execute', () => {
  const preview = describeWriteCall('place_gtt_order', GTT_TWO_LEG, {});
  expect(preview.title).toBe('GTT SELL NSE:INFY, delivery (CNC), whichever leg triggers first — about ₹16,990.00');
  expect(preview.lines).toEqual([
    'Upper leg:          10 at limit ₹1,699.00 once the price reaches ₹1,700.00',
    'Lower leg:          5 at limit ₹1,299.00 once the price reaches ₹1,300.00',
    'Last price sent:    ₹1,500.00',
  ]);
  expect(preview).toMatchObject({ confirmPhrase: 'INFY 10', estimatedValueRupees: 16990, problems: [] });
});

test.each([
  ['a two-leg GTT without its lower quantity', 'place_gtt_order', { ...GTT_TWO_LEG, lower_quantity: undefined },
    /lower_quantity is missing/],
  ['an unknown trigger type', 'place_gtt_order', { ...GTT_SINGLE, trigger_type: 'triple' },
    /trigger_type must be single or two-leg/],
  ['a GTT without product', 'place_gtt_order', { ...GTT_SINGLE, product: undefined }, /product is missing/],
  ['a GTT modify without trigger id', 'modify_gtt_order', { ...GTT_SINGLE, product: undefined }, /trigger_id is missing/],
  ['a GTT delete with a text trigger id', 'delete_gtt_order', { trigger_id: '123' },
    /trigger_id must be a number.*read as 0/],
])('%s is a problem', (_kind, tool, args, problem) => {
  expect(describeWriteCall(tool, args, {}).problems.join(' ')).toMatch(problem);
});

test('a single-trigger GTT still shows two-leg arguments the model added', () => {
  const preview = describeWriteCall('place_gtt_order', { ...GTT_SINGLE, upper_quantity: 500 }, {});
  expect(line(preview, 'upper_quantity (extra)')).toBe('500');
});

test('a GTT modify shows its triggers, quantities and limit prices as before → after', () => {
  const { product: _product, ...args } = GTT_TWO_LEG;
  const modify = { ...args, trigger_id: 123, tradingsymbol: 'RAIN' };
  const preview = describeWriteCall('modify_gtt_order', modify, { existingOrder: RAIN_GTT });
  expect(preview.title).toBe('MODIFY GTT 123: SELL NSE:RAIN, whichever leg triggers first — about ₹16,990.00');
  expect(preview.lines).toEqual([
    'Triggers:           ₹102.00 / ₹103.70 → ₹1,700.00 / ₹1,300.00',
    'Quantities:         1 / 1 → 10 / 5',
    'Limit prices:       ₹1.00 / ₹1.00 → ₹1,699.00 / ₹1,299.00',
    'Last price sent:    ₹1,500.00',
  ]);
  expect(preview.problems).toEqual([]);
});

test('a GTT modify of a GTT that was not found says so and marks each value as new', () => {
  const { product: _product, ...args } = GTT_SINGLE;
  const preview = describeWriteCall('modify_gtt_order', { ...args, trigger_id: 999 }, { existingOrder: RAIN_GTT });
  expect(line(preview, 'GTT now')).toBe('not found among the active GTTs; its terms are unknown');
  expect(line(preview, 'Trigger')).toBe('₹1,400.00 (current value unknown)');
});

test.each([
  ['a known GTT', RAIN_GTT, 'RAIN 1'],
  ['a GTT that was not found', undefined, 'DELETE 123'],
  ['a look-up that returned another GTT', { ...RAIN_GTT, id: 456 }, 'DELETE 123'],
])('deleting %s', (_kind, existingOrder, confirmPhrase) => {
  const preview = describeWriteCall('delete_gtt_order', { trigger_id: 123 }, { existingOrder });
  expect(preview).toMatchObject({ confirmPhrase, valueRequired: false, problems: [] });
  expect(preview.question).toBe(`Type "${confirmPhrase}" to delete this GTT, anything else keeps it: `);
});

test('deleting a known GTT shows it and its status as before → after', () => {
  const preview = describeWriteCall('delete_gtt_order', { trigger_id: 123 }, { existingOrder: RAIN_GTT });
  expect(preview.title).toBe('DELETE GTT 123: SELL NSE:RAIN, trigger ₹102.00 / ₹103.70, quantity 1 / 1, status active');
  expect(preview.lines).toEqual(['Status:             active → deleted']);
});

test('the next server\'s orders tool in place mode is previewed like place_order', () => {
  const preview = describeWriteCall('orders', { mode: 'place', ...INFY_LIMIT, market_protection: 2 }, {});
  expect(preview.title).toBe('BUY 10 × NSE:INFY at limit ₹1,500.00, delivery (CNC) — about ₹15,000.00');
  expect(preview.lines[0]).toBe('Tool:               orders (mode place)');
  expect(line(preview, 'market_protection (extra)')).toBe('2');
  expect(preview.estimatedValueRupees).toBe(15000);
});

test('the next server\'s gtt tool in delete mode is previewed like delete_gtt_order', () => {
  expect(describeWriteCall('gtt', { mode: 'delete', trigger_id: 123 }, {}).confirmPhrase).toBe('DELETE 123');
});

test.each([
  ['an alert', 'alerts', { mode: 'create', name: 'NIFTY 50', operator: '>=', rhs_constant: 27000 }, 'ALERTS CREATE'],
  ['a logout', 'session', { mode: 'logout' }, 'SESSION LOGOUT'],
])('%s needs confirmation but no value, and every argument is shown', (_kind, tool, args, confirmPhrase) => {
  const preview = describeWriteCall(tool, args, {});
  expect(preview).toMatchObject({ confirmPhrase, valueRequired: false, problems: [] });
  for (const key of Object.keys(args)) expect(line(preview, key)).toBeDefined();
  expect(checkOrderValue(preview, CAP)).toEqual({ ok: true });
});

test('a write tool kite-chat does not know is refused by the value check, since it may move money', () => {
  const preview = describeWriteCall('place_mf_order', { tradingsymbol: 'INF740K01DP8', amount: 5000 }, {});
  expect(preview.confirmPhrase).toBe('RUN PLACE_MF_ORDER');
  expect(preview.question).toBe('Type "RUN PLACE_MF_ORDER" to run this call, anything else cancels: ');
  expect(line(preview, 'amount')).toBe('5000');
  expect(checkOrderValue(preview, CAP).ok).toBe(false);
});

test.each([
  [49_999.99, true],
  [50_000, true],
  [50_000.01, false],
])('an order estimated at %d against the default ₹50,000 cap passes: %s', (price, ok) => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, quantity: 1, price }, {});
  expect(checkOrderValue(preview, CAP).ok).toBe(ok);
});

test('the over-cap refusal names the value, the cap and how to raise it', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, quantity: 40 }, {});
  expect(checkOrderValue(preview, CAP)).toEqual({
    ok: false,
    reason: 'Its estimated value ₹60,000.00 (40 × limit price ₹1,500.00) is above the ₹50,000.00 limit per order; ' +
      'the user can raise it with KITE_CHAT_MAX_ORDER_VALUE.',
    refusal: 'over-cap',
  });
});

test('a MARKET order whose value cannot be estimated is refused rather than let through', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, order_type: 'MARKET', price: undefined }, {});
  const check = checkOrderValue(preview, CAP);
  expect(check).toEqual({
    ok: false,
    reason: 'Its value could not be estimated (there is no limit price and the last traded price is not known), ' +
      'so the ₹50,000.00 limit cannot be checked.',
    refusal: 'over-cap',
  });
});

test('the default cap is ₹50,000', () => {
  expect(DEFAULT_MAX_ORDER_VALUE_RUPEES).toBe(50_000);
});

test.each([
  ['INFY 10', true],
  ['infy 10', true],
  ['  Infy    10  ', true],
  ['INFY\t10', true],
  ['y', false],
  ['yes', false],
  ['YES', false],
  ['', false],
  ['INFY', false],
  ['10', false],
  ['INFY 1', false],
  ['INFY 100', false],
  ['INFY 10.0', false],
  ['INFY 010', false],
  ['INFY10', false],
  ['10 INFY', false],
  ['TCS 10', false],
  ['INFY 10 yes', false],
])('typing %j confirms "INFY 10": %s', (typed, confirmed) => {
  expect(isConfirmation(typed, describeWriteCall('place_order', INFY_LIMIT, {}))).toBe(confirmed);
});

test('a symbol with an ampersand is confirmed by typing it as shown', () => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, tradingsymbol: 'M&M', price: 3000 }, {});
  expect(preview.confirmPhrase).toBe('M&M 10');
  expect(isConfirmation('m&m 10', preview)).toBe(true);
});

test('the fingerprint ignores key order and absent fields, and tells different orders apart', () => {
  const reordered = Object.fromEntries(Object.entries(INFY_LIMIT).reverse());
  const original = orderFingerprint('place_order', INFY_LIMIT);
  expect(orderFingerprint('place_order', reordered)).toBe(original);
  expect(orderFingerprint('place_order', { ...INFY_LIMIT, tag: null })).toBe(original);
  expect(orderFingerprint('place_order', { ...INFY_LIMIT, quantity: 11 })).not.toBe(original);
  expect(orderFingerprint('place_order', { ...INFY_LIMIT, quantity: '10' })).not.toBe(original);
  expect(orderFingerprint('modify_order', INFY_LIMIT)).not.toBe(original);
});

// Issue 14: a sell fetches at least its limit price, so the cap values it at the market when that is higher, and a
// limit price far from the last trade is flagged in words that stand apart from the fields.
const INFY_SELL_AT_ONE = { ...INFY_LIMIT, transaction_type: 'SELL', quantity: 300, price: 1 };

test('SELL 300 INFY LIMIT ₹1 is valued at the last traded price and refused by the cap, with the price flagged', () => {
  const preview = describeWriteCall('place_order', INFY_SELL_AT_ONE, { ltp: 1074 });
  expect(preview.estimatedValueRupees).toBe(322_200);
  expect(preview.title).toBe('SELL 300 × NSE:INFY at limit ₹1.00, delivery (CNC) — about ₹3,22,200.00');
  expect(preview.valueNote).toBe('300 × last traded price, above the limit price ₹1,074.00');
  expect(preview.warnings).toEqual([
    'WARNING: the limit price ₹1.00 is 99.9 % BELOW the last traded price ₹1,074.00. Check that this is the price you mean before you confirm.',
  ]);
  const checked = checkOrderValue(preview, CAP);
  expect(checked.ok ? '' : checked.reason).toMatch(/^Its estimated value ₹3,22,200\.00 .* is above the ₹50,000\.00 limit/);
});

test('a sell at a limit cannot be valued without the last traded price, so the cap refuses it', () => {
  const preview = describeWriteCall('place_order', INFY_SELL_AT_ONE, {});
  expect(preview.estimatedValueRupees).toBeUndefined();
  expect(checkOrderValue(preview, CAP).ok).toBe(false);
});

test('a sell above the market keeps its limit as the value; a buy keeps its limit whatever the market', () => {
  expect(describeWriteCall('place_order', { ...INFY_LIMIT, transaction_type: 'SELL', price: 1600 }, { ltp: 1500 }).estimatedValueRupees).toBe(16_000);
  expect(describeWriteCall('place_order', { ...INFY_LIMIT, price: 1400 }, { ltp: 1500 }).estimatedValueRupees).toBe(14_000);
});

test.each([
  ['within 10 % below', 1400, 1500, undefined],
  ['exactly 10 % above', 1650, 1500, undefined],
  ['more than 10 % above', 1800, 1500, 'WARNING: the limit price ₹1,800.00 is 20.0 % ABOVE the last traded price ₹1,500.00.'],
  ['more than 10 % below', 1300, 1500, 'WARNING: the limit price ₹1,300.00 is 13.3 % BELOW the last traded price ₹1,500.00.'],
])('a limit price %s the last traded price is %s', (_case, price, ltp, warning) => {
  const preview = describeWriteCall('place_order', { ...INFY_LIMIT, price }, { ltp });
  expect(preview.warnings.join(' ')).toBe(warning === undefined ? '' : `${warning} Check that this is the price you mean before you confirm.`);
});

test('a modify that moves the limit far from the market is flagged too; a MARKET order has no limit to flag', () => {
  const modify = describeWriteCall('modify_order', { variety: 'regular', order_id: SBIN_ORDER.order_id, quantity: 1, order_type: 'LIMIT', price: 500 }, { existingOrder: SBIN_ORDER, ltp: 300 });
  expect(modify.warnings).toHaveLength(1);
  expect(modify.warnings[0]).toMatch(/^WARNING: the limit price ₹500\.00 is 66\.7 % ABOVE/);
  expect(describeWriteCall('place_order', { ...INFY_LIMIT, order_type: 'MARKET', price: 0 }, { ltp: 1500 }).warnings).toEqual([]);
});
