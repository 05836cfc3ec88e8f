/**
 * What a price chart says in figures, computed exactly (portfolio/decimal.ts): first and last close, the change in ₹
 * and %, the high and the low with their times, the number of candles. The model gets these as labelled lines and
 * never the candles; the person gets them drawn (charts/display.ts). Pure.
 */
import type { PriceChartDisplay } from '../charts/display.js';
import { compareDecimals, decimalText, subtract, type Decimal } from '../portfolio/decimal.js';
import { percent, price } from '../portfolio/format.js';
import type { Candle, CandleList } from './candles.js';
import { wallClockText, type PriceRequest } from './request.js';

export interface PriceFigures {
  first: Candle;
  last: Candle;
  change: Decimal;
  /** "6.17%", to two decimals, half away from zero. */
  changePercent: string;
  /** The candle with the highest high and the one with the lowest low (the earliest on a tie). */
  high: Candle;
  low: Candle;
  /** Their positions in the candle list. */
  highIndex: number;
  lowIndex: number;
  count: number;
}

export function priceFigures(candles: readonly Candle[]): PriceFigures | undefined {
  const first = candles[0];
  const last = candles.at(-1);
  if (first === undefined || last === undefined) return undefined;
  let highIndex = 0;
  let lowIndex = 0;
  candles.forEach((candle, index) => {
    if (compareDecimals(candle.high, (candles[highIndex] as Candle).high) > 0) highIndex = index;
    if (compareDecimals(candle.low, (candles[lowIndex] as Candle).low) < 0) lowIndex = index;
  });
  const change = subtract(last.close, first.close);
  return {
    first, last, change, changePercent: percent(change, first.close),
    high: candles[highIndex] as Candle, low: candles[lowIndex] as Candle, highIndex, lowIndex, count: candles.length,
  };
}

/** The lines the model reads. */
export function figuresText(request: PriceRequest, list: CandleList, figures: PriceFigures | undefined): string {
  const range = `from ${wallClockText(request.from)} to ${wallClockText(request.to)} IST`;
  const notes = [
    ...request.notes,
    ...(list.skipped > 0 ? [`${list.skipped} candle(s) lacked a time or prices and were left out`] : []),
  ].map((note) => `note: ${note}`);
  if (figures === undefined) {
    return [`price_chart: Kite sent no ${request.interval} candles of ${request.instrument} ${range} (a weekend or ` +
      'holiday, a range in the future, or before the instrument was listed).', ...notes].join('\n');
  }
  return [
    `Price chart of ${request.instrument}, ${request.interval} candles ${range}. Figures computed by kite-chat from ` +
      "Kite's candles; quote them rather than recomputing. kite-chat draws the chart of closes for the user when " +
      'their terminal can show it: do not draw one or list candles.',
    `candles: ${figures.count}`,
    `first close: ${price(figures.first.close)} on ${figures.first.label}`,
    `last close: ${price(figures.last.close)} on ${figures.last.label}`,
    `change: ${price(figures.change)} (${figures.changePercent})`,
    `high: ${price(figures.high.high)} on ${figures.high.label}`,
    `low: ${price(figures.low.low)} on ${figures.low.label}`,
    ...notes,
  ].join('\n');
}

/** The picture: every close, its time, the high and low marked, the change in the title. */
export function chartDisplay(request: PriceRequest, candles: readonly Candle[], figures: PriceFigures): PriceChartDisplay {
  return {
    kind: 'price-chart',
    title: `${request.instrument} · ${request.interval} · ${figures.first.label} → ${figures.last.label} · ` +
      `${price(figures.first.close)} → ${price(figures.last.close)} (${figures.changePercent})`,
    closes: candles.map((candle) => Number(decimalText(candle.close))),
    times: candles.map((candle) => candle.label),
    high: { index: figures.highIndex, text: `${price(figures.high.high)} on ${figures.high.label}` },
    low: { index: figures.lowIndex, text: `${price(figures.low.low)} on ${figures.low.label}` },
    rising: figures.change.units >= 0n,
  };
}
