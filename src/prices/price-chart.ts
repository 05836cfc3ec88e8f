/**
 * price_chart, a local tool (tools/local-tool.ts): how an instrument's price moved over a range. kite-chat finds the
 * instrument token (prices/instrument-token.ts), reads the candles in pages of Kite's per-interval limit
 * (prices/history-pages.ts), computes the figures exactly (prices/figures.ts) and answers the model with those
 * alone; the closes go to the person as a chart (charts/line-chart.ts), never into the model's context.
 */
import type { LocalTool } from '../tools/local-tool.js';
import type { ToolOutcome } from '../tools/tool.js';
import { readCandles } from './candles.js';
import { chartDisplay, figuresText, priceFigures } from './figures.js';
import { readHistoryPages } from './history-pages.js';
import { findInstrumentToken } from './instrument-token.js';
import { INTERVALS, readPriceRequest, type PriceRequest } from './request.js';

/** A server's unreadable answer is quoted up to this length: enough to say why, not a page of it. */
const MAX_REASON_CHARS = 200;

export const priceChart: LocalTool = {
  name: 'price_chart',
  description:
    "An instrument's price history as exact figures: first and last close, change (₹, %), high and low with dates, " +
    'candle count. kite-chat draws the chart for the user. Prefer it to get_historical_data for moves and trends.',
  inputSchema: {
    type: 'object',
    properties: {
      instrument: { type: 'string', description: 'e.g. NSE:INFY' },
      from: { type: 'string', description: 'YYYY-MM-DD[ HH:MM] IST; default 91 days before to' },
      to: { type: 'string', description: 'YYYY-MM-DD[ HH:MM] IST; default now' },
      interval: { type: 'string', enum: [...INTERVALS], description: 'default day' },
    },
    required: ['instrument'],
  },
  async run(args, read, signal, now) {
    const request = readPriceRequest(args, now);
    if (!request.ok) return { text: request.error, isError: true };
    const found = await findInstrumentToken(read, request.value.instrument, signal);
    if (!found.ok) return found.answer;
    const pages = await readHistoryPages(read, found.token, request.value, signal);
    if (!pages.ok) return pages.answer;
    return chartAnswer(request.value, pages.texts);
  },
};

function chartAnswer(request: PriceRequest, pages: readonly string[]): ToolOutcome {
  let list;
  try {
    list = readCandles(pages, request.interval !== 'day');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, MAX_REASON_CHARS);
    return { text: `get_historical_data answered with something kite-chat could not read (${reason}), so no chart was made.`, isError: true };
  }
  const figures = priceFigures(list.candles);
  const text = figuresText(request, list, figures);
  if (figures === undefined) return { text, isError: false };
  return { text, isError: false, display: chartDisplay(request, list.candles, figures) };
}
