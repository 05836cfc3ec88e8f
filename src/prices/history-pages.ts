/**
 * Reads a range of candles with get_historical_data, one page per Kite's per-interval range limit: consecutive
 * windows, none longer than Kite serves in one request, read one after another (Kite allows 3 historical requests a
 * second). When Kite's own answer names a smaller limit than ours, the rest of the range is paged again by it. A
 * failed page ends the read with the server's text unchanged, so the executor's login handling can recognise it.
 */
import type { ReadTool, ToolOutcome } from '../tools/tool.js';
import { DAY_MS, wallClockText, type Interval, type PriceRequest } from './request.js';

/**
 * Kite Connect's documented maximum range of one historical-data request, in days, by interval: Zerodha's answer on
 * the Kite forum (https://kite.trade/forum/discussion/3105, "The maximum candle cap for each request", 2020; restated
 * in https://kite.trade/forum/discussion/comment/53245/). A longer range is asked for in pages.
 */
const MAX_DAYS_PER_REQUEST: Readonly<Record<Interval, number>> = {
  minute: 60,
  '3minute': 100,
  '5minute': 100,
  '10minute': 100,
  '15minute': 200,
  '30minute': 200,
  '60minute': 400,
  day: 2000,
};

/**
 * What Kite answers (InputException) when a request spans more than its limit, e.g. "interval exceeds max limit:
 * 60 days", as public Kite clients quote it from the live API. The hosted MCP server hides it behind "Failed to get
 * historical data" (mcp/market_tools.go); a server that passes Kite's text on lets us page by Kite's own number.
 */
const KITE_RANGE_ERROR = /interval exceeds max limit:\s*(\d+)\s*days/i;
/**
 * Requests for one chart: a year of minute candles takes 7, twenty years of days 4. More means a range the chart
 * could not show anyway at that interval, and a long wait at 3 requests a second.
 */
export const MAX_PAGES = 12;

interface Window {
  from: number;
  to: number;
}

type PagesRead = { ok: true; texts: string[] } | { ok: false; answer: ToolOutcome };

/** Consecutive windows covering [from, to], each shorter than `maxDays` days (Kite counts the span to_date − from_date). */
function pageWindows(from: number, to: number, maxDays: number): Window[] {
  const windows: Window[] = [];
  for (let start = from; start <= to; ) {
    const end = Math.min(start + maxDays * DAY_MS - 1000, to); // one second short of the limit
    windows.push({ from: start, to: end });
    start = end + 1000;
  }
  return windows;
}

export async function readHistoryPages(read: ReadTool, token: number, request: PriceRequest, signal: AbortSignal): Promise<PagesRead> {
  let maxDays = MAX_DAYS_PER_REQUEST[request.interval];
  let windows = pageWindows(request.from, request.to, maxDays);
  const tooMany = tooManyPages(windows.length, request, maxDays);
  if (tooMany !== undefined) return { ok: false, answer: tooMany };
  const texts: string[] = [];
  for (let index = 0; index < windows.length; index += 1) {
    const window = windows[index] as Window;
    const answer = await read('get_historical_data', {
      instrument_token: token,
      from_date: wallClockText(window.from),
      to_date: wallClockText(window.to),
      interval: request.interval,
    }, signal);
    signal.throwIfAborted();
    const kiteLimit = answer.isError ? Number(KITE_RANGE_ERROR.exec(answer.text)?.[1] ?? Number.NaN) : Number.NaN;
    if (kiteLimit >= 1 && kiteLimit < maxDays) {
      // Kite's limit is smaller than the documented one: the rest of the range again, in its pages.
      maxDays = kiteLimit;
      windows = [...windows.slice(0, index), ...pageWindows(window.from, request.to, maxDays)];
      const again = tooManyPages(windows.length, request, maxDays);
      if (again !== undefined) return { ok: false, answer: again };
      index -= 1;
      continue;
    }
    if (answer.isError) return { ok: false, answer: { text: answer.text, isError: true } };
    texts.push(answer.text);
  }
  return { ok: true, texts };
}

function tooManyPages(pages: number, request: PriceRequest, maxDays: number): ToolOutcome | undefined {
  if (pages <= MAX_PAGES) return undefined;
  const days = Math.ceil((request.to - request.from) / DAY_MS);
  return {
    text: `price_chart would need ${pages} requests to Kite for ${days} days of ${request.interval} candles (Kite serves ` +
      `at most ${maxDays} days of them per request, and kite-chat makes at most ${MAX_PAGES}). Ask again with a shorter ` +
      'range or a longer interval, such as "day".',
    isError: true,
  };
}
