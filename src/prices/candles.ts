/**
 * Candles read from get_historical_data's pages exactly: `[{date, open, high, low, close, volume, oi}]` (SERVER.md
 * §3; a `{data: [...]}` wrapper is read too), prices as Decimals from their digits (portfolio/exact-json.ts), times
 * turned into IST labels. Pages are merged in time order, a candle repeated at a page edge kept once. Pure.
 */
import { signOf, type Decimal } from '../portfolio/decimal.js';
import { isDecimal, isExactObject, parseExactJson, type ExactJson, type ExactObject } from '../portfolio/exact-json.js';
import { IST_OFFSET_MS } from '../portfolio/format.js';
import { wallClockText } from './request.js';

export interface Candle {
  /** Milliseconds since the epoch, for ordering. */
  time: number;
  /** `2025-08-06` for day candles, `2025-08-06 09:15` for shorter ones, in IST. */
  label: string;
  high: Decimal;
  low: Decimal;
  close: Decimal;
}

export interface CandleList {
  candles: Candle[];
  /** Rows without a time or a positive high, low and close: left out of every figure. */
  skipped: number;
}

/** Throws SyntaxError when a page is not JSON, or Error when it is not a list of candles. */
export function readCandles(pages: readonly string[], intraday: boolean): CandleList {
  const byTime = new Map<number, Candle>();
  let skipped = 0;
  for (const page of pages) {
    for (const item of candleItems(parseExactJson(page))) {
      const candle = isExactObject(item) ? readCandle(item, intraday) : undefined;
      if (candle === undefined) skipped += 1;
      else byTime.set(candle.time, candle);
    }
  }
  return { candles: [...byTime.values()].sort((left, right) => left.time - right.time), skipped };
}

function candleItems(parsed: ExactJson): readonly ExactJson[] {
  if (parsed === null) return []; // Go's JSON for an empty list
  if (Array.isArray(parsed)) return parsed;
  const data = isExactObject(parsed) ? parsed.get('data') : undefined;
  if (Array.isArray(data)) return data;
  throw new Error('get_historical_data did not send a list of candles');
}

function readCandle(item: ExactObject, intraday: boolean): Candle | undefined {
  const date = item.get('date');
  const time = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  const [high, low, close] = ['high', 'low', 'close'].map((key) => item.get(key));
  if (Number.isNaN(time) || !positive(high) || !positive(low) || !positive(close)) return undefined;
  return { time, label: istLabel(time, intraday), high, low, close };
}

function positive(value: ExactJson | undefined): value is Decimal {
  return isDecimal(value) && signOf(value) > 0;
}

/** `2025-08-06 09:15` (intraday) or `2025-08-06`: the IST wall-clock time, to the minute or to the day. */
function istLabel(time: number, intraday: boolean): string {
  return wallClockText(time + IST_OFFSET_MS).slice(0, intraday ? 16 : 10);
}
