/**
 * A price chart for the terminal: the closes as a line (asciichart draws it), sized to the terminal's width, a
 * labelled price axis, the first and last times under it, the high and the low marked on the line and named in a
 * legend. Colour only when asked (the caller knows whether stderr is a terminal). Pure: data in, text out.
 */
import { plot } from 'asciichart';
import { formatRupees } from '../inr.js';
import { truncateToWidth, displayWidth } from '../terminal/display-width.js';
import type { PriceChartDisplay } from './display.js';
import { BOLD, DIM, GREEN, RED, RESET } from '../terminal/styles.js';

/** Rows of the plot: tall enough to read a quarter's swings, short enough to leave the answer on screen. */
export const CHART_HEIGHT = 10;
/** Narrower than this, the axis labels leave too little room for a line worth reading. */
const MIN_PLOT_COLUMNS = 16;
/** Wider than this a line only stretches, and a very wide terminal wraps nothing anyway. */
const MAX_PLOT_COLUMNS = 160;
/** asciichart puts each label in cell 0 and the axis in cell offset-1; 3 leaves one space between them. */
const AXIS_OFFSET = 3;
const HIGH_MARK = '▲';
const LOW_MARK = '▼';


interface DrawOptions {
  columns: number;
  color: boolean;
}

/** The chart as lines, or none when the terminal is too narrow for it or there is nothing to plot. */
export function drawPriceChart(display: PriceChartDisplay, options: DrawOptions): string[] {
  const count = display.closes.length;
  if (count === 0) return [];
  // Only the high's or the low's label can be the widest (formatRupees grows with the magnitude, and the minus sign
  // comes with the most negative), so two labels are formatted, not one per close; a NaN close throws as before.
  const { highest, lowest } = extremes(display.closes);
  const labelWidth = Math.max(axisLabel(display.closes[highest] ?? NaN).length, axisLabel(display.closes[lowest] ?? NaN).length);
  // The label, a space, then the axis, on which the first point sits: point j is drawn `j` columns right of it.
  const axisColumn = labelWidth + AXIS_OFFSET - 2;
  const plotColumns = Math.min(MAX_PLOT_COLUMNS, options.columns - 1 - axisColumn); // the last column stays free
  if (plotColumns < MIN_PLOT_COLUMNS) return [];
  const { series, columnOf } = fitToColumns(display.closes, plotColumns);
  const chart = plot(series, {
    height: CHART_HEIGHT,
    offset: AXIS_OFFSET,
    format: (value) => axisLabel(value).padStart(labelWidth),
  }).split('\n');
  const marks = [
    { row: rowOf(series, columnOf(display.high.index)), at: axisColumn + columnOf(display.high.index), mark: HIGH_MARK },
    { row: rowOf(series, columnOf(display.low.index)), at: axisColumn + columnOf(display.low.index), mark: LOW_MARK },
  ];
  const marked = chart.map((line, row) => {
    let text = line;
    for (const mark of marks) if (mark.row === row) text = `${text.slice(0, mark.at)}${mark.mark}${text.slice(mark.at + 1)}`;
    return text.trimEnd();
  });
  const paint = painter(options.color, display.rising);
  const fit = (text: string) => truncateToWidth(text, options.columns - 1);
  return [
    paint.bold(fit(display.title)),
    ...marked.map((line) => paint.dim(line.slice(0, axisColumn)) + paint.line(line.slice(axisColumn))),
    paint.dim(fit(timeLine(display, axisColumn, series.length))),
    paint.dim(fit(`${' '.repeat(axisColumn)}${HIGH_MARK} high ${display.high.text} · ${LOW_MARK} low ${display.low.text}`)),
  ];
}

/** ₹1,412.95 (Indian grouping, two decimals): the axis reads like the figures beside it. */
function axisLabel(value: number): string {
  return formatRupees(value);
}

/**
 * The closes at `columns` points and where each candle lands. More candles than columns are thinned (a column shows
 * the last close it covers, or the highest or lowest close of all when it covers that one, so the axis keeps the
 * true range); fewer are stretched: each close at its own column, straight lines between, so the chart fills the
 * width and still passes through every close.
 */
export function fitToColumns(closes: readonly number[], columns: number): { series: number[]; columnOf: (index: number) => number } {
  const count = closes.length;
  if (count === 1) return { series: Array.from({ length: columns }, () => closes[0] ?? 0), columnOf: () => 0 };
  if (count > columns) {
    const { highest, lowest } = extremes(closes);
    const columnOf = (index: number) => Math.floor((index * columns) / count);
    const series = Array.from({ length: columns }, (_, column) => closes[Math.floor(((column + 1) * count) / columns) - 1] ?? 0);
    series[columnOf(highest)] = closes[highest] ?? 0;
    series[columnOf(lowest)] = closes[lowest] ?? 0;
    return { series, columnOf };
  }
  const columnOf = (index: number) => Math.round((index * (columns - 1)) / (count - 1));
  const series: number[] = [];
  for (let index = 0; index < count - 1; index += 1) {
    const [from, to] = [columnOf(index), columnOf(index + 1)];
    const [before, after] = [closes[index] ?? 0, closes[index + 1] ?? 0];
    for (let column = from; column < to; column += 1) series.push(before + ((after - before) * (column - from)) / (to - from));
  }
  series.push(closes[count - 1] ?? 0);
  return { series, columnOf };
}

/**
 * Where the first highest and the first lowest close are (-1 for both when a close is NaN), as
 * `closes.indexOf(Math.max(...closes))` would say, in one pass: spreading ~180,000 closes (12 pages of 60 days of
 * minute candles) into Math.max overflows the call stack.
 */
function extremes(closes: readonly number[]): { highest: number; lowest: number } {
  let highest = 0;
  let lowest = 0;
  for (let index = 0; index < closes.length; index += 1) {
    const close = closes[index] ?? NaN;
    if (Number.isNaN(close)) return { highest: -1, lowest: -1 };
    if (close > (closes[highest] ?? NaN)) highest = index;
    if (close < (closes[lowest] ?? NaN)) lowest = index;
  }
  return { highest, lowest };
}

/** The row asciichart drew the point at `column` on (its own arithmetic: values scaled by height/range, rounded). */
function rowOf(series: readonly number[], column: number): number {
  const min = Math.min(...series);
  const max = Math.max(...series);
  const range = max - min;
  const ratio = range === 0 ? 1 : CHART_HEIGHT / range;
  const lowest = Math.round(min * ratio);
  const rows = Math.abs(Math.round(max * ratio) - lowest);
  return rows - (Math.round((series[column] ?? min) * ratio) - lowest);
}

/** The first time under the first point and the last under the last, when both fit; else the first alone. */
function timeLine(display: PriceChartDisplay, axisColumn: number, plotted: number): string {
  const first = display.times[0] ?? '';
  const last = display.times.at(-1) ?? '';
  const gap = plotted - displayWidth(first) - displayWidth(last);
  if (display.times.length === 1 || first === last) return `${' '.repeat(axisColumn)}${first}`;
  if (gap < 1) return `${' '.repeat(axisColumn)}${first} → ${last}`;
  return `${' '.repeat(axisColumn)}${first}${' '.repeat(gap)}${last}`;
}

function painter(color: boolean, rising: boolean) {
  const wrap = (style: string) => (text: string) => (color && text !== '' ? `${style}${text}${RESET}` : text);
  const trend = rising ? GREEN : RED;
  return {
    bold: wrap(BOLD),
    dim: wrap(DIM),
    // The marks stand out from the line: bold, in the terminal's own colour.
    line: (text: string) => (color
      ? `${trend}${text.replace(/[▲▼]/g, (mark) => `${RESET}${BOLD}${mark}${RESET}${trend}`)}${RESET}`
      : text),
  };
}
