// The audit log (PEERS.md R18): every tool call of a spawned session, with its time, tool, arguments, read/write
// class, outcome and duration, appended to KITE_CHAT_HOME/audit.log (mode 0600) with secrets redacted; refused and
// failed writes appear as such. `kite-chat --help` says where the log is.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import { runCli } from '../../support/run-cli.js';
import { readAuditLog } from '../../support/safety-env.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Shaped like a Kite MCP session id; the model has no business sending one, and the log must not keep it. */
const SESSION_LIKE = 'kitemcp-0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

test('an --ask session logs each tool call with time, arguments, class, outcome and duration, and redacts secrets', async ({ startKite, model, cli, home }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(
    {
      toolCalls: [
        { name: 'get_holdings', arguments: { limit: 5 } },
        { name: 'get_order_history', arguments: { order_id: '' } },
        { name: 'search_instruments', arguments: { query: `INFY ${OPENAI_KEY} ${SESSION_LIKE} session_id=abc123secret`, limit: 1 } },
      ],
    },
    { toolCalls: [{ name: 'login', arguments: {} }] },
    { text: 'Done.' },
  );

  const run = await cli(['--ask', 'Audit me', '--url', kite.mcpUrl]);

  expect(run.code).toBe(0);
  expect((await stat(join(home, 'audit.log'))).mode & 0o777).toBe(0o600);
  const entries = await readAuditLog(home);
  const summary = entries.map((entry) => `${entry.name} ${entry.toolClass} ${entry.outcome}`);
  // The first three ran in parallel and are logged as they finished; the login came in the next round.
  expect(summary.slice(0, 3).sort()).toEqual(['get_holdings read ok', 'get_order_history read error', 'search_instruments read ok']);
  expect(summary.slice(3)).toEqual(['login read already']);
  for (const entry of entries) {
    expect(entry.time).toMatch(ISO_TIME);
    expect(entry.mode).toBe('ask');
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
  }
  expect(entries.find((entry) => entry.name === 'get_holdings')?.arguments).toEqual({ limit: 5 });
  const query = String(entries.find((entry) => entry.name === 'search_instruments')?.arguments['query']);
  expect(query).toBe('INFY [redacted] [redacted] session_id=[redacted]');
});

test('in the REPL with --trading, declined, over-limit, placed and failed orders are all logged as such', async ({ startKite, model, repl, home }) => {
  const kite = await startKite({ autoLogin: true, ltp: { 'NSE:INFY': 1500 } });
  const order = { variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10, product: 'CNC', order_type: 'MARKET' };
  const large = { ...order, quantity: 1000 };
  model.push(
    { toolCalls: [{ name: 'place_order', arguments: order }] },
    { text: 'Declined.' },
    { toolCalls: [{ name: 'place_order', arguments: large }] },
    { text: 'Too large.' },
    { toolCalls: [{ name: 'place_order', arguments: order }] },
    { text: 'Placed.' },
    { toolCalls: [{ name: 'cancel_order', arguments: { variety: 'regular', order_id: '151220000000000' } }] },
    { text: 'Cancel failed.' },
  );
  const session = repl(['--url', kite.mcpUrl, '--no-browser', '--trading']);
  await session.waitFor('›');

  await session.say('Buy 10 INFY', 'to place this order');
  await session.say('y', 'Declined.');
  await session.say('Buy 1000 INFY', 'Too large.');
  await session.say('Buy 10 INFY', 'to place this order');
  await session.say('INFY 10', 'Placed.');
  await session.say('Cancel order 151220000000000', 'to cancel this order'); // not among today's orders: the phrase is CANCEL <id>
  kite.expireLogin();
  await session.say('CANCEL 151220000000000', 'Cancel failed.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);

  const entries = await readAuditLog(home);
  const writes = entries.filter((entry) => entry.toolClass === 'write');
  expect(writes.map((entry) => [entry.name, entry.outcome, entry.arguments['quantity']])).toEqual([
    ['place_order', 'refused', 10],
    ['place_order', 'refused', 1000],
    ['place_order', 'ok', 10],
    ['cancel_order', 'failed', undefined],
  ]);
  for (const entry of entries) expect(entry).toMatchObject({ mode: 'repl', time: expect.stringMatching(ISO_TIME), durationMs: expect.any(Number) });
  // What kite-chat itself read to build the previews is in the log too, marked as its own.
  expect(entries.filter((entry) => entry.by === 'order-preview').map((entry) => entry.name)).toEqual(
    expect.arrayContaining(['get_ltp', 'get_orders']),
  );
  expect((await stat(join(home, 'audit.log'))).mode & 0o777).toBe(0o600);
});

test('kite-chat --help says where the audit log is', async () => {
  const help = await runCli(['--help'], { env: {} });

  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/KITE_CHAT_HOME \(saved sessions, tokens, history and audit\.log/);
});
