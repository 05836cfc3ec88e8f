// trading/write-gate.ts in process, as the REPL wires it with --trading: behind the tool executor, against the fake
// Kite server on 127.0.0.1:0, with the person's answers, the screen and the clock injected. The order gate's rules
// each fail here by name: the typed confirmation, the value cap, arguments Kite would misread or keys it does not
// declare, the duplicate's AGAIN, the refusal texts the model reads, a write never retried, and the audit entries.
import type { AuditEntry } from '../../../src/audit.js';
import { createWriteGate } from '../../../src/trading/write-gate.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { executorOn, type ExecutorOn, type ExecutorSetup } from '../../support/tool-executor.js';

const BUY_INFY = {
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10, product: 'CNC', order_type: 'MARKET',
};
const PREVIEW_INFY = '! BUY 10 × NSE:INFY at market, delivery (CNC) — about ₹15,000.00';
const CONFIRM_INFY = 'Type "INFY 10" to place this order, anything else cancels: ';
const CONFIRM_AGAIN = 'Type "AGAIN" to send this order a second time, anything else cancels: ';

/** The person at the terminal, as the write gate sees them, and the gate's clock. */
interface Person {
  /** The preview and refusal lines, warnings marked `! `. */
  screen: string[];
  /** The questions put to the person, in order. */
  asked: string[];
  /** What the person types next, one line per question; with none left a question waits until it is withdrawn. */
  answers: string[];
  /** Called as each question comes on screen. */
  onAsk?: () => void;
  /** The gate's clock, in milliseconds. */
  clock: { now: number };
}

type Gate = ExecutorSetup & Person;

interface GateOptions {
  maxOrderValueRupees?: number;
  toolTimeoutMs?: number;
}

/** `tradingGate(options)`: the executor with the write gate, as the REPL wires it with --trading, against a logged-in fake Kite. */
const test = base.extend<{ executorOn: ExecutorOn; tradingGate: (options?: GateOptions) => Promise<Gate> }>({
  executorOn,
  tradingGate: async ({ executorOn }, use) => {
    await use(async (options = {}) => {
      const person: Person = { screen: [], asked: [], answers: [], clock: { now: 1_000_000 } };
      const setup = await executorOn({
        mode: 'repl',
        kite: { autoLogin: true, ltp: { 'NSE:INFY': 1500 } },
        makeGate: (catalog) => createWriteGate({
          ui: { status: (line) => person.screen.push(line), warn: (line) => person.screen.push(`! ${line}`) },
          ask: (question, signal) => answerFrom(person, question, signal),
          maxOrderValueRupees: options.maxOrderValueRupees ?? 50_000,
          inputSchemaOf: (name) => catalog.tools.find((tool) => tool.name === name)?.inputSchema,
          now: () => person.clock.now,
        }),
        toolTimeoutMs: options.toolTimeoutMs,
      });
      return Object.assign(person, setup);
    });
  },
});

/** The person answers with the next of their `answers`; with none left the question waits until the turn withdraws it. */
function answerFrom(person: Person, question: string, signal: AbortSignal): Promise<string> {
  person.asked.push(question);
  person.onAsk?.();
  const answer = person.answers.shift();
  if (answer !== undefined) return Promise.resolve(answer);
  return new Promise<string>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function order(gate: Gate, args: Record<string, unknown> = BUY_INFY, name = 'place_order', signal = new AbortController().signal) {
  return gate.executor.callTool({ id: 'call_1', name, arguments: args }, { signal });
}

function placed(kite: FakeKite): unknown[] {
  return kite.requests.filter((request) => request.tool === 'place_order').map((request) => request.arguments);
}

function outcomes(audit: readonly AuditEntry[]): string[] {
  return audit.map((entry) => `${entry.by === undefined ? '' : `${entry.by} `}${entry.name} ${entry.outcome}`);
}

test('"y", "yes" and the wrong quantity decline; the symbol and quantity typed back (any case or spacing) place it once', async ({ tradingGate }) => {
  const gate = await tradingGate();
  gate.answers.push('y', 'yes', 'INFY 1', 'infy  10');

  const declined = [await order(gate), await order(gate), await order(gate)];
  expect(placed(gate.kite)).toEqual([]);
  const sent = await order(gate);

  expect(gate.asked).toEqual([CONFIRM_INFY, CONFIRM_INFY, CONFIRM_INFY, CONFIRM_INFY]);
  expect(gate.screen.filter((line) => line === PREVIEW_INFY)).toHaveLength(4);
  expect(gate.screen.filter((line) => line === '! Not confirmed; nothing was sent to Kite.')).toHaveLength(3);
  for (const refusal of declined) {
    expect(refusal).toEqual({
      isError: true,
      text: expect.stringMatching(/^NOT DONE: place_order was not sent to the server.*did not confirm it.*Do not call place_order again/s),
    });
  }
  expect(sent).toEqual({ isError: false, text: '{"order_id":"151220000000000"}' });
  expect(placed(gate.kite)).toEqual([BUY_INFY]);
});

test('an order estimated above the cap is refused before anyone is asked, and so is one whose value cannot be known', async ({ tradingGate }) => {
  const gate = await tradingGate({ maxOrderValueRupees: 10_000 });

  const over = await order(gate);
  const unknown = await order(gate, { ...BUY_INFY, exchange: 'MCX', tradingsymbol: 'GOLDPETAL21JUNFUT', quantity: 1 });

  expect(gate.asked).toEqual([]);
  expect(gate.screen).toContain('! Refused: Its estimated value ₹15,000.00 (10 × last traded price ₹1,500.00) is above the ₹10,000.00 limit per order; the user can raise it with KITE_CHAT_MAX_ORDER_VALUE.');
  expect(over.text).toMatch(/^NOT DONE: .*pre-trade checks refused it before asking the user.*do not split or shrink the order/s);
  expect(unknown.text).toMatch(/could not be estimated \(quantity on MCX may count lots rather than units\), so the ₹10,000\.00 limit cannot be checked/);
  expect(placed(gate.kite)).toEqual([]);
});

test('arguments Kite would misread, and keys the tool does not declare, are refused before anyone is asked', async ({ tradingGate }) => {
  const gate = await tradingGate();

  const fraction = await order(gate, { ...BUY_INFY, quantity: 10.5 });
  const twin = await order(gate, { ...BUY_INFY, Quantity: 5 });
  const extra = await order(gate, { ...BUY_INFY, note: 'sell it all' });

  expect(gate.asked).toEqual([]);
  expect(gate.screen).toContain('! Refused: The arguments need fixing first: quantity must be a whole number, but the model sent 10.5, which Kite MCP would cut to 10.');
  expect(fraction.text).toMatch(/would not be read by the server as they are written.*You may call place_order once more/s);
  expect(twin.text).toMatch(/Argument 'Quantity' is not accepted: argument names are case-sensitive and the tool declares 'quantity'/);
  expect(extra.text).toMatch(/Argument 'note' is not accepted \(accepted: /);
  expect(gate.screen.filter((line) => line.startsWith('! Refused place_order before asking you: '))).toHaveLength(2);
  expect(placed(gate.kite)).toEqual([]);
});

test('the same order again within 30 s needs AGAIN typed as well; declined it is not sent, after 30 s it is asked like any other', async ({ tradingGate }) => {
  const gate = await tradingGate();
  gate.answers.push('INFY 10', 'INFY 10', 'no', 'INFY 10', 'again');

  await order(gate);
  gate.clock.now += 12_000;
  const declined = await order(gate);
  gate.clock.now += 5_000;
  const twice = await order(gate);

  expect(gate.asked).toEqual([CONFIRM_INFY, CONFIRM_INFY, CONFIRM_AGAIN, CONFIRM_INFY, CONFIRM_AGAIN]);
  expect(gate.screen).toContain('! You confirmed this same order 12 s ago. Confirming again sends it a SECOND time.');
  expect(gate.screen).toContain('! Not confirmed; the repeated order was not sent.');
  expect(declined.text).toMatch(/^NOT DONE: .*did not confirm sending it a second time.*The earlier call stands as it was\./s);
  expect(twice.isError).toBe(false);
  expect(placed(gate.kite)).toEqual([BUY_INFY, BUY_INFY]);

  gate.clock.now += 31_000;
  gate.answers.push('INFY 10');
  await order(gate);
  expect(gate.asked.slice(5)).toEqual([CONFIRM_INFY]);
  expect(placed(gate.kite)).toHaveLength(3);
});

test('the look-ups and the order are audited in the executor\'s shape: the preview\'s reads by order-preview, then the write', async ({ tradingGate }) => {
  const gate = await tradingGate();
  gate.answers.push('INFY 10', 'no');

  await order(gate);
  await order(gate, { variety: 'regular', order_id: '300000000000000', quantity: 2, order_type: 'MARKET' }, 'modify_order');

  expect(outcomes(gate.audit)).toEqual([
    'order-preview get_ltp ok', 'place_order ok',
    'order-preview get_orders ok', 'order-preview get_ltp ok', 'modify_order refused',
  ]);
  expect(gate.audit[0]).toEqual({
    by: 'order-preview', name: 'get_ltp', arguments: { instruments: ['NSE:INFY'] }, toolClass: 'read', outcome: 'ok', durationMs: expect.any(Number),
  });
  expect(gate.audit[1]).toEqual({ name: 'place_order', arguments: BUY_INFY, toolClass: 'write', outcome: 'ok', durationMs: expect.any(Number) });
  // The order it changes came from the look-up: its symbol and side are in the preview.
  expect(gate.screen.join('\n')).toMatch(/^! MODIFY order 300000000000000: BUY 2 × NSE:IOC at market, delivery \(CNC\)/m);
});

test('a write that gets no answer is not sent again: one request, audited as failed, the error for the turn', async ({ tradingGate }) => {
  const gate = await tradingGate({ toolTimeoutMs: 300 });
  gate.kite.faults.hangTools.add('place_order');
  gate.answers.push('INFY 10');

  await expect(order(gate)).rejects.toThrow('place_order did not answer within 0.3 s.');

  expect(placed(gate.kite)).toEqual([BUY_INFY]);
  expect(outcomes(gate.audit).at(-1)).toBe('place_order failed: place_order did not answer within 0.3 s.');
});

test('Ctrl-C while the question is on screen cancels the order: nothing is sent, and the audit says cancelled', async ({ tradingGate }) => {
  const gate = await tradingGate();
  const turn = new AbortController();
  gate.onAsk = () => turn.abort();

  await expect(order(gate, BUY_INFY, 'place_order', turn.signal)).rejects.toThrow();

  expect(gate.asked).toEqual([CONFIRM_INFY]);
  expect(placed(gate.kite)).toEqual([]);
  expect(outcomes(gate.audit).at(-1)).toBe('place_order cancelled');
});
