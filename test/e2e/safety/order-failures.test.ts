// A confirmed write that fails is never sent again (CONTRACT.md "Trading safety", PEERS.md R17), in the REPL with
// --trading in a real pseudo-terminal: Kite refusing the order (an error result, no login attempt follows), the
// server failing the request (HTTP 502), and the server having ended the session (HTTP 404: a new session is made,
// the order is not repeated on it). The fake's request log shows the single attempt; the model hears what happened.
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import type { PtySession } from '../../support/pty-session.js';
import { completions, readAuditLog, toolMessages } from '../../support/safety-env.js';
import type { ScriptedOpenAI } from '../../support/scripted-openai.js';

/** LIMIT, so the value is known even when the get_ltp look-up fails with the rest. */
const BUY_INFY = {
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10,
  product: 'CNC', order_type: 'LIMIT', price: 1500,
};

interface Failed {
  fake: FakeKite;
  home: string;
  /** How many requests the fake had seen before the confirmed order. */
  mark: number;
  session: PtySession;
}

/** `confirmOrderThatFails(breakServer)`: in the REPL with --trading, an order confirmed right after `breakServer` ran. */
const test = base.extend<{ confirmOrderThatFails: (breakServer: (fake: FakeKite) => void) => Promise<Failed> }>({
  confirmOrderThatFails: async ({ startKite, model, repl, home }, use) => {
    await use(async (breakServer) => {
      const fake = await startKite({ autoLogin: true });
      model.push(
        { toolCalls: [{ name: 'place_order', arguments: BUY_INFY }] },
        { text: 'The order failed; I have not retried it.' },
      );
      const session = repl(['--url', fake.mcpUrl, '--no-browser', '--trading']);
      await session.waitFor('›');
      session.type('Buy 10 INFY at 1500\r');
      await session.waitFor('Type "INFY 10" to place this order');
      const mark = fake.requests.length; // what happens from here on is the order and nothing else
      breakServer(fake);
      session.type('INFY 10\r');
      await session.waitFor('The order failed; I have not retried it.');
      return { fake, home, mark, session };
    });
  },
});

function lastToolMessage(model: ScriptedOpenAI): string {
  return toolMessages(completions(model.requests)[1]).at(-1)?.content ?? '';
}

test('Kite refusing a confirmed order is reported once and neither retried nor followed by a login', async ({ confirmOrderThatFails, model }) => {
  const { fake, home, mark, session } = await confirmOrderThatFails((server) => server.expireLogin());

  const after = fake.requests.slice(mark).filter((request) => request.tool !== undefined);
  expect(after.map((request) => request.tool)).toEqual(['place_order']);
  expect(lastToolMessage(model)).toBe('[tool error] Failed to place order');
  expect(session.text()).toMatch(/✗ place_order.*Failed to place order/);
  const audit = await readAuditLog(home);
  expect(audit.filter((entry) => entry.name === 'place_order')).toMatchObject([{ toolClass: 'write', outcome: 'failed', arguments: BUY_INFY }]);
});

test('an HTTP 502 on a confirmed order is reported once and not retried', async ({ confirmOrderThatFails, model }) => {
  const { fake, home, mark } = await confirmOrderThatFails((server) => {
    server.faults.httpStatus = 502;
  });
  delete fake.faults.httpStatus;

  const posts = fake.requests.slice(mark).filter((request) => request.httpMethod === 'POST');
  expect(posts.map((request) => request.status)).toEqual([502]);
  expect(lastToolMessage(model)).toMatch(/^Tool call failed: .*502/);
  const audit = await readAuditLog(home);
  expect(audit.filter((entry) => entry.name === 'place_order')).toMatchObject([{ toolClass: 'write', outcome: expect.stringMatching(/^failed: .*502/) }]);
});

test('a session the server ended under a confirmed order is replaced, and the order is not sent again on the new one', async ({ confirmOrderThatFails, model }) => {
  const { fake, mark, session } = await confirmOrderThatFails((server) => {
    // Only the next request (the order) meets the 404; the new session's requests go through.
    const target = server.requests.length + 1;
    Object.defineProperty(server.faults, 'httpStatus', { get: () => (server.requests.length === target ? 404 : undefined), configurable: true });
  });

  const after = fake.requests.slice(mark);
  expect(after[0]).toMatchObject({ httpMethod: 'POST', path: '/mcp', status: 404 });
  expect(after.some((request) => request.rpcMethod === 'initialize')).toBe(true); // a new session was started
  expect(after.filter((request) => request.tool === 'place_order')).toEqual([]); // and the order was not repeated on it
  expect(lastToolMessage(model)).toMatch(/it was not placed/);
  expect(session.text()).toMatch(/you will need to log in again/);
});
