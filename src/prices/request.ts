/**
 * price_chart's arguments read and checked: the instrument (`NSE:INFY`; a bare symbol means NSE), the range in IST
 * (`YYYY-MM-DD`, optionally with `HH:MM[:SS]`; a quarter up to today when not given) and Kite's candle interval.
 * Times are IST wall-clock times held as milliseconds of a UTC clock reading the same digits, so day arithmetic
 * needs no time zone. Pure; a bad argument is one line that tells the model what to send instead.
 */
import { IST_OFFSET_MS } from '../portfolio/format.js';

export const INTERVALS = ['minute', '3minute', '5minute', '10minute', '15minute', '30minute', '60minute', 'day'] as const;
export type Interval = (typeof INTERVALS)[number];

/** A quarter: what "how has it moved lately" usually means, and what the chart shows best. */
const DEFAULT_RANGE_DAYS = 91;
export const DAY_MS = 86_400_000;
/** EXCHANGE:SYMBOL as Kite writes them (NSE:INFY, BSE:SENSEX, NFO:NIFTY24DECFUT, NSE:M&M, NSE:BAJAJ-AUTO). */
const INSTRUMENT = /^([A-Z]{2,5}):([A-Z0-9][A-Z0-9&_.-]{0,39})$/;
const BARE_SYMBOL = /^[A-Z0-9][A-Z0-9&_.-]{0,39}$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export interface PriceRequest {
  /** `NSE:INFY`, upper case. */
  instrument: string;
  /** IST wall-clock milliseconds (see the file comment). */
  from: number;
  to: number;
  interval: Interval;
  /** Said to the model beside the figures (an exchange assumed, a default range). */
  notes: string[];
}

type Parsed<Value> = { ok: true; value: Value } | { ok: false; error: string };

export function readPriceRequest(args: Record<string, unknown>, now: Date): Parsed<PriceRequest> {
  const notes: string[] = [];
  const instrument = readInstrument(args['instrument'], notes);
  if (!instrument.ok) return instrument;
  const interval = args['interval'] ?? 'day';
  if (typeof interval !== 'string' || !(INTERVALS as readonly string[]).includes(interval)) {
    return { ok: false, error: `price_chart's interval must be one of ${INTERVALS.join(', ')}; got ${JSON.stringify(interval)}.` };
  }
  const today = istWallClock(now);
  const to = args['to'] === undefined ? { ok: true as const, value: today } : readTime(args['to'], 'to', 'end');
  if (!to.ok) return to;
  const from = args['from'] === undefined ? { ok: true as const, value: startOfDay(to.value - DEFAULT_RANGE_DAYS * DAY_MS) } : readTime(args['from'], 'from', 'start');
  if (!from.ok) return from;
  if (args['from'] === undefined) notes.push(`no "from" given: the ${DEFAULT_RANGE_DAYS} days up to "to" were charted`);
  if (from.value > to.value) {
    return { ok: false, error: `price_chart's "from" (${wallClockText(from.value)}) is after its "to" (${wallClockText(to.value)}); swap them.` };
  }
  return { ok: true, value: { instrument: instrument.value, from: from.value, to: to.value, interval: interval as Interval, notes } };
}

function readInstrument(value: unknown, notes: string[]): Parsed<string> {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (INSTRUMENT.test(text)) return { ok: true, value: text };
  if (BARE_SYMBOL.test(text)) {
    notes.push(`"${text}" has no exchange: NSE:${text} was charted`);
    return { ok: true, value: `NSE:${text}` };
  }
  return { ok: false, error: 'price_chart needs an instrument as EXCHANGE:SYMBOL, for example {"instrument": "NSE:INFY"}.' };
}

/** A date alone is the whole day: 00:00:00 as a start, 23:59:59 as an end. */
function readTime(value: unknown, name: string, edge: 'start' | 'end'): Parsed<number> {
  const match = typeof value === 'string' ? DATE_TIME.exec(value.trim()) : null;
  const failure = { ok: false as const, error: `price_chart's "${name}" must be a date in IST as YYYY-MM-DD (optionally with HH:MM), got ${JSON.stringify(value)}.` };
  if (match === null) return failure;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const dateOnly = match[4] === undefined;
  const [hour, minute, second] = dateOnly
    ? (edge === 'start' ? [0, 0, 0] : [23, 59, 59])
    : [Number(match[4]), Number(match[5]), Number(match[6] ?? (edge === 'start' ? 0 : 59))];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(time);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return failure;
  return { ok: true, value: time };
}

/** IST wall-clock milliseconds of a moment. */
function istWallClock(moment: Date): number {
  return moment.getTime() + IST_OFFSET_MS;
}

function startOfDay(wallClock: number): number {
  return Math.floor(wallClock / DAY_MS) * DAY_MS;
}

/** `2025-08-06 15:04:05`: Kite's from_date/to_date format. */
export function wallClockText(wallClock: number): string {
  const iso = new Date(wallClock).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
