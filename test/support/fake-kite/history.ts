/**
 * Kite's historical candles, generated: for any instrument token, range and interval a seeded series with no state
 * (the same token and time always give the same candle, whichever range asked for it), on weekdays, in market hours
 * (09:15–15:30 IST, intraday candles starting at 09:15 on the interval's grid; day candles stamped 00:00), never past
 * the fake's clock. Holidays are not modelled. Kite's per-interval range limits are enforced with Kite's own error
 * text (see KITE_RANGE_ERROR); the hosted MCP server hides that text behind "Failed to get historical data" (tools.ts).
 */

/**
 * Kite Connect's maximum days per historical request by interval, as Zerodha states them on the Kite forum
 * (https://kite.trade/forum/discussion/3105, 2020; restated https://kite.trade/forum/discussion/comment/53245/).
 * Kept apart from src/prices/history-pages.ts on purpose: the fake is Kite, not a copy of our client.
 */
export const KITE_MAX_DAYS: Readonly<Record<string, number>> = {
  minute: 60, '3minute': 100, '5minute': 100, '10minute': 100, '15minute': 200, '30minute': 200, '60minute': 400, day: 2000,
};

/**
 * Kite's InputException for a request longer than that, word for word as public Kite clients quote it from the live
 * API (e.g. "interval exceeds max limit: 2000 days" for a day range of 2,001 days, "…: 100 days" probed for 5minute
 * in 2026-08; found with the code search over public repositories that chunk Kite history requests).
 */
export function kiteRangeError(days: number): string {
  return `interval exceeds max limit: ${days} days`;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** IST wall clock = UTC + 05:30, with no daylight saving. */
const IST_OFFSET_MS = 330 * MINUTE_MS;
const OPEN_MINUTE = 9 * 60 + 15;
const CLOSE_MINUTE = 15 * 60 + 30;
const INTERVAL_MINUTES: Readonly<Record<string, number>> = {
  minute: 1, '3minute': 3, '5minute': 5, '10minute': 10, '15minute': 15, '30minute': 30, '60minute': 60, day: 0,
};
/** Kite prices move in ticks of 5 paise. */
const TICKS_PER_RUPEE = 20;
/** Slow waves (periods in days) and their weights in the log price: a trend, swings, wiggles. */
const WAVES: readonly (readonly [number, number])[] = [[181, 0.12], [47, 0.06], [11, 0.025], [2.3, 0.01]];

export interface HistoryRequest {
  token: number;
  /** IST wall-clock milliseconds (UTC fields read as IST). */
  from: number;
  to: number;
  interval: string;
  oi: boolean;
}

export type HistoryAnswer = { candles: Record<string, unknown>[] } | { kiteError: string };

/** The candles of a request, or Kite's error when its range is longer than `limits` allow. */
export function historicalCandles(request: HistoryRequest, nowMs: number, limits: Readonly<Record<string, number>> = KITE_MAX_DAYS): HistoryAnswer {
  const limit = limits[request.interval] ?? KITE_MAX_DAYS['day'] ?? 2000;
  if (request.to - request.from > limit * DAY_MS) return { kiteError: kiteRangeError(limit) };
  const step = INTERVAL_MINUTES[request.interval] ?? 0;
  const now = nowMs + IST_OFFSET_MS;
  const candles: Record<string, unknown>[] = [];
  for (let day = Math.floor(request.from / DAY_MS) * DAY_MS; day <= request.to; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (day + OPEN_MINUTE * MINUTE_MS > now) break; // the market has not opened yet that day
    if (step === 0) {
      candles.push(candle(request, day, DAY_MS));
      continue;
    }
    for (let minute = OPEN_MINUTE; minute < CLOSE_MINUTE; minute += step) {
      const start = day + minute * MINUTE_MS;
      if (start >= request.from && start <= request.to && start <= now) candles.push(candle(request, start, step * MINUTE_MS));
    }
  }
  return { candles };
}

/** gokiteconnect's HistoricalData in struct order, its time as Go writes RFC3339 in IST. */
function candle(request: HistoryRequest, start: number, length: number): Record<string, unknown> {
  const open = priceAt(request.token, start - length);
  const close = priceAt(request.token, start);
  const swing = 1 + 0.002 + 0.006 * unit(request.token, start, 1);
  return {
    date: `${new Date(start).toISOString().slice(0, 19)}+05:30`,
    open: ticks(open),
    high: Math.ceil(Math.max(open, close) * swing * TICKS_PER_RUPEE) / TICKS_PER_RUPEE,
    low: Math.floor((Math.min(open, close) / swing) * TICKS_PER_RUPEE) / TICKS_PER_RUPEE,
    close: ticks(close),
    volume: 1000 + Math.floor(unit(request.token, start, 2) * 500_000),
    oi: request.oi ? 10_000 + Math.floor(unit(request.token, start, 3) * 2_000_000) : 0,
  };
}

/** The price at a moment: a level of the token's own, moved by slow waves and a little noise of the moment. */
function priceAt(token: number, time: number): number {
  const days = time / DAY_MS;
  const level = 100 + unit(token, 0, 4) * 2900;
  const waves = WAVES.reduce((sum, [period, weight], index) =>
    sum + weight * Math.sin((2 * Math.PI * days) / period + 2 * Math.PI * unit(token, 0, 5 + index)), 0);
  return level * Math.exp(waves + 0.004 * (unit(token, time, 9) - 0.5));
}

function ticks(price: number): number {
  return Math.round(price * TICKS_PER_RUPEE) / TICKS_PER_RUPEE;
}

/** A number in [0, 1) that depends only on its inputs (a 32-bit integer hash). */
function unit(token: number, time: number, salt: number): number {
  let hash = Math.imul(token ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(time / MINUTE_MS) | 0, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 4_294_967_296;
}
