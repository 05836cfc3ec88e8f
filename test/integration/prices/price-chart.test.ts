// price_chart (src/prices/) against the fake Kite server over MCP, as the executor runs it: it finds the instrument
// token itself, reads candles in pages of Kite's per-interval limit, and answers the model with exact figures only,
// the closes going to the person as a picture. The figures are checked against an independent BigInt computation
// over the candles the fake serves for the same range.
import { LOCAL_TOOLS } from '../../../src/portfolio/tools.js';
import type { ReadTool, ToolOutcome } from '../../../src/tools/tool.js';
import type { FakeKite, FakeKiteOptions } from '../../support/fake-kite/index.js';
import { test as base, describe, expect } from '../../support/fixtures.js';
import { callForText, connectSdkClient } from '../../support/sdk-client.js';

/** Friday 2025-08-08 12:00 IST, as both the fake's clock and the tool's "now". */
const NOW = new Date(Date.UTC(2025, 7, 8, 6, 30));
const INFY = 408065;
const QUARTER = { instrument: 'NSE:INFY', from: '2025-04-01', to: '2025-06-30', interval: 'day' };

/** `start(options)`: the fake Kite on NOW's clock (logged in unless `options` say otherwise), and `read` calling its tools over MCP. */
const test = base.extend<{ start: (options?: FakeKiteOptions) => Promise<{ kite: FakeKite; read: ReadTool }> }>({
  start: async ({ startKite, closeAfter }, use) => {
    await use(async (options = {}) => {
      const kite = await startKite({ autoLogin: true, now: () => NOW.getTime(), ...options });
      const client = await connectSdkClient(kite.mcpUrl, closeAfter, 'price-chart-test');
      return { kite, read: (name, args) => callForText(client, name, args) };
    });
  },
});

function priceChart(args: Record<string, unknown>, read: ReadTool): Promise<ToolOutcome> {
  const tool = LOCAL_TOOLS.find((candidate) => candidate.name === 'price_chart');
  if (tool === undefined) throw new Error('price_chart is not a local tool');
  return tool.run(args, read, new AbortController().signal, NOW);
}

function historyCalls(kite: FakeKite): Record<string, unknown>[] {
  return kite.requests.filter((request) => request.tool === 'get_historical_data').map((request) => request.arguments ?? {});
}

/** ₹ with Indian grouping from paise, independently of src/. */
function rupeesFromPaise(paise: bigint): string {
  const negative = paise < 0n;
  const digits = (negative ? -paise : paise).toString().padStart(3, '0');
  const whole = digits.slice(0, -2);
  const grouped = whole.length <= 3 ? whole : `${whole.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ',')},${whole.slice(-3)}`;
  return `${negative ? '-' : ''}₹${grouped}.${digits.slice(-2)}`;
}

const paise = (price: unknown) => BigInt(Math.round(Number(price) * 100));

/** part / whole as a percentage to two decimals, halves away from zero. */
function percentText(part: bigint, whole: bigint): string {
  const scaled = part * 10_000n;
  const magnitude = scaled < 0n ? -scaled : scaled;
  let hundredths = magnitude / whole;
  if ((magnitude % whole) * 2n >= whole) hundredths += 1n;
  const digits = hundredths.toString().padStart(3, '0');
  return `${scaled < 0n && hundredths > 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}%`;
}

describe('price_chart', () => {
  test('a quarter of NSE:INFY: the token from search_instruments, one request, and exact figures without the candles', async ({ start }) => {
    const { kite, read } = await start();
    const answer = await priceChart(QUARTER, read);
    expect(answer.isError).toBe(false);
    const tools = kite.requests.filter((request) => request.tool !== undefined).map((request) => request.tool);
    expect(tools).toEqual(['search_instruments', 'get_historical_data']);
    expect(historyCalls(kite)).toEqual([{ instrument_token: INFY, from_date: '2025-04-01 00:00:00', to_date: '2025-06-30 23:59:59', interval: 'day' }]);

    const served = JSON.parse((await read('get_historical_data', historyCalls(kite)[0] ?? {}, new AbortController().signal)).text) as Record<string, unknown>[];
    const first = served[0] ?? {};
    const last = served.at(-1) ?? {};
    const change = paise(last['close']) - paise(first['close']);
    const high = served.reduce((best, candle) => (paise(candle['high']) > paise(best['high']) ? candle : best));
    const low = served.reduce((best, candle) => (paise(candle['low']) < paise(best['low']) ? candle : best));
    const day = (candle: Record<string, unknown>) => String(candle['date']).slice(0, 10);
    const lines = answer.text.split('\n');
    expect(lines).toContain(`candles: ${served.length}`);
    expect(lines).toContain(`first close: ${rupeesFromPaise(paise(first['close']))} on ${day(first)}`);
    expect(lines).toContain(`last close: ${rupeesFromPaise(paise(last['close']))} on ${day(last)}`);
    expect(lines).toContain(`change: ${rupeesFromPaise(change)} (${percentText(change, paise(first['close']))})`);
    expect(lines).toContain(`high: ${rupeesFromPaise(paise(high['high']))} on ${day(high)}`);
    expect(lines).toContain(`low: ${rupeesFromPaise(paise(low['low']))} on ${day(low)}`);
    // The model reads figures, not candles: only the four dates it is told about appear.
    const dates = new Set(answer.text.match(/\d{4}-\d{2}-\d{2}/g));
    expect(dates.size).toBeLessThanOrEqual(6);
    expect(answer.text.length).toBeLessThan(1000);

    expect(answer.display?.kind).toBe('price-chart');
    if (answer.display?.kind !== 'price-chart') return;
    expect(answer.display.closes).toEqual(served.map((candle) => candle['close']));
    expect(answer.display.times[0]).toBe(day(first));
    expect(answer.display.times[answer.display.high.index]).toBe(day(high));
    expect(answer.display.times[answer.display.low.index]).toBe(day(low));
  });

  test('four months of minute candles are read in three pages within Kite\'s 60-day limit, back to back', async ({ start }) => {
    const { kite, read } = await start();
    const answer = await priceChart({ instrument: 'NSE:INFY', from: '2025-04-01', to: '2025-08-05', interval: 'minute' }, read);
    expect(answer.isError).toBe(false);
    const pages = historyCalls(kite);
    expect(pages).toHaveLength(3);
    const wall = (text: unknown) => Date.parse(`${String(text).replace(' ', 'T')}Z`);
    pages.forEach((page, index) => {
      expect(wall(page['to_date']) - wall(page['from_date'])).toBeLessThan(60 * 86_400_000);
      if (index > 0) expect(wall(page['from_date']) - wall(pages[index - 1]?.['to_date'])).toBe(1000);
    });
    expect(pages[0]?.['from_date']).toBe('2025-04-01 00:00:00');
    expect(pages.at(-1)?.['to_date']).toBe('2025-08-05 23:59:59');
    // 375 minutes on each weekday, none lost or doubled at the page edges.
    let weekdays = 0;
    for (let day = Date.UTC(2025, 3, 1); day <= Date.UTC(2025, 7, 5); day += 86_400_000) weekdays += [0, 6].includes(new Date(day).getUTCDay()) ? 0 : 1;
    expect(answer.text.split('\n')).toContain(`candles: ${weekdays * 375}`);
  });

  test('an instrument the search does not list is found by its quote; one neither knows is said so', async ({ start }) => {
    const { kite, read: fake } = await start();
    // A server whose instrument dump lacks NSE:INFY (it is refreshed once a day); its quote still names the token.
    const read: ReadTool = (name, args, signal) =>
      name === 'search_instruments' ? Promise.resolve({ text: '[]', isError: false }) : fake(name, args, signal);
    expect((await priceChart(QUARTER, read)).isError).toBe(false);
    expect(historyCalls(kite)[0]?.['instrument_token']).toBe(INFY);

    const unknown = await priceChart({ ...QUARTER, instrument: 'NSE:NOSUCH' }, fake);
    expect(unknown).toEqual({
      text: 'price_chart found no instrument NSE:NOSUCH: neither search_instruments nor get_quotes knows it. Check the exchange ' +
        'and symbol (for example NSE:INFY), or find it with search_instruments and filter_on "name".',
      isError: true,
    });
    expect(historyCalls(kite)).toHaveLength(1);
  });

  test('before login the server\'s own text comes back unchanged, so the executor can log the user in', async ({ start }) => {
    const { read } = await start({ autoLogin: false });
    expect(await priceChart(QUARTER, read)).toEqual({ text: 'Please log in first using the login tool', isError: true });
  });

  test('when Kite says its limit is smaller than documented, the rest of the range is read in pages of that size', async ({ start }) => {
    const { kite, read } = await start();
    kite.faults.kiteErrorText = true;
    kite.faults.historyLimitDays = { day: 30 };
    const answer = await priceChart(QUARTER, read);
    expect(answer.isError).toBe(false);
    expect(answer.text.split('\n')).toContain('candles: 65');
    expect(historyCalls(kite).map((page) => page['from_date'])).toEqual([
      '2025-04-01 00:00:00', '2025-04-01 00:00:00', '2025-05-01 00:00:00', '2025-05-31 00:00:00', '2025-06-30 00:00:00',
    ]);
  });

  test('when the server hides Kite\'s reason, the failure goes back as the server said it', async ({ start }) => {
    const { kite, read } = await start();
    kite.faults.historyLimitDays = { day: 30 };
    expect(await priceChart(QUARTER, read)).toEqual({ text: 'Failed to get historical data', isError: true });
  });

  test('a range that would take too many requests is refused before any, with what to ask instead', async ({ start }) => {
    const { kite, read } = await start();
    const answer = await priceChart({ instrument: 'NSE:INFY', from: '2023-01-01', to: '2025-06-30', interval: 'minute' }, read);
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/^price_chart would need 16 requests to Kite for 912 days of minute candles \(Kite serves at most 60 days/);
    expect(answer.text).toContain('a longer interval, such as "day"');
    expect(historyCalls(kite)).toEqual([]);
  });

  test('a weekend has no candles: said plainly, no picture, not an error', async ({ start }) => {
    const { read } = await start();
    const answer = await priceChart({ instrument: 'NSE:INFY', from: '2025-08-02', to: '2025-08-03' }, read);
    expect(answer.isError).toBe(false);
    expect(answer.text).toMatch(/^price_chart: Kite sent no day candles of NSE:INFY from 2025-08-02 00:00:00 to 2025-08-03 23:59:59 IST/);
    expect(answer.display).toBeUndefined();
  });

  test('without a range it charts the quarter up to now, and says so', async ({ start }) => {
    const { kite, read } = await start();
    const answer = await priceChart({ instrument: 'INFY' }, read);
    expect(historyCalls(kite)[0]).toMatchObject({ from_date: '2025-05-09 00:00:00', to_date: '2025-08-08 12:00:00', interval: 'day' });
    expect(answer.text).toContain('note: "INFY" has no exchange: NSE:INFY was charted');
    expect(answer.text).toContain('note: no "from" given: the 91 days up to "to" were charted');
  });

  test.for([
    [{}, 'price_chart needs an instrument as EXCHANGE:SYMBOL, for example {"instrument": "NSE:INFY"}.'],
    [{ instrument: 'NSE:INFY; rm -rf' }, 'price_chart needs an instrument as EXCHANGE:SYMBOL, for example {"instrument": "NSE:INFY"}.'],
    [{ ...QUARTER, interval: 'week' }, 'price_chart\'s interval must be one of minute, 3minute, 5minute, 10minute, 15minute, 30minute, 60minute, day; got "week".'],
    [{ ...QUARTER, from: '2025-07-01' }, 'price_chart\'s "from" (2025-07-01 00:00:00) is after its "to" (2025-06-30 23:59:59); swap them.'],
    [{ ...QUARTER, to: '30/06/2025' }, 'price_chart\'s "to" must be a date in IST as YYYY-MM-DD (optionally with HH:MM), got "30/06/2025".'],
    [{ ...QUARTER, from: '2025-02-30' }, 'price_chart\'s "from" must be a date in IST as YYYY-MM-DD (optionally with HH:MM), got "2025-02-30".'],
  ] as const)('bad arguments are one line saying what to send (%j), and nothing is read', async ([args, text], { start }) => {
    const { kite, read } = await start();
    expect(await priceChart(args, read)).toEqual({ text, isError: true });
    expect(kite.requests.filter((request) => request.tool !== undefined)).toEqual([]);
  });
});
