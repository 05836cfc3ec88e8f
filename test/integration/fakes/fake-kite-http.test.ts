// The fake Kite MCP server at the HTTP level, with raw fetch: what SERVER.md §1 and §4 say a client sees on /mcp, /sse
// and /message (content type, session header, 400/404 texts, GET and DELETE, CORS, paths that do not exist), the
// request log, and the MCP fault switches. Protocol-level facts are in integration/fakes/fake-kite.test.ts.
import type { FakeKite } from '../../support/fake-kite/index.js';
import { expect, test } from '../../support/fixtures.js';
import { readKiteFixture } from '../../support/kite-fixtures.js';

const SERVER_MD = readKiteFixture('SERVER.md');
const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
const UUID4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function initialize(fake: FakeKite, protocolVersion = '2025-03-26'): Promise<{ response: Response; sessionId: string; body: unknown }> {
  const response = await post(fake.mcpUrl, { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion } });
  return { response, sessionId: response.headers.get('mcp-session-id') ?? '', body: await response.json() };
}

async function text(response: Response): Promise<{ status: number; type: string | null; body: string }> {
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const plain = (status: number, body: string) => ({ status, type: 'text/plain; charset=utf-8', body: `${body}\n` });

/** An AbortController whose close() aborts it: an open stream is cut before the fake closes. */
function abortable(): AbortController & { close(): void } {
  const controller = new AbortController();
  return Object.assign(controller, { close: () => controller.abort() });
}

test('initialize answers the result SERVER.md gives and a kitemcp- session id in the Mcp-Session-Id header', async ({ kite }) => {
  const { response, sessionId, body } = await initialize(kite);
  const documented = /\*\*`initialize` result:\*\* `(\{.*?\})`/.exec(SERVER_MD)?.[1] ?? 'missing';
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(sessionId).toMatch(new RegExp(`^kitemcp-${UUID4}$`));
  expect(body).toEqual({ jsonrpc: '2.0', id: 1, result: JSON.parse(documented) });
});

test('a protocol version mcp-go does not know is answered with 2025-03-26, a known one is echoed', async ({ kite }) => {
  const newer = (await initialize(kite, '2025-11-25')).body as { result: { protocolVersion: string } };
  const older = (await initialize(kite, '2024-11-05')).body as { result: { protocolVersion: string } };
  expect(newer.result.protocolVersion).toBe('2025-03-26');
  expect(older.result.protocolVersion).toBe('2024-11-05');
});

test('a POST whose Content-Type is not exactly application/json gets 400 Invalid content type', async ({ kite }) => {
  for (const contentType of ['application/json; charset=utf-8', 'text/plain']) {
    const response = await post(kite.mcpUrl, INITIALIZE, { 'Content-Type': contentType });
    expect(await text(response), contentType).toEqual(plain(400, "Invalid content type: must be 'application/json'"));
  }
});

test('a POST without a session id, or with a malformed or unknown one, gets 400 Invalid session ID', async ({ kite }) => {
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
  for (const header of [{}, { 'Mcp-Session-Id': 'not-a-session' }, { 'Mcp-Session-Id': `kitemcp-${crypto.randomUUID()}` }]) {
    expect(await text(await post(kite.mcpUrl, list, header))).toEqual(plain(400, 'Invalid session ID'));
  }
  const notification = { jsonrpc: '2.0', method: 'notifications/initialized' };
  expect(await text(await post(kite.mcpUrl, notification))).toEqual(plain(400, 'Invalid session ID'));
});

test('any later request carrying a live session id is served without a new initialize; notifications get an empty 202', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  const notified = await post(kite.mcpUrl, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': sessionId });
  expect(await text(notified)).toEqual({ status: 202, type: null, body: '' });
  const listed = await post(kite.mcpUrl, { jsonrpc: '2.0', id: 7, method: 'tools/list' }, { 'Mcp-Session-Id': sessionId });
  expect(listed.status).toBe(200);
  expect(listed.headers.get('content-type')).toBe('application/json');
  expect(((await listed.json()) as { id: number; result: { tools: unknown[] } }).result.tools).toHaveLength(22);
});

test('DELETE ends the session and its login: later POSTs get 404 Session terminated', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  kite.completeLogin(sessionId);
  const deleted = await fetch(kite.mcpUrl, { method: 'DELETE', headers: { 'Mcp-Session-Id': sessionId } });
  expect(deleted.status).toBe(200);
  expect(kite.isLoggedIn(sessionId)).toBe(false);
  const after = await post(kite.mcpUrl, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'Mcp-Session-Id': sessionId });
  expect(await text(after)).toEqual(plain(404, 'Session terminated'));
});

test('a session past its lifetime, or expired by the test hook, gets 404 Session terminated', async ({ startKite, kite }) => {
  const shortLived = await startKite({ sessionLifetimeMs: 30 });
  const short = await initialize(shortLived);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const list = { jsonrpc: '2.0', id: 4, method: 'tools/list' };
  expect(await text(await post(shortLived.mcpUrl, list, { 'Mcp-Session-Id': short.sessionId }))).toEqual(plain(404, 'Session terminated'));

  const { sessionId } = await initialize(kite);
  expect((await post(kite.mcpUrl, list, { 'Mcp-Session-Id': sessionId })).status).toBe(200);
  kite.expireSession(sessionId);
  expect(await text(await post(kite.mcpUrl, list, { 'Mcp-Session-Id': sessionId }))).toEqual(plain(404, 'Session terminated'));
});

test('GET /mcp opens a 202 event stream; a second GET for the same id gets 400 Session registration failed', async ({ kite, closeAfter }) => {
  const { sessionId } = await initialize(kite);
  const first = closeAfter(abortable());
  const stream = await fetch(kite.mcpUrl, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sessionId }, signal: first.signal });
  expect(stream.status).toBe(202);
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  const second = await fetch(kite.mcpUrl, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sessionId } });
  expect(await text(second)).toEqual(plain(400, 'Session registration failed: session already exists'));
});

test('/mcp has no CORS: OPTIONS gets 404 and responses carry no Access-Control headers', async ({ kite }) => {
  const options = await fetch(kite.mcpUrl, { method: 'OPTIONS', headers: { Origin: 'https://example.com' } });
  expect(options.status).toBe(404);
  const { response } = await initialize(kite);
  expect([...response.headers.keys()].filter((name) => name.startsWith('access-control'))).toEqual([]);
});

test('unmatched paths, /.well-known included, get 404 Not Found; / is an HTML status page', async ({ kite }) => {
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server', '/register', '/nope']) {
    expect(await text(await fetch(`${kite.origin}${path}`)), path).toEqual(plain(404, 'Not Found'));
  }
  const home = await text(await fetch(`${kite.origin}/`));
  expect(home.status).toBe(200);
  expect(home.type).toBe('text/html; charset=utf-8');
  expect(home.body).toContain('Kite MCP Server');
});

test('resources, prompts and logging get -32601 with the texts of SERVER.md §4', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  const expected: Record<string, string> = { 'resources/list': 'resources not supported', 'prompts/list': 'prompts not supported', 'logging/setLevel': 'logging not supported' };
  for (const [method, message] of Object.entries(expected)) {
    const params = method === 'logging/setLevel' ? { level: 'info' } : {};
    const response = await post(kite.mcpUrl, { jsonrpc: '2.0', id: 9, method, params }, { 'Mcp-Session-Id': sessionId });
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32601, message } });
  }
});

test('an unknown tool gets the JSON-RPC error -32602 text on the wire, with no prefix', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  const call = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'get_weather', arguments: {} } };
  const response = await post(kite.mcpUrl, call, { 'Mcp-Session-Id': sessionId });
  expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32602, message: "tool 'get_weather' not found: tool not found" } });
});

test('GET /sse sends the endpoint event with a plain uuid4 session id and allows any origin', async ({ kite, closeAfter }) => {
  const controller = closeAfter(abortable());
  const stream = await fetch(kite.sseUrl, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
  expect(stream.status).toBe(200);
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  expect(stream.headers.get('access-control-allow-origin')).toBe('*');
  const reader = stream.body?.getReader();
  const first = new TextDecoder().decode((await reader?.read())?.value);
  expect(first).toMatch(new RegExp(`^event: endpoint\ndata: /message\\?sessionId=${UUID4}\n\n$`));
});

test('POST /message for an unknown session gets 400 with the JSON-RPC error -32602 Invalid session ID', async ({ kite }) => {
  const response = await post(`${kite.origin}/message?sessionId=${crypto.randomUUID()}`, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(await response.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32602, message: 'Invalid session ID' } });
});

test('the request log records transport, method, path, status, JSON-RPC method, tool, arguments and session', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  const call = { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'get_holdings', arguments: { limit: 5 } } };
  await (await post(kite.mcpUrl, call, { 'Mcp-Session-Id': sessionId })).text();
  await (await fetch(`${kite.origin}/nope?x=1`)).text();
  expect(kite.requests).toEqual([
    { time: expect.any(Number), transport: 'streamable-http', httpMethod: 'POST', path: '/mcp', status: 200, rpcMethod: 'initialize', sessionId },
    { time: expect.any(Number), transport: 'streamable-http', httpMethod: 'POST', path: '/mcp', status: 200, rpcMethod: 'tools/call', tool: 'get_holdings', arguments: { limit: 5 }, sessionId },
    { time: expect.any(Number), transport: 'http', httpMethod: 'GET', path: '/nope', status: 404 },
  ]);
});

test('the httpStatus fault answers every MCP request with that status and leaves the login pages alone', async ({ kite }) => {
  const { sessionId } = await initialize(kite);
  kite.faults.httpStatus = 503;
  expect((await post(kite.mcpUrl, INITIALIZE)).status).toBe(503);
  expect((await fetch(kite.sseUrl)).status).toBe(503);
  expect((await post(`${kite.origin}/message?sessionId=x`, {})).status).toBe(503);
  const page = await fetch(kite.loginLinkFor(sessionId));
  expect(page.status).toBe(200);
  delete kite.faults.httpStatus;
  expect((await initialize(kite)).response.status).toBe(200);
});

test('the garbage fault answers MCP POSTs with a 200 that claims JSON and is not', async ({ kite }) => {
  kite.faults.garbage = true;
  const response = await post(kite.mcpUrl, INITIALIZE);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  await expect(response.json()).rejects.toThrow();
});
