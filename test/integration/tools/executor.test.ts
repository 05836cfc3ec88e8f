// tools/executor.ts in process against the fake Kite server on 127.0.0.1:0 (over /mcp), with its deps injected: the
// read/write gate of each mode, the default page size, the session replacement rule (a read once more on a new
// session, a write never), the program's own login, the write gate's look-ups, and the audit entry of every path.
import type { AuditEntry } from '../../../src/audit.js';
import { LoginRequiredError } from '../../../src/errors.js';
import type { LookUp, ToolExecutor, WriteGate } from '../../../src/tools/executor.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { executorOn, type ExecutorOn } from '../../support/tool-executor.js';

const BUY_INFY = {
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10, product: 'CNC', order_type: 'MARKET',
};

/** `executorOn({ mode, kite, makeGate })`: the executor against a fake Kite, logged in unless `kite` says otherwise. */
const test = base.extend<{ executorOn: ExecutorOn }>({ executorOn });

function call(executor: ToolExecutor, name: string, args: Record<string, unknown> = {}) {
  return executor.callTool({ id: 'call_1', name, arguments: args }, { signal: new AbortController().signal });
}

/** The calls of a tool that reached the fake server, with the session each was made on. */
function served(kite: FakeKite, tool: string) {
  return kite.requests.filter((request) => request.tool === tool).map((request) => ({ arguments: request.arguments, sessionId: request.sessionId }));
}

function outcomes(audit: readonly AuditEntry[]) {
  return audit.map((entry) => `${entry.by === undefined ? '' : `${entry.by} `}${entry.name} ${entry.toolClass} ${entry.outcome}`);
}

test('a read runs on the live session with the default page size, comes back compacted, and is audited ok', async ({ executorOn }) => {
  const { kite, executor, audit } = await executorOn({ mode: 'ask' });

  const result = await call(executor, 'get_holdings');

  expect(result.isError).toBe(false);
  expect(result.text).toMatch(/^(?:pagination: .*\n)?\d+ rows?[;.]/); // a table, not the raw JSON
  expect(served(kite, 'get_holdings').map((request) => request.arguments)).toEqual([{ limit: 150 }]);
  expect(audit).toEqual([{ name: 'get_holdings', arguments: {}, toolClass: 'read', outcome: 'ok', durationMs: expect.any(Number) }]);
});

test('--ask refuses every write without sending it, says so to the model, and audits the refusal', async ({ executorOn }) => {
  const { kite, executor, audit } = await executorOn({ mode: 'ask' });

  const result = await call(executor, 'place_order', BUY_INFY);

  expect(result).toEqual({ isError: true, text: expect.stringMatching(/^NOT DONE: place_order was not sent to the server.*--ask is read-only/s) });
  expect(served(kite, 'place_order')).toEqual([]);
  expect(outcomes(audit)).toEqual(['place_order write refused']);
});

test('the REPL without --trading (no gate) refuses every write, and a tool the catalog does not know counts as a write', async ({ executorOn }) => {
  const { kite, executor, audit } = await executorOn({ mode: 'repl' });

  const order = await call(executor, 'place_order', BUY_INFY);
  const unknown = await call(executor, 'transfer_funds', { amount: 1 });

  expect(order.text).toMatch(/^NOT DONE: .*Trading is off in this session/s);
  expect(unknown.text).toMatch(/^NOT DONE: transfer_funds was not sent/);
  expect(kite.requests.filter((request) => request.rpcMethod === 'tools/call')).toEqual([]);
  expect(outcomes(audit)).toEqual(['place_order write refused', 'transfer_funds write refused']);
});

test('with a gate, a refused write never reaches the server and one let through is sent exactly once', async ({ executorOn }) => {
  const asked: string[] = [];
  let refusal: string | undefined = 'NOT DONE: declined by the test.';
  const gate: WriteGate = async (write) => {
    asked.push(write.name);
    return refusal;
  };
  const { kite, executor, audit } = await executorOn({ mode: 'repl', makeGate: () => gate });

  const declined = await call(executor, 'place_order', BUY_INFY);
  refusal = undefined;
  const placed = await call(executor, 'place_order', BUY_INFY);

  expect(asked).toEqual(['place_order', 'place_order']);
  expect(declined).toEqual({ isError: true, text: 'NOT DONE: declined by the test.' });
  expect(placed).toEqual({ isError: false, text: '{"order_id":"151220000000000"}' });
  expect(served(kite, 'place_order').map((request) => request.arguments)).toEqual([BUY_INFY]);
  expect(outcomes(audit)).toEqual(['place_order write refused', 'place_order write ok']);
});

test('a write on a session the server has ended is never repeated on the new one; a read is, once', async ({ executorOn }) => {
  let kite: FakeKite | undefined;
  const lastSession = (tool: string) => served(kite as FakeKite, tool).at(-1)?.sessionId ?? '';
  // The session ends while the person is confirming: after the login probe, before the order is sent.
  const setup = await executorOn({ mode: 'repl', makeGate: () => async () => void kite?.expireSession(lastSession('get_profile')) });
  kite = setup.kite;
  const { executor, audit, said } = setup;

  const write = call(executor, 'place_order', BUY_INFY);

  await expect(write).rejects.toThrow('The Kite session ended before the order reached Kite; it was not placed.');
  const orders = served(kite, 'place_order');
  expect(orders).toHaveLength(1); // the one the ended session refused; none on the new session
  expect(orders[0]?.sessionId).toBe(served(kite, 'get_profile')[0]?.sessionId);
  expect(said).toContain('The Kite MCP session has ended on the server. Starting a new Kite session; you will need to log in again.');
  expect(outcomes(audit)).toEqual(['place_order write failed: The Kite session ended before the order reached Kite; it was not placed.']);

  await call(executor, 'get_profile');
  kite.expireSession(lastSession('get_profile'));
  const read = await call(executor, 'get_margins');
  expect(read.isError).toBe(false);
  const margins = served(kite, 'get_margins');
  expect(margins).toHaveLength(2);
  expect(margins[0]?.sessionId).toBe(lastSession('get_profile'));
  expect(margins[1]?.sessionId).not.toBe(margins[0]?.sessionId);
});

test('a read that finds the user logged out runs the login; in --ask one that does not complete ends the run (exit 3) with the link beside the message', async ({ executorOn }) => {
  const { kite, executor, audit, said, fatal } = await executorOn({ mode: 'ask', kite: {} });

  const result = await call(executor, 'get_holdings', { limit: 5 });

  expect(result).toEqual({ isError: true, text: expect.stringMatching(/^get_holdings needed a Kite login\. A login link was shown to the user, but the login was not completed/) });
  expect(said.some((line) => line.startsWith(`link ${kite.origin}/`))).toBe(true);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]).toBeInstanceOf(LoginRequiredError);
  expect(fatal[0]?.message).toBe('Kite login not completed.');
  expect((fatal[0] as LoginRequiredError).loginLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  expect(fatal[0]?.message).not.toContain('http');
  expect(outcomes(audit)).toEqual(['get_holdings read error']);
});

test("the gate's look-ups go the executor's way, audited by the order preview; a tool that is not a read is not called", async ({ executorOn }) => {
  const looked: { text: string; isError: boolean }[] = [];
  const gate: WriteGate = async (_write, { signal, lookUp }) => {
    const read: LookUp = lookUp;
    looked.push(await read('get_ltp', { instruments: ['NSE:INFY'] }, { signal, timeoutMs: 5_000 }));
    looked.push(await read('cancel_order', { order_id: '1' }, { signal, timeoutMs: 5_000 }));
    return 'NOT DONE: the test only looked.';
  };
  const { kite, executor, audit } = await executorOn({ mode: 'repl', kite: { autoLogin: true, ltp: { 'NSE:INFY': 1500 } }, makeGate: () => gate });

  await call(executor, 'place_order', BUY_INFY);

  expect(JSON.parse(looked[0]?.text ?? '')).toMatchObject({ 'NSE:INFY': { last_price: 1500 } });
  expect(looked[1]).toEqual({ isError: true, text: 'cancel_order is not a read tool; it was not called.' });
  expect(served(kite, 'cancel_order')).toEqual([]);
  expect(outcomes(audit)).toEqual(['order-preview get_ltp read ok', 'place_order write refused']);
  expect(audit[0]).toEqual({
    by: 'order-preview', name: 'get_ltp', arguments: { instruments: ['NSE:INFY'] }, toolClass: 'read', outcome: 'ok', durationMs: expect.any(Number),
  });
});

test('a write waits for the login first: when it does not complete, the person is never asked and the model is told why', async ({ executorOn }) => {
  const asked: string[] = [];
  const { kite, executor, audit } = await executorOn({
    mode: 'repl',
    kite: {},
    makeGate: () => async (write) => {
      asked.push(write.name);
      return undefined;
    },
  });

  const result = await call(executor, 'place_order', BUY_INFY);

  expect(asked).toEqual([]);
  expect(result.text).toMatch(/^NOT DONE: place_order .*needs a Kite login, and the login was not completed/s);
  expect(served(kite, 'place_order')).toEqual([]);
  expect(outcomes(audit)).toEqual(['place_order write refused']);
});
