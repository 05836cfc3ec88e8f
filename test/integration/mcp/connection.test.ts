// mcp/connection.ts against the fake Kite server: replacing a session the server has ended or whose stream dropped
// when several callers find out at once (the agent runs a round's tool calls in parallel). One new session is
// started, said once, and every caller gets it; a caller that reports a session already replaced is handed the
// new one without another replacement.
import { openMcpConnection, type McpConnection } from '../../../src/mcp/connection.js';
import { createSessionCall } from '../../../src/tools/session-call.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test, expect } from '../../support/fixtures.js';

const ENDED = 'The Kite MCP session has ended on the server. Starting a new Kite session; you will need to log in again.';
const LOST = 'The connection to the Kite MCP server was lost; reconnected. Kite ties the login to the connection, so you will need to log in again.';

function initializes(kite: FakeKite): string[] {
  return kite.requests.filter((request) => request.rpcMethod === 'initialize').map((request) => request.sessionId ?? '');
}

async function open(kite: FakeKite, url: string, said: string[], closeAfter: <T extends { close(): unknown }>(server: T) => T): Promise<McpConnection> {
  return closeAfter(await openMcpConnection({ url: new URL(url), store: undefined, notice: (line) => said.push(line) }));
}

test('parallel reads on a session the server ended share one new session and one notice, and both get their answers', async ({ startKite, closeAfter }) => {
  const kite = await startKite({ autoLogin: true });
  const said: string[] = [];
  const connection = await open(kite, kite.mcpUrl, said, closeAfter);
  const call = createSessionCall({ connection, toolTimeoutMs: 10_000 });
  const first = await connection.session();
  kite.expireSession(first.sessionId ?? '');

  const options = { signal: new AbortController().signal, toolClass: 'read' as const };
  const [margins, holdings] = await Promise.all([call('get_margins', {}, options), call('get_holdings', {}, options)]);

  expect(margins.isError).toBe(false);
  expect(holdings.isError).toBe(false);
  expect(initializes(kite)).toHaveLength(2); // the first session and exactly one replacement
  expect(said).toEqual([ENDED]);
  const second = await connection.session();
  expect(second.sessionId).not.toBe(first.sessionId);
  const answered = (tool: string) => kite.requests.filter((request) => request.tool === tool && request.status === 200).map((request) => request.sessionId);
  expect(answered('get_margins')).toEqual([second.sessionId]);
  expect(answered('get_holdings')).toEqual([second.sessionId]);
});

test('a caller that reports a session already replaced gets the current one, with no new session and no notice', async ({ startKite, closeAfter }) => {
  const kite = await startKite({ autoLogin: true });
  const said: string[] = [];
  const connection = await open(kite, kite.mcpUrl, said, closeAfter);
  const first = await connection.session();
  kite.expireSession(first.sessionId ?? '');

  const second = await connection.replace('The Kite MCP session has ended on the server.', first);
  const late = await connection.replace('The Kite MCP session has ended on the server.', first);

  expect(late).toBe(second);
  expect(await connection.session()).toBe(second);
  expect(initializes(kite)).toHaveLength(2);
  expect(said).toEqual([ENDED]);
});

test('parallel callers that find the SSE stream dropped share one reconnection and one notice', async ({ startKite, closeAfter }) => {
  const kite = await startKite({ autoLogin: true });
  const said: string[] = [];
  const connection = await open(kite, kite.sseUrl, said, closeAfter);
  const first = await connection.session();
  kite.expireSession(first.sessionId ?? '');
  await expect.poll(() => connection.lost.aborted).toBe(true);

  const [one, two] = await Promise.all([connection.session(), connection.session()]);

  expect(one).toBe(two);
  expect(one).not.toBe(first);
  expect(initializes(kite)).toHaveLength(2);
  expect(said).toEqual([LOST]);
  expect((await one.callTool('get_profile', {})).isError).toBe(false);
});
