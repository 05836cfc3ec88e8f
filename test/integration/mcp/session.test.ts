// mcp-session against the fake Kite server on 127.0.0.1:0 over both transports: listing and calling tools, resuming
// by id, gone sessions, timeouts, aborts, unreachable and broken servers, close vs terminate, and a dropped stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, McpConnectError } from '../../../src/errors.js';
import { failureFromHttpStatus } from '../../../src/mcp/errors.js';
import { connectMcp, McpSessionGoneError, ToolTimeoutError, type McpSession, type TransportKind } from '../../../src/mcp/session.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, describe, expect } from '../../support/fixtures.js';

/**
 * `connect(options)`: connectMcp, its session closed after the test; `startHttp(handler)`: an HTTP server on
 * 127.0.0.1:0 that runs `handler` for every request, closed after the test.
 */
const test = base.extend<{
  connect: (options: Parameters<typeof connectMcp>[0]) => Promise<McpSession>;
  startHttp: (handler: Parameters<typeof createServer>[1]) => Promise<{ origin: string; server: Server }>;
}>({
  connect: async ({ closeAfter }, use) => {
    await use(async (options) => closeAfter(await connectMcp(options)));
  },
  startHttp: async ({ closeAfter }, use) => {
    await use(async (handler) => {
      const server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closeAfter({
        close: () => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        },
      });
      return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
    });
  },
});

function urlOf(server: FakeKite, kind: TransportKind): URL {
  return new URL(kind === 'sse' ? server.sseUrl : server.mcpUrl);
}

/** A loopback port that was just free and now has nobody listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe.each(['sse', 'streamable-http'] as const)('over %s', (kind) => {
  test('lists all 22 tools and answers a second listing from the cache without asking the server', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: urlOf(server, kind) });
    const tools = await session.listTools();
    expect(tools).toHaveLength(22);
    expect(tools.map((tool) => tool.name)).toContain('get_holdings');
    expect(tools[0]?.inputSchema).toMatchObject({ type: 'object' });
    expect(await session.listTools()).toEqual(tools);
    expect(server.requests.filter((request) => request.rpcMethod === 'tools/list')).toHaveLength(1);
    expect(session.transportKind).toBe(kind);
    expect(session.resumed).toBe(false);
  });

  test('calls a tool with its arguments: a Kite error text is an error result, data after login is not', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: urlOf(server, kind) });
    const before = await session.callTool('get_holdings', { limit: 2 });
    expect(before).toEqual({ isError: true, content: [{ type: 'text', text: 'Please log in first using the login tool' }] });
    server.completeLogin(session.sessionId ?? '');
    const after = await session.callTool('get_holdings', { limit: 2 });
    expect(after.isError).toBe(false);
    expect(JSON.parse(after.content[0]?.text ?? '')).toMatchObject({ pagination: { limit: 2 } });
    expect(server.requests.filter((request) => request.tool === 'get_holdings').map((request) => request.arguments)).toEqual([{ limit: 2 }, { limit: 2 }]);
  });

  test('an unknown tool comes back as an error result naming the tool, not as an exception', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: urlOf(server, kind) });
    const result = await session.callTool('no_such_tool', {});
    expect(result.isError).toBe(true);
    expect(result.content).toHaveLength(1);
    expect(result.content[0]?.text).toMatch(/no_such_tool/);
  });

  test('a tool that outlives its timeout fails with ToolTimeoutError naming the tool and the seconds', async ({ startKite, connect }) => {
    const server = await startKite();
    server.faults.hangTools.add('get_quotes');
    const session = await connect({ url: urlOf(server, kind) });
    const error = await rejection(session.callTool('get_quotes', { instruments: ['NSE:INFY'] }, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(ToolTimeoutError);
    expect((error as Error).message).toBe('get_quotes did not answer within 0.3 s.');
    expect((await session.callTool('login', {})).isError).toBe(false);
  });

  test('an aborted call rejects with the abort error and leaves the session usable', async ({ startKite, connect }) => {
    const server = await startKite();
    server.faults.hangTools.add('get_ohlc');
    const session = await connect({ url: urlOf(server, kind) });
    const controller = new AbortController();
    const call = session.callTool('get_ohlc', {}, { signal: controller.signal });
    await expect.poll(() => server.requests.some((request) => request.tool === 'get_ohlc')).toBe(true);
    controller.abort();
    const error = await rejection(call);
    expect((error as Error).name).toBe('AbortError');
    expect(error).not.toBeInstanceOf(ToolTimeoutError);
    expect((await session.callTool('login', {})).isError).toBe(false);
  });

  test('a call with an already aborted signal never reaches the server', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: urlOf(server, kind) });
    const error = await rejection(session.callTool('get_ltp', {}, { signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests.some((request) => request.tool === 'get_ltp')).toBe(false);
  });

  test('an unreachable server is one McpConnectError line naming origin and path without the query string', async () => {
    const port = await closedPort();
    const path = kind === 'sse' ? '/sse' : '/mcp';
    const url = new URL(`http://127.0.0.1:${port}${path}?token=s3cret`);
    const error = await rejection(connectMcp({ url }));
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as McpConnectError).exitCode).toBe(4);
    expect((error as Error).message).toBe(
      `Cannot reach the Kite MCP server at http://127.0.0.1:${port}${path} (connection refused): check --url / KITE_MCP_URL and your network.`,
    );
  });

  test('https to a server that speaks plain http is reported as a TLS error', async ({ startHttp }) => {
    const { origin } = await startHttp((_request, response) => response.end('plain'));
    const url = new URL(`${origin.replace('http:', 'https:')}${kind === 'sse' ? '/sse' : '/mcp'}`);
    const error = await rejection(connectMcp({ url }));
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as Error).message).toMatch(/^Cannot reach the Kite MCP server at https:\/\/127\.0\.0\.1:\d+\/(sse|mcp) \(TLS error[^)]*\): /);
  });

  test('a URL with a user name or password is refused as a configuration error without echoing them', async ({ startKite }) => {
    const server = await startKite();
    const url = urlOf(server, kind);
    url.username = 'trader';
    url.password = 'hunter2';
    const error = await rejection(connectMcp({ url }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toMatch(/trader|hunter2/);
    expect(server.requests).toHaveLength(0);
  });

  test('a server answering HTTP 503 is an McpConnectError that says the server failed', async ({ startKite }) => {
    const server = await startKite();
    server.faults.httpStatus = 503;
    const error = await rejection(connectMcp({ url: urlOf(server, kind) }));
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as Error).message).toMatch(/^The Kite MCP server at http:\/\/127\.0\.0\.1:\d+\/(sse|mcp) failed \(HTTP 503\): /);
  });

  test('a reply that is not MCP is an McpConnectError saying the server does not answer as MCP', async ({ startKite }) => {
    const server = await startKite();
    server.faults.garbage = true;
    const error = await rejection(connectMcp({ url: urlOf(server, kind) }));
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as Error).message).toMatch(/^The server at http:\/\/127\.0\.0\.1:\d+\/(sse|mcp) does not answer as an MCP server \(/);
  });

  test('close() ends the connection without sending DELETE', async ({ startKite }) => {
    const server = await startKite();
    const session = await connectMcp({ url: urlOf(server, kind) });
    await session.callTool('get_profile', {});
    await session.close();
    await session.close(); // a second close is harmless
    expect(server.requests.some((request) => request.httpMethod === 'DELETE')).toBe(false);
  });
});

describe('Streamable HTTP sessions', () => {
  test('a second connection with the first one\'s session id resumes it, and its login, without a second initialize', async ({ startKite, connect }) => {
    const server = await startKite();
    const first = await connectMcp({ url: new URL(server.mcpUrl) });
    const sessionId = first.sessionId;
    expect(sessionId).toMatch(/^kitemcp-/);
    await first.callTool('login', {});
    server.completeLogin(sessionId ?? '');
    await first.close();
    const second = await connect({ url: new URL(server.mcpUrl), sessionId });
    expect(second.resumed).toBe(true);
    expect(second.sessionId).toBe(sessionId);
    expect((await second.callTool('get_profile', {})).isError).toBe(false);
    expect(await second.listTools()).toHaveLength(22); // listed while resuming, to prove the id alive
    expect(server.requests.filter((request) => request.rpcMethod === 'tools/list')).toHaveLength(1);
    expect(server.requests.filter((request) => request.rpcMethod === 'initialize')).toHaveLength(1);
    expect(server.requests.filter((request) => request.tool === 'get_profile').map((request) => request.sessionId)).toEqual([sessionId]);
  });

  test('a saved id the server never knew fails at connect with McpSessionGoneError 400 and no id in the message', async ({ startKite }) => {
    const server = await startKite();
    const sessionId = 'kitemcp-00000000-0000-4000-8000-000000000000';
    const error = await rejection(connectMcp({ url: new URL(server.mcpUrl), sessionId }));
    expect(error).toBeInstanceOf(McpSessionGoneError);
    expect((error as McpSessionGoneError).status).toBe(400);
    expect((error as Error).message).not.toContain(sessionId);
    expect(server.requests.some((request) => request.rpcMethod === 'initialize')).toBe(false);
  });

  test('a saved id whose session expired fails at connect with McpSessionGoneError 404', async ({ startKite }) => {
    const server = await startKite();
    const first = await connectMcp({ url: new URL(server.mcpUrl) });
    await first.close();
    server.expireSession(first.sessionId ?? '');
    const error = await rejection(connectMcp({ url: new URL(server.mcpUrl), sessionId: first.sessionId }));
    expect(error).toBeInstanceOf(McpSessionGoneError);
    expect((error as McpSessionGoneError).status).toBe(404);
    expect((error as McpSessionGoneError).exitCode).toBe(4);
  });

  test('a session that ends in the middle of a conversation makes the next call throw McpSessionGoneError', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.mcpUrl) });
    await session.callTool('get_profile', {});
    server.expireSession(session.sessionId ?? '');
    const error = await rejection(session.callTool('get_margins', {}));
    expect(error).toBeInstanceOf(McpSessionGoneError);
    expect((error as McpSessionGoneError).status).toBe(404);
  });

  test('a server that goes away mid-conversation makes the call fail with one line naming the tool, not the session', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.mcpUrl) });
    await session.callTool('get_profile', {});
    await server.close();
    const error = await rejection(session.callTool('get_positions', {}));
    expect(error).toBeInstanceOf(McpConnectError);
    expect(error).not.toBeInstanceOf(McpSessionGoneError);
    // Refused when a new socket is opened, "closed by the server" when a kept-alive one was in use.
    expect((error as Error).message).toMatch(
      /^Lost contact with the Kite MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp while running get_positions \(connection (refused|closed by the server)\): check your network\.$/,
    );
    expect((error as Error).message).not.toContain(session.sessionId);
  });

  test('a cut of the optional GET stream is noise: onLost stays silent and calls keep working', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.mcpUrl) });
    server.completeLogin(session.sessionId ?? '');
    const reasons: string[] = [];
    session.onLost((reason) => reasons.push(reason));
    const isStreamGet = (request: { httpMethod: string; path: string }) => request.httpMethod === 'GET' && request.path === '/mcp';
    await expect.poll(() => server.requests.filter(isStreamGet).length).toBe(1);
    server.dropConnections();
    await expect.poll(() => server.requests.filter(isStreamGet).length, { timeout: 10_000 }).toBe(2); // the SDK reopens it
    expect((await session.callTool('get_profile', {})).isError).toBe(false);
    expect(reasons).toEqual([]);
  });

  test('terminate() sends DELETE, after which the id can no longer be resumed', async ({ startKite }) => {
    const server = await startKite();
    const session = await connectMcp({ url: new URL(server.mcpUrl) });
    const sessionId = session.sessionId;
    await session.terminate();
    expect(server.requests.filter((request) => request.httpMethod === 'DELETE').map((request) => request.sessionId)).toEqual([sessionId]);
    await expect(connectMcp({ url: new URL(server.mcpUrl), sessionId })).rejects.toBeInstanceOf(McpSessionGoneError);
  });

  test('terminate() of a session the server already ended completes and closes the session', async ({ startKite }) => {
    const server = await startKite();
    const session = await connectMcp({ url: new URL(server.mcpUrl) });
    server.expireSession(session.sessionId ?? '');
    await session.terminate();
    await expect(session.callTool('get_profile', {})).rejects.toBeInstanceOf(McpConnectError);
  });

  test('a server that accepts the connection but never answers fails at the connect timeout', async ({ startHttp }) => {
    const { origin } = await startHttp(() => {}); // holds every request open
    const error = await rejection(connectMcp({ url: new URL(`${origin}/mcp`), connectTimeoutMs: 200 }));
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as Error).message).toBe(
      `The Kite MCP server at ${origin}/mcp did not answer within 0.2 s: check --url / KITE_MCP_URL and your network.`,
    );
  });

  test('a plain web page at the URL is not mistaken for an MCP server', async ({ startHttp }) => {
    const { origin } = await startHttp((_request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found'));
    const error = await rejection(connectMcp({ url: new URL(`${origin}/mcp`) }));
    expect((error as Error).message).toBe(
      `The server at ${origin}/mcp does not answer as an MCP server (HTTP 404): check --url / KITE_MCP_URL (Kite's is https://mcp.kite.trade/sse or /mcp).`,
    );
  });
});

describe('SSE sessions', () => {
  test('onLost fires once with a reason without the session id when the server drops the stream', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.sseUrl) });
    const sessionId = session.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const reasons: string[] = [];
    session.onLost((reason) => reasons.push(reason));
    server.dropConnections();
    await expect.poll(() => reasons.length).toBe(1);
    expect(reasons[0]).toMatch(/dropped/);
    expect(reasons[0]).not.toContain(sessionId);
    const error = await rejection(session.callTool('get_profile', {}));
    expect(error).toBeInstanceOf(McpConnectError);
    expect(error).not.toBeInstanceOf(McpSessionGoneError);
    const late: string[] = [];
    session.onLost((reason) => late.push(reason)); // a listener added after the loss still hears of it
    await expect.poll(() => late.length).toBe(1);
  });

  test('onLost fires when the server ends the SSE session by closing its stream', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.sseUrl) });
    const reasons: string[] = [];
    session.onLost((reason) => reasons.push(reason));
    server.expireSession(session.sessionId ?? '');
    await expect.poll(() => reasons.length).toBe(1);
    expect(reasons[0]).toBe(`The connection to the Kite MCP server at ${server.sseUrl} dropped.`);
  });

  test('a given session id is ignored: SSE cannot resume, so a new session starts', async ({ startKite, connect }) => {
    const server = await startKite();
    const session = await connect({ url: new URL(server.sseUrl), sessionId: 'kitemcp-stale' });
    expect(session.resumed).toBe(false);
    expect(server.requests.filter((request) => request.rpcMethod === 'initialize')).toHaveLength(1);
  });
});

describe('failure wording', () => {
  test('a 400 that does not mention the session is not mistaken for a gone session', () => {
    expect(failureFromHttpStatus(400, "Invalid content type: must be 'application/json'", true)).toEqual({ kind: 'not-mcp', reason: 'HTTP 400' });
    expect(failureFromHttpStatus(400, 'Streamable HTTP error: Error POSTing to endpoint: Invalid session ID', true)).toEqual({ kind: 'gone', status: 400 });
    expect(failureFromHttpStatus(404, 'Not Found', false)).toEqual({ kind: 'not-mcp', reason: 'HTTP 404' });
  });
});
