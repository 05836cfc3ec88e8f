// The fake Kite MCP server at the protocol level, through the MCP SDK's own Client over both transports: the catalog,
// the login text in both link forms and its binding to one session, the texts before and after login, the fixture
// data, pagination and resuming a session by id. Expected texts are read from kite/SERVER.md and kite/tools.json
// wherever they are given. Links are compared under a fixed clock, never two readings of the wall clock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, describe, expect } from '../../support/fixtures.js';
import { kiteMock, readKiteFixture } from '../../support/kite-fixtures.js';
import { BROWSER_FOLLOW } from '../../support/run-cli.js';

const run = promisify(execFile);
/** 2026-07-24 09:15:00 UTC: a fixed clock for the fake, so a link it signed can be compared with one signed later. */
const FIXED_NOW = Date.UTC(2026, 6, 24, 9, 15, 0);
const UUID4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
/** `<id>|<unixSeconds>.<padded base64url HMAC-SHA256>`, query-escaped, for the session id pattern given. */
const signedEscaped = (id: string) => `${id}%7C${FIXED_NOW / 1000}\\.[A-Za-z0-9_-]{43}%3D`;

const SERVER_MD = readKiteFixture('SERVER.md');
const TOOLS_JSON = JSON.parse(readKiteFixture('tools.json')) as Array<Record<string, unknown>>;
const mock = (name: string): unknown => kiteMock(name);

/** SERVER.md §2 "Exact text returned", with both %s standing for the login URL. */
function documentedLoginText(url: string): string {
  const block = /\*\*Exact text returned\*\*[^\n]*\n\n```\n([\s\S]*?)\n```/.exec(SERVER_MD)?.[1];
  if (block === undefined) throw new Error('SERVER.md has no login text block');
  return block.replaceAll('%s', url);
}

/** The generic texts SERVER.md §2 lists for calls made after the first one on a logged-out session. */
const FAILURE_TEXTS: Record<string, string> = {
  get_profile: 'Failed to execute get_profile',
  get_margins: 'Failed to execute get_margins',
  get_holdings: 'Failed to execute get_holdings',
  get_positions: 'Failed to execute get_positions',
  get_trades: 'Failed to execute get_trades',
  get_orders: 'Failed to execute get_orders',
  get_gtts: 'Failed to execute get_gtts',
  get_mf_holdings: 'Failed to execute get_mf_holdings',
  get_quotes: 'Failed to get quotes',
  get_ltp: 'Failed to get latest trading prices',
  get_ohlc: 'Failed to get OHLC data',
  get_historical_data: 'Failed to get historical data',
  get_order_history: 'Failed to get order history',
  get_order_trades: 'Failed to get order trades',
  place_order: 'Failed to place order',
  modify_order: 'Failed to modify order',
  cancel_order: 'Failed to cancel order',
  place_gtt_order: 'Failed to place GTT order',
  modify_gtt_order: 'Failed to modify GTT order',
  delete_gtt_order: 'Failed to delete GTT order',
};

/** Arguments that pass every parameter check, per tool. */
const VALID_ARGUMENTS: Record<string, Record<string, unknown>> = {
  get_quotes: { instruments: ['NSE:INFY'] },
  get_ltp: { instruments: ['NSE:INFY'] },
  get_ohlc: { instruments: ['NSE:INFY'] },
  get_historical_data: { instrument_token: 408065, from_date: '2017-12-15 09:15:00', to_date: '2017-12-15 09:20:00', interval: 'minute' },
  get_order_history: { order_id: '171229000724687' },
  get_order_trades: { order_id: '200000000000000' },
  place_order: { variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'MARKET' },
  modify_order: { variety: 'regular', order_id: '151220000000000', order_type: 'LIMIT', price: 1500 },
  cancel_order: { variety: 'regular', order_id: '151220000000000' },
  place_gtt_order: { exchange: 'NSE', tradingsymbol: 'INFY', last_price: 1500, transaction_type: 'BUY', product: 'CNC', trigger_type: 'single', trigger_value: 1400, quantity: 1, limit_price: 1400 },
  modify_gtt_order: { trigger_id: 123, exchange: 'NSE', tradingsymbol: 'INFY', last_price: 1500, transaction_type: 'BUY', trigger_type: 'single', trigger_value: 1400, quantity: 1, limit_price: 1400 },
  delete_gtt_order: { trigger_id: 123 },
};

type Kind = 'sse' | 'mcp';

type Connect = (fake: FakeKite, kind: Kind, sessionId?: string) => Promise<{ client: Client; sessionId: string }>;

/** `connect(fake, kind, sessionId)`: the SDK's own Client on that transport (resuming `sessionId`), closed after the test. */
const test = base.extend<{ connect: Connect }>({
  connect: async ({ closeAfter }, use) => {
    await use(async (fake, kind, sessionId) => {
      const client = new Client({ name: 'fake-kite-test', version: '0.0.0' });
      const transport = kind === 'sse'
        ? new SSEClientTransport(new URL(fake.sseUrl))
        : new StreamableHTTPClientTransport(new URL(fake.mcpUrl), sessionId === undefined ? {} : { sessionId });
      await client.connect(transport);
      closeAfter(client);
      const id = transport instanceof StreamableHTTPClientTransport
        ? transport.sessionId
        : fake.requests.filter((request) => request.path === '/sse').at(-1)?.sessionId;
      if (id === undefined) throw new Error('no session id');
      return { client, sessionId: id };
    });
  },
});

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string }>;
  expect(content).toHaveLength(1);
  expect(content[0]?.type).toBe('text');
  return { text: content[0]?.text ?? '', isError: result.isError === true };
}

async function data(client: Client, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const result = await call(client, name, args);
  expect(result.isError).toBe(false);
  return JSON.parse(result.text);
}

function linkIn(text: string): string {
  const link = /\[Login to Kite\]\(([^)\s]+)\)/.exec(text)?.[1];
  if (link === undefined) throw new Error(`no login link in: ${text}`);
  return link;
}

/** Follows a login link as a person in a browser does (test/support/browser-follow.mjs), and says how it went. */
async function followLink(fake: FakeKite, link: string): Promise<{ stderr: string; callbackStatus: number | undefined }> {
  const { stderr } = await run(BROWSER_FOLLOW, [link], { env: { PATH: process.env['PATH'] ?? '' } });
  return { stderr, callbackStatus: fake.requests.filter((request) => request.path === '/callback').at(-1)?.status };
}

describe.each(['mcp', 'sse'] as const)('over /%s', (kind) => {
  test('tools/list returns tools.json as it is, minus our private writes key', async ({ kite, connect }) => {
    const { client } = await connect(kite, kind);
    const listed = (await client.listTools()).tools;
    expect(listed).toEqual(TOOLS_JSON.map(({ writes: _writes, ...tool }) => tool));
    expect(listed).toHaveLength(22);
    expect(client.getServerVersion()).toEqual({ name: 'Kite MCP Server', version: 'v0.3.1' });
  });

  test.for([
    ['hosted', (origin: string, id: string) => `^${origin}/authorize\\?session_id=${signedEscaped(id)}$`],
    ['direct', (origin: string, id: string) => `^${origin}/connect/login\\?api_key=kitemcp&v=3&redirect_params=session_id%3D${signedEscaped(id)}$`],
  ] as const)('login returns the exact text of SERVER.md with a %s link signed for this session on the fake origin', async ([form, pattern], { startKite, connect }) => {
    const kite = await startKite({ loginForm: form, now: () => FIXED_NOW });
    const { client, sessionId } = await connect(kite, kind);
    const { text, isError } = await call(client, 'login');
    const link = linkIn(text);
    expect(isError).toBe(false);
    expect(text).toBe(documentedLoginText(link));
    expect(link).toBe(kite.loginLinkFor(sessionId));
    expect(link).toMatch(new RegExp(pattern(kite.origin, kind === 'mcp' ? `kitemcp-${UUID4}` : UUID4)));
    expect(link).toContain(sessionId);
  });

  test('before login the first Kite-backed call asks for a login and later calls get the generic Failed to texts', async ({ kite, connect }) => {
    const { client } = await connect(kite, kind);
    expect(await call(client, 'get_holdings')).toEqual({ text: 'Please log in first using the login tool', isError: true });
    for (const [tool, text] of Object.entries(FAILURE_TEXTS)) {
      expect(await call(client, tool, VALID_ARGUMENTS[tool] ?? {}), tool).toEqual({ text, isError: true });
    }
  });

  test.for(['hosted', 'direct'] as const)('a followed %s login link logs in that session only, and login then names the user', async (form, { startKite, connect }) => {
    const kite = await startKite({ loginForm: form });
    const first = await connect(kite, kind);
    const second = await connect(kite, kind);
    const link = linkIn((await call(first.client, 'login')).text);
    expect(kite.isLoggedIn(first.sessionId)).toBe(false);

    expect(await followLink(kite, link)).toEqual({ stderr: '', callbackStatus: 200 });
    const pages = kite.requests.filter((request) => request.transport === 'http').map((request) => `${request.path} ${request.status}`);
    expect(pages).toEqual([...(form === 'hosted' ? ['/authorize 200'] : []), '/connect/login 200', '/callback 200']);

    expect(kite.isLoggedIn(first.sessionId)).toBe(true);
    expect(await data(first.client, 'get_profile')).toEqual(mock('profile'));
    expect(await call(first.client, 'login')).toEqual({ text: 'You are already logged in as AxAx Bxx', isError: false });
    expect(kite.isLoggedIn(second.sessionId)).toBe(false);
    expect(await call(second.client, 'get_profile')).toEqual({ text: 'Please log in first using the login tool', isError: true });
  });

  test('after login each read tool answers its fixture as one JSON text, positions flattened day then net', async ({ kite, connect }) => {
    const { client, sessionId } = await connect(kite, kind);
    kite.completeLogin(sessionId);
    const positions = mock('positions') as { day: unknown[]; net: unknown[] };
    expect(await data(client, 'get_holdings')).toEqual(mock('holdings'));
    expect(await data(client, 'get_positions')).toEqual([...positions.day, ...positions.net]);
    expect(await data(client, 'get_margins')).toEqual(mock('margins'));
    expect(await data(client, 'get_orders')).toEqual(mock('orders'));
    expect(await data(client, 'get_trades')).toEqual(mock('trades'));
    expect(await data(client, 'get_gtts')).toEqual(mock('gtt_get_orders'));
    expect(await data(client, 'get_mf_holdings')).toEqual(mock('mf_holdings'));
    expect(await data(client, 'get_order_history', { order_id: '171229000724687' })).toEqual(mock('order_info'));
    expect(await data(client, 'get_order_trades', { order_id: '200000000000000' })).toEqual(mock('order_trades'));
  });

  test('write tools answer an order_id or a trigger_id once logged in', async ({ kite, connect }) => {
    const { client, sessionId } = await connect(kite, kind);
    kite.completeLogin(sessionId);
    for (const tool of ['place_order', 'modify_order', 'cancel_order']) {
      expect(await data(client, tool, VALID_ARGUMENTS[tool])).toEqual({ order_id: '151220000000000' });
    }
    for (const tool of ['place_gtt_order', 'modify_gtt_order', 'delete_gtt_order']) {
      expect(await data(client, tool, VALID_ARGUMENTS[tool])).toEqual({ trigger_id: 123 });
    }
    const placed = kite.requests.find((request) => request.tool === 'place_order');
    expect(placed?.arguments).toEqual(VALID_ARGUMENTS['place_order']);
  });

  test('an unknown tool is a JSON-RPC -32602 error naming it', async ({ kite, connect }) => {
    const { client } = await connect(kite, kind);
    await expect(client.callTool({ name: 'get_weather', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("tool 'get_weather' not found: tool not found"),
    });
  });
});

test('without limit a list is sliced from `from`; with a limit it comes wrapped with pagination metadata', async ({ kite, connect }) => {
  const { client, sessionId } = await connect(kite, 'mcp');
  kite.completeLogin(sessionId);
  const orders = mock('orders') as unknown[];
  expect(orders).toHaveLength(10);
  expect(await data(client, 'get_orders', { from: 7 })).toEqual(orders.slice(7));
  expect(await data(client, 'get_orders', { from: 2, limit: 3 })).toEqual({
    data: orders.slice(2, 5),
    pagination: { from: 2, limit: 3, total: 10, has_more: true, returned: 3 },
  });
  expect(await data(client, 'get_orders', { from: 8, limit: 5 })).toEqual({
    data: orders.slice(8),
    pagination: { from: 8, limit: 5, total: 10, has_more: false, returned: 2 },
  });
  // SafeAssertInt: a string is not a number, so this is "no limit".
  expect(await data(client, 'get_orders', { limit: '3' })).toEqual(orders);
});

test('search_instruments works before login, filters on the id by default and paginates', async ({ kite, connect }) => {
  const { client } = await connect(kite, 'mcp');
  const found = (await data(client, 'search_instruments', { query: 'bees' })) as Array<Record<string, unknown>>;
  expect(found.length).toBeGreaterThan(0);
  for (const instrument of found) expect(String(instrument['id'])).toMatch(/^NSE:.*BEES/);
  expect(found.find((instrument) => instrument['tradingsymbol'] === 'BANKBEES')).toMatchObject({
    id: 'NSE:BANKBEES', instrument_token: 2928385, exchange_token: 11439, exchange: 'NSE', name: 'RELIANCE ETF BANK BEES', tick_size: 0.01, lot_size: 1,
  });
  const byName = (await data(client, 'search_instruments', { query: 'central bank', filter_on: 'name' })) as Array<Record<string, unknown>>;
  expect(byName.map((instrument) => instrument['tradingsymbol'])).toContain('CENTRALBK-BE');
  const page = (await data(client, 'search_instruments', { query: 'NSE:', limit: 2 })) as { data: unknown[]; pagination: Record<string, unknown> };
  expect(page.data).toHaveLength(2);
  // The dump's 99 NSE rows, plus NSE:INFY and NSE:AARON, which the quote and holdings fixtures name (mock-data.ts).
  expect(page.pagination).toEqual({ from: 0, limit: 2, total: 101, has_more: true, returned: 2 });
});

test('parameter checks answer before the session check', async ({ kite, connect }) => {
  const { client } = await connect(kite, 'mcp');
  expect(await call(client, 'get_order_history')).toEqual({ text: "parameter 'order_id': is required", isError: true });
  expect(await call(client, 'get_order_history', { order_id: '' })).toEqual({ text: "parameter 'order_id': cannot be empty", isError: true });
  expect(await call(client, 'get_ltp')).toEqual({ text: "parameter 'instruments': is required", isError: true });
  expect(await call(client, 'get_ltp', { instruments: [] })).toEqual({ text: 'At least one instrument must be specified', isError: true });
  expect(await call(client, 'get_historical_data', { ...VALID_ARGUMENTS['get_historical_data'], to_date: '15/12/2017' })).toEqual({
    text: 'Failed to parse to_date, use format YYYY-MM-DD HH:MM:SS', isError: true,
  });
  expect(await call(client, 'place_gtt_order', { ...VALID_ARGUMENTS['place_gtt_order'], trigger_type: 'oco' })).toEqual({
    text: "Invalid trigger_type. Must be 'single' or 'two-leg'", isError: true,
  });
  // None of those touched the session, so the first Kite-backed call is still the "first" one.
  expect(await call(client, 'get_profile')).toEqual({ text: 'Please log in first using the login tool', isError: true });
});

test('quotes, LTP and OHLC hold only the requested keys, and the ltp option adds prices', async ({ startKite, connect }) => {
  const kite = await startKite({ ltp: { 'NSE:BANKBEES': 512.5, 'NSE:INFY': 1500 } });
  const { client, sessionId } = await connect(kite, 'mcp');
  kite.completeLogin(sessionId);
  const quote = mock('quote') as Record<string, Record<string, unknown>>;
  expect(await data(client, 'get_quotes', { instruments: ['NSE:INFY', 'NSE:NOPE'] })).toEqual({ 'NSE:INFY': { ...quote['NSE:INFY'], last_price: 1500 } });
  expect(await data(client, 'get_ltp', { instruments: ['NSE:BANKBEES', 'NSE:NOPE'] })).toEqual({
    'NSE:BANKBEES': { instrument_token: 2928385, last_price: 512.5 },
  });
  expect(await data(client, 'get_ohlc', { instruments: ['BSE:INFY'] })).toEqual({});
});

test('historical data comes as candle objects with RFC3339 times, open interest only when asked', async ({ kite, connect }) => {
  const { client, sessionId } = await connect(kite, 'mcp');
  kite.completeLogin(sessionId);
  // Generated candles (fake-kite/history.ts; its own tests are in fake-kite-history.test.ts): 09:15 to 09:20, a minute each.
  const plain = (await data(client, 'get_historical_data', VALID_ARGUMENTS['get_historical_data'])) as Record<string, unknown>[];
  expect(plain.map((candle) => candle['date'])).toEqual(['15', '16', '17', '18', '19', '20'].map((minute) => `2017-12-15T09:${minute}:00+05:30`));
  expect(Object.keys(plain[0] ?? {})).toEqual(['date', 'open', 'high', 'low', 'close', 'volume', 'oi']);
  expect(plain.every((candle) => candle['oi'] === 0)).toBe(true);
  const withOi = (await data(client, 'get_historical_data', { ...VALID_ARGUMENTS['get_historical_data'], oi: true })) as Record<string, unknown>[];
  expect(withOi.every((candle) => typeof candle['oi'] === 'number' && candle['oi'] > 0)).toBe(true);
  expect(withOi.map((candle) => candle['close'])).toEqual(plain.map((candle) => candle['close']));
});

test('a new Client resumes a live session by id without initialize, login included', async ({ kite, connect }) => {
  const first = await connect(kite, 'mcp');
  kite.completeLogin(first.sessionId);
  await first.client.close();
  const before = kite.requests.length;

  const resumed = await connect(kite, 'mcp', first.sessionId);
  expect(await data(resumed.client, 'get_profile')).toEqual(mock('profile'));
  const later = kite.requests.slice(before);
  expect(later.some((request) => request.rpcMethod === 'initialize')).toBe(false);
  expect(later.filter((request) => request.httpMethod === 'POST').every((request) => request.sessionId === first.sessionId)).toBe(true);
});

test('after the Kite token expires tools say Failed to, and login hands out a fresh link in the same session', async ({ kite, connect }) => {
  const { client, sessionId } = await connect(kite, 'mcp');
  kite.completeLogin(sessionId);
  kite.expireLogin();
  expect(kite.isLoggedIn(sessionId)).toBe(false);
  expect(await call(client, 'get_holdings')).toEqual({ text: 'Failed to execute get_holdings', isError: true });
  const login = await call(client, 'login');
  expect(login.text).toBe(documentedLoginText(linkIn(login.text)));
  expect(await followLink(kite, linkIn(login.text))).toEqual({ stderr: '', callbackStatus: 200 });
  expect(await data(client, 'get_holdings')).toEqual(mock('holdings'));
});

test('autoLogin starts every session logged in', async ({ startKite, connect }) => {
  const kite = await startKite({ autoLogin: true });
  const overMcp = await connect(kite, 'mcp');
  const overSse = await connect(kite, 'sse');
  expect(await data(overMcp.client, 'get_margins')).toEqual(mock('margins'));
  expect(await data(overSse.client, 'get_margins')).toEqual(mock('margins'));
});
