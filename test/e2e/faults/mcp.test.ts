// Faults of the Kite MCP server, each met by a spawned kite-chat (or its REPL in a pseudo-terminal) against the
// loopback fake with a fault switched on: down at start, a connection dropped mid-turn, a tool that never answers,
// garbage, HTTP 5xx, and the 12 h session ending mid-conversation. Each ends in one line or an answer, never a stack
// trace or a hang (every spawn has a kill timeout).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { describe, expect, test } from '../../support/fixtures.js';
import { BROWSER_FOLLOW } from '../../support/run-cli.js';
import type { ScriptedOpenAI } from '../../support/scripted-openai.js';
import {
  closedOrigin, exitWithin, expectOneLineExit, lastToolMessages, nonEmptyLines, STACK_LINE, toolRequests, until,
} from '../../support/faults-harness.js';

const QUESTION = 'What are my holdings?';

/** A server that answers every request with 200 and JSON that is not JSON-RPC. */
async function startImpostor(): Promise<{ url: string; close(): Promise<void> }> {
  const impostor: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"hello":"world"}\n');
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}/mcp`,
    close: () => {
      impostor.closeAllConnections();
      return new Promise((resolve) => impostor.close(() => resolve()));
    },
  };
}

const transports = [
  // SSE delivers replies on the stream: a reply that is not JSON-RPC answers no request, so --tool-timeout ends it.
  { name: 'SSE', url: (fake: FakeKite) => fake.sseUrl, path: '/sse', garbageReply: /did not answer within 2 s\.$/ },
  { name: 'Streamable HTTP', url: (fake: FakeKite) => fake.mcpUrl, path: '/mcp', garbageReply: /sent a reply that is not MCP while running get_holdings/ },
] as const;

describe.each(transports)('MCP server faults over $name', ({ url, path, garbageReply }) => {
  test('a server that is down at start exits 4 with one line naming it', async ({ model, cli }) => {
    const down = `${await closedOrigin()}${path}`;

    const run = await cli(['--ask', QUESTION, '--url', down], { killAfterMs: 10_000 });

    expect(run.signal).toBeNull(); // not killed: it gave up by itself
    expectOneLineExit(run, 4, expect.stringContaining(down));
    expect(run.stderr).toMatch(/connection refused/);
    expect(completionCount(model)).toBe(0);
  });

  test('a server that answers garbage at start exits 4 with one line', async ({ startKite, cli }) => {
    const kite = await startKite({ autoLogin: true });
    kite.faults.garbage = true;

    const run = await cli(['--ask', QUESTION, '--url', url(kite)], { killAfterMs: 15_000 });

    expect(run.code).toBe(4);
    expect(nonEmptyLines(run.stderr)).toEqual([expect.stringMatching(/does not answer as an MCP server|not MCP/)]);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  test('a server that answers HTTP 503 at start exits 4 with one line giving the status', async ({ startKite, cli }) => {
    const kite = await startKite({ autoLogin: true });
    kite.faults.httpStatus = 503;

    const run = await cli(['--ask', QUESTION, '--url', url(kite)], { killAfterMs: 15_000 });

    expect(run.code).toBe(4);
    expect(nonEmptyLines(run.stderr)).toEqual([expect.stringContaining('HTTP 503')]);
  });

  test('a tool that never answers is given up after --tool-timeout and the model is told', async ({ startKite, model, cli }) => {
    const kite = await startKite({ autoLogin: true });
    kite.faults.hangTools.add('get_holdings');
    model.push(
      { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] },
      { text: 'Kite did not answer in time; try again shortly.' },
    );

    const run = await cli(['--ask', QUESTION, '--url', url(kite), '--tool-timeout', '1'], { killAfterMs: 20_000 });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Kite did not answer in time; try again shortly.\n');
    expect(lastToolMessages(model)).toEqual(['Tool call failed: get_holdings did not answer within 1 s.']);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  test('garbage in reply to a tool call goes to the model as a failed call, and the run goes on', async ({ startKite, model, cli }) => {
    const fake = await startKite({ autoLogin: true });
    model.push(
      () => {
        fake.faults.garbage = true; // from now on, while the model's tool call runs
        return { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] };
      },
      () => {
        fake.faults.garbage = false;
        return { text: 'The server sent something unreadable.' };
      },
    );

    const run = await cli(['--ask', QUESTION, '--url', url(fake), '--tool-timeout', '2'], { killAfterMs: 20_000 });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The server sent something unreadable.\n');
    expect(lastToolMessages(model)).toEqual([expect.stringMatching(garbageReply)]);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  test('HTTP 502 in reply to a tool call goes to the model as a failed call, and the run goes on', async ({ startKite, model, cli }) => {
    const fake = await startKite({ autoLogin: true });
    model.push(
      () => {
        fake.faults.httpStatus = 502;
        return { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] };
      },
      () => {
        delete fake.faults.httpStatus;
        return { text: 'Kite is having trouble; try again in a minute.' };
      },
    );

    const run = await cli(['--ask', QUESTION, '--url', url(fake), '--tool-timeout', '5'], { killAfterMs: 20_000 });

    expect(run.code).toBe(0);
    expect(lastToolMessages(model)).toEqual([expect.stringMatching(/^Tool call failed: .*HTTP 502/)]);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});

function completionCount(fake: ScriptedOpenAI): number {
  return fake.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
}

/** Waits until get_holdings is in flight on the server, then cuts every connection. */
async function dropDuringHoldings(fake: FakeKite): Promise<void> {
  await until(() => toolRequests(fake, 'get_holdings').length > 0, 'the get_holdings call to reach the server');
  fake.dropConnections();
}

test('SSE dropped mid-turn: kite-chat reconnects, says the login must be redone, and logs in again', async ({ kite: fake, model, cli }) => {
  fake.faults.hangTools.add('get_holdings');
  model.push(
    { toolCalls: [{ name: 'get_margins', arguments: {} }] }, // logs in (the browser follows the link)
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] }, // in flight when the connection drops
    () => {
      fake.faults.hangTools.delete('get_holdings');
      return { toolCalls: [{ name: 'get_holdings', arguments: { limit: 11 } }] }; // new connection: a new login
    },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 12 } }] },
    { text: 'Here are your holdings.' },
  );

  const running = cli(['--ask', QUESTION, '--url', fake.sseUrl], { env: { BROWSER: BROWSER_FOLLOW }, killAfterMs: 25_000 });
  await dropDuringHoldings(fake);
  const run = await running;

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Here are your holdings.\n');
  expect(run.stderr).toMatch(/connection to the Kite MCP server was lost; reconnected\. Kite ties the login to the connection, so you will need to log in again/);
  expect(fake.requests.filter((request) => request.path === '/callback' && request.status === 200)).toHaveLength(2);
  const sessions = new Set(toolRequests(fake, 'get_holdings').map((request) => request.sessionId));
  expect(sessions.size).toBe(2);
  expect(run.stderr).not.toMatch(STACK_LINE);
});

test('Streamable HTTP dropped mid-turn: the same session goes on, with no new login', async ({ startKite, model, cli }) => {
  const fake = await startKite({ autoLogin: true });
  fake.faults.hangTools.add('get_holdings');
  model.push(
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] },
    () => {
      fake.faults.hangTools.delete('get_holdings');
      return { toolCalls: [{ name: 'get_holdings', arguments: { limit: 11 } }] };
    },
    { text: 'Here are your holdings.' },
  );

  const running = cli(['--ask', QUESTION, '--url', fake.mcpUrl], { killAfterMs: 25_000 });
  await dropDuringHoldings(fake);
  const run = await running;

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Here are your holdings.\n');
  expect(lastToolMessages(model)[0]).toMatch(/^Tool call failed: /);
  expect(fake.requests.filter((request) => request.rpcMethod === 'initialize')).toHaveLength(1);
  const sessions = new Set(toolRequests(fake, 'get_holdings').map((request) => request.sessionId));
  expect(sessions.size).toBe(1);
  expect(run.stderr).not.toMatch(/log in again/);
});

test('the 12 h session ending mid-conversation: a new session, said once, and the conversation goes on', async ({ startKite, model, repl }) => {
  const kite = await startKite({ autoLogin: true });
  model.push(
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    { text: 'You have ₹99,725.05 available.' },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] },
    { text: 'Your holdings fetched on the new session.' },
  );
  const session = repl(['--url', kite.mcpUrl, '--no-browser']);

  await session.waitFor('›');
  session.type('How much cash do I have?\r');
  await session.waitFor(/₹99,725\.05 available\.\n.*›/);
  const sessionId = kite.requests.find((request) => request.rpcMethod === 'initialize')?.sessionId ?? '';
  kite.expireSession(sessionId); // the server's 12 h are up: it now answers 404 Session terminated
  session.type('And my holdings?\r');
  await session.waitFor('Your holdings fetched on the new session.');

  const screen = session.text();
  expect(screen.match(/Starting a new Kite session; you will need to log in again/g)).toHaveLength(1);
  expect(kite.requests.filter((request) => request.rpcMethod === 'initialize')).toHaveLength(2);
  const last = JSON.stringify(model.requests.at(-1)?.body?.messages);
  expect(last).toContain('How much cash do I have?'); // the conversation before the expiry is kept
  expect(last).toContain('tradingsymbol|'); // and the holdings from the new session reached the model
  expect(screen).not.toMatch(STACK_LINE);
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('a server that answers JSON that is not JSON-RPC exits 4 with one line', async ({ closeAfter, cli }) => {
  const { url } = closeAfter(await startImpostor());

  const run = await cli(['--ask', QUESTION, '--url', url], { killAfterMs: 15_000 });

  expect(run.code).toBe(4);
  expect(nonEmptyLines(run.stderr)).toEqual([`kite-chat: The server at ${url} does not answer as an MCP server (the reply was not JSON-RPC): check --url / KITE_MCP_URL (Kite's is https://mcp.kite.trade/sse or /mcp).`]);
});

test('the REPL with its server down at start exits 4 with one line', async ({ repl }) => {
  const down = `${await closedOrigin()}/mcp`;
  const session = repl(['--url', down, '--no-browser']);

  expect(await exitWithin(session)).toBe(4);
  expect(nonEmptyLines(session.text())).toEqual([`kite-chat: Cannot reach the Kite MCP server at ${down} (connection refused): check --url / KITE_MCP_URL and your network.`]);
});
