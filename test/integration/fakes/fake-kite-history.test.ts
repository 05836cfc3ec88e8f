// The fake's historical candles (test/support/fake-kite/history.ts) as a client sees them: a seeded series for any
// instrument, range and interval, on weekdays and in market hours (09:15–15:30 IST), never past the fake's clock;
// Kite's per-interval range limits refused with Kite's words (hidden by the hosted server behind its generic text);
// and instrument tokens from search_instruments and get_quotes that get_historical_data then serves.
import { historicalCandles, KITE_MAX_DAYS } from '../../support/fake-kite/history.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, describe, expect } from '../../support/fixtures.js';
import { callForText, connectSdkClient, type ToolText } from '../../support/sdk-client.js';

const DAY_MS = 86_400_000;
/** Friday 2025-08-08 12:00 IST (06:30 UTC), as the fake's clock. */
const FRIDAY_NOON = Date.UTC(2025, 7, 8, 6, 30);
const INFY = 408065;
const wall = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`); // IST digits read as UTC, as the fake does

/** `fridayKite`: the fake Kite, logged in, its clock at FRIDAY_NOON; `call(name, args)`: a tool of it through the SDK's Client. */
const test = base.extend<{ fridayKite: FakeKite; call: (name: string, args: Record<string, unknown>) => Promise<ToolText> }>({
  fridayKite: async ({ startKite }, use) => {
    await use(await startKite({ autoLogin: true, now: () => FRIDAY_NOON }));
  },
  call: async ({ fridayKite, closeAfter }, use) => {
    const client = await connectSdkClient(fridayKite.mcpUrl, closeAfter, 'history-test');
    await use((name, args) => callForText(client, name, args));
  },
});

function candles(from: string, to: string, interval: string, token = INFY, now = FRIDAY_NOON): Record<string, unknown>[] {
  const answer = historicalCandles({ token, from: wall(from), to: wall(to), interval, oi: false }, now);
  if ('kiteError' in answer) throw new Error(answer.kiteError);
  return answer.candles;
}

describe('the generated series', () => {
  test('a quarter of day candles: one per weekday, stamped 00:00 IST, none on Saturday or Sunday', () => {
    const days = candles('2025-04-01 00:00:00', '2025-06-30 23:59:59', 'day');
    const dates = days.map((candle) => String(candle['date']));
    expect(dates).toHaveLength(65); // April–June 2025 has 65 weekdays
    expect(dates[0]).toBe('2025-04-01T00:00:00+05:30');
    expect(dates.at(-1)).toBe('2025-06-30T00:00:00+05:30');
    const weekdays = dates.map((date) => new Date(`${date.slice(0, 10)}T00:00:00Z`).getUTCDay());
    expect(weekdays.some((day) => day === 0 || day === 6)).toBe(false);
  });

  test('intraday candles start at 09:15 on the interval\'s grid and stop before 15:30', () => {
    const quarterHours = candles('2025-08-04 00:00:00', '2025-08-04 23:59:59', '15minute');
    expect(quarterHours).toHaveLength(25);
    expect(quarterHours[0]?.['date']).toBe('2025-08-04T09:15:00+05:30');
    expect(quarterHours.at(-1)?.['date']).toBe('2025-08-04T15:15:00+05:30');
    expect(candles('2025-08-04 00:00:00', '2025-08-04 23:59:59', 'minute')).toHaveLength(375);
    expect(candles('2025-08-04 00:00:00', '2025-08-04 23:59:59', '60minute').map((candle) => String(candle['date']).slice(11, 16)))
      .toEqual(['09:15', '10:15', '11:15', '12:15', '13:15', '14:15', '15:15']);
    expect(candles('2025-08-04 10:00:00', '2025-08-04 10:30:00', '15minute').map((candle) => String(candle['date']).slice(11, 16)))
      .toEqual(['10:00', '10:15', '10:30']);
  });

  test('nothing after the fake\'s clock: today stops at noon, and a later day has no candles', () => {
    const today = candles('2025-08-08 00:00:00', '2025-08-08 23:59:59', '60minute');
    expect(today.map((candle) => String(candle['date']).slice(11, 16))).toEqual(['09:15', '10:15', '11:15']); // 12:15 has not begun
    expect(candles('2025-08-11 00:00:00', '2025-08-20 00:00:00', 'day')).toEqual([]);
    expect(candles('2025-08-08 00:00:00', '2025-08-08 23:59:59', 'day')).toHaveLength(1); // the market is open today
  });

  test('the same instrument and time give the same candle whatever range asked; instruments differ', () => {
    const quarter = candles('2025-04-01 00:00:00', '2025-06-30 23:59:59', 'day');
    const may = candles('2025-05-01 00:00:00', '2025-05-31 23:59:59', 'day');
    expect(quarter.filter((candle) => String(candle['date']).startsWith('2025-05'))).toEqual(may);
    const other = candles('2025-05-01 00:00:00', '2025-05-31 23:59:59', 'day', 2953217);
    expect(other.map((candle) => candle['close'])).not.toEqual(may.map((candle) => candle['close']));
  });

  test('prices are on 5-paise ticks, and each candle\'s high and low hold its open and close', () => {
    for (const candle of candles('2025-01-01 00:00:00', '2025-08-08 00:00:00', 'day')) {
      const [open, high, low, close] = ['open', 'high', 'low', 'close'].map((key) => Number(candle[key]));
      for (const price of [open, high, low, close]) expect(Math.abs(Math.round((price ?? 0) * 20) - (price ?? 0) * 20)).toBeLessThan(1e-6);
      expect(high).toBeGreaterThanOrEqual(Math.max(open ?? 0, close ?? 0));
      expect(low).toBeLessThanOrEqual(Math.min(open ?? 0, close ?? 0));
      expect(low).toBeGreaterThan(0);
    }
  });
});

describe('Kite\'s range limits', () => {
  test.each(Object.entries(KITE_MAX_DAYS))('%s: %i days is served, a second more is refused in Kite\'s words', (interval, days) => {
    const from = wall('2020-01-01 00:00:00');
    const request = { token: INFY, from, interval, oi: false };
    expect('candles' in historicalCandles({ ...request, to: from + days * DAY_MS }, FRIDAY_NOON)).toBe(true);
    expect(historicalCandles({ ...request, to: from + days * DAY_MS + 1000 }, FRIDAY_NOON)).toEqual({ kiteError: `interval exceeds max limit: ${days} days` });
  });
});

describe('over MCP', () => {
  test('search_instruments and get_quotes give NSE:INFY\'s token, and get_historical_data serves it', async ({ call }) => {
    const found = JSON.parse((await call('search_instruments', { query: 'NSE:INFY', filter_on: 'id', limit: 5 })).text) as { data: Record<string, unknown>[] };
    expect(found.data.find((row) => row['id'] === 'NSE:INFY')?.['instrument_token']).toBe(INFY);
    const quote = JSON.parse((await call('get_quotes', { instruments: ['NSE:INFY'] })).text) as Record<string, Record<string, unknown>>;
    expect(quote['NSE:INFY']?.['instrument_token']).toBe(INFY);
    const history = await call('get_historical_data', { instrument_token: INFY, from_date: '2025-07-01 00:00:00', to_date: '2025-07-31 23:59:59', interval: 'day' });
    expect(history.isError).toBe(false);
    expect(JSON.parse(history.text)).toHaveLength(23);
  });

  test('a range past the limit: the hosted server\'s generic text by default, Kite\'s own when it is passed on', async ({ fridayKite, call }) => {
    const tooLong = { instrument_token: INFY, from_date: '2025-01-01 00:00:00', to_date: '2025-03-03 00:00:00', interval: 'minute' };
    expect(await call('get_historical_data', tooLong)).toEqual({ text: 'Failed to get historical data', isError: true });
    fridayKite.faults.kiteErrorText = true;
    expect(await call('get_historical_data', tooLong)).toEqual({ text: 'interval exceeds max limit: 60 days', isError: true });
    fridayKite.faults.historyLimitDays = { day: 30 };
    const month = { instrument_token: INFY, from_date: '2025-01-01 00:00:00', to_date: '2025-02-15 00:00:00', interval: 'day' };
    expect(await call('get_historical_data', month)).toEqual({ text: 'interval exceeds max limit: 30 days', isError: true });
  });
});
