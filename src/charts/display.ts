/**
 * Pictures kite-chat draws for the person from a local tool's result, never for the model: the data of a price chart
 * or of allocation bars. A local tool returns one beside its text (tools/local-tool.ts), the agent loop passes it on
 * in its tool-call-end event, and terminal/turn-view.ts draws it (charts/draw.ts) under the answer on a terminal.
 * Types only; the text that reaches the model is built elsewhere and never holds any of this.
 */
import type { Decimal } from '../portfolio/decimal.js';

export type Display = PriceChartDisplay | AllocationDisplay;

/** A marked point of a price chart: which candle, and what the legend says about it. */
export interface ChartMark {
  index: number;
  text: string;
}

export interface PriceChartDisplay {
  kind: 'price-chart';
  /** One line above the chart: instrument, interval, range and change (kite-chat's own words; instrument checked). */
  title: string;
  /** The close of each candle, oldest first, for plotting only (the figures are exact elsewhere). */
  closes: readonly number[];
  /** Each candle's time as shown under the chart (`2025-08-06` or `2025-08-06 09:15`), same order as `closes`. */
  times: readonly string[];
  high: ChartMark;
  low: ChartMark;
  /** Whether the last close is at or above the first (the line's colour). */
  rising: boolean;
}

export interface AllocationRow {
  /** Untrusted (a fund's name from Kite): the drawing sanitises it. */
  label: string;
  value: Decimal;
}

export interface AllocationSection {
  title: string;
  /** Rows whose values add up to the display's total exactly. */
  rows: readonly AllocationRow[];
}

export interface AllocationDisplay {
  kind: 'allocation';
  title: string;
  /** What every section adds up to. */
  total: Decimal;
  sections: readonly AllocationSection[];
}
