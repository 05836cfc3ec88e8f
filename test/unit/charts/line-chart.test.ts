// The price chart as a person sees it (src/charts/line-chart.ts): sized to the terminal, a price axis, the first and
// last times, the high and the low marked on the line, colour only when asked, nothing when it cannot fit.
import { describe, expect, test } from 'vitest';
import type { PriceChartDisplay } from '../../../src/charts/display.js';
import { CHART_HEIGHT, drawPriceChart, fitToColumns } from '../../../src/charts/line-chart.js';

const ESCAPE = /\u001b\[/;

/** 62 weekday closes of a quarter: up, down, up again, with its high on day 20 and its low on day 45. */
function quarter(): PriceChartDisplay {
  const closes = Array.from({ length: 62 }, (_, index) => 1400 + 100 * Math.sin(index / 10) + index);
  closes[20] = 1600;
  closes[45] = 1300;
  const times = closes.map((_, index) => new Date(Date.UTC(2025, 0, 1) + index * 86_400_000).toISOString().slice(0, 10));
  return {
    kind: 'price-chart',
    title: 'NSE:INFY · day · 2025-01-01 → 2025-03-03',
    closes,
    times,
    high: { index: 20, text: '₹1,600.00 on 2025-01-21' },
    low: { index: 45, text: '₹1,300.00 on 2025-02-15' },
    rising: true,
  };
}

describe('drawPriceChart', () => {
  test('a quarter of closes fills the width with at least 8 rows, a labelled axis, both dates and a legend', () => {
    const lines = drawPriceChart(quarter(), { columns: 100, color: false });
    const plotRows = lines.filter((line) => /^ *₹[\d,]+\.\d\d [┤┼]/.test(line));
    expect(plotRows.length).toBeGreaterThanOrEqual(8);
    expect(plotRows.length).toBe(CHART_HEIGHT + 1);
    expect(plotRows[0]).toMatch(/^₹1,600\.00 ┤/); // the top of the axis is the highest close
    expect(plotRows.at(-1)).toMatch(/^₹1,300\.00 ┤/);
    expect(lines[0]).toBe('NSE:INFY · day · 2025-01-01 → 2025-03-03');
    expect(lines.some((line) => /^ +2025-01-01 +2025-03-03$/.test(line))).toBe(true);
    expect(lines.at(-1)?.trim()).toBe('▲ high ₹1,600.00 on 2025-01-21 · ▼ low ₹1,300.00 on 2025-02-15');
    for (const line of lines) expect(line.length).toBeLessThan(100); // the last column stays free: nothing wraps
    expect(Math.max(...plotRows.map((line) => line.length))).toBeGreaterThan(90); // and the line uses the width
    expect(lines.join('\n')).not.toMatch(ESCAPE);
  });

  test('the high is marked on the top row and the low on the bottom row, at their dates\' columns', () => {
    const lines = drawPriceChart(quarter(), { columns: 100, color: false });
    const plotRows = lines.filter((line) => /[┤┼]/.test(line));
    const dates = lines.find((line) => /^ +2025-01-01 +2025-03-03$/.test(line)) ?? '';
    const start = dates.indexOf('2025-01-01');
    const end = dates.indexOf('2025-03-03') + '2025-03-03'.length - 1;
    // The first date starts under the first point and the last ends under the last: 62 closes across that span.
    const columnOf = (index: number) => start + Math.round((index * (end - start)) / 61);
    expect(plotRows[0]?.indexOf('▲')).toBe(columnOf(20));
    expect(plotRows.at(-1)?.indexOf('▼')).toBe(columnOf(45));
    expect(plotRows.join('').match(/▲/g)).toHaveLength(1);
    expect(plotRows.join('').match(/▼/g)).toHaveLength(1);
  });

  test('a narrower terminal gets a narrower chart, and one too narrow gets none', () => {
    const narrow = drawPriceChart(quarter(), { columns: 40, color: false });
    expect(narrow.length).toBeGreaterThan(8);
    for (const line of narrow) expect(line.length).toBeLessThan(40);
    expect(drawPriceChart(quarter(), { columns: 20, color: false })).toEqual([]);
  });

  test('colour is used only when asked: the line green when rising, red when falling', () => {
    const rising = drawPriceChart(quarter(), { columns: 100, color: true }).join('\n');
    expect(rising).toContain('\u001b[32m');
    const falling = drawPriceChart({ ...quarter(), rising: false }, { columns: 100, color: true }).join('\n');
    expect(falling).toContain('\u001b[31m');
    expect(falling).not.toContain('\u001b[32m');
  });

  test('200,000 closes (price_chart allows 12 pages of 60 days of minute candles) draw without overflowing the stack', () => {
    const count = 200_000;
    const closes = Array.from({ length: count }, (_, index) => 1400 + 100 * Math.sin(index / 5000));
    closes[150_000] = 12_345.6; // the widest label, far past what an argument list can hold
    closes[30_000] = 900;
    const times = closes.map((_, index) => `2025-01-01 ${String(index % 10_000).padStart(5, '0')}`);
    const display: PriceChartDisplay = {
      ...quarter(),
      closes,
      times,
      high: { index: 150_000, text: 'high' },
      low: { index: 30_000, text: 'low' },
    };
    const lines = drawPriceChart(display, { columns: 120, color: false });
    const plotRows = lines.filter((line) => /[┤┼]/.test(line));
    expect(plotRows).toHaveLength(CHART_HEIGHT + 1);
    expect(plotRows[0]).toMatch(/^₹12,345\.60 [┤┼]/);
    expect(plotRows.at(-1)).toMatch(/^   ₹900\.00 [┤┼]/); // padded to the widest label, the high's
    expect(plotRows[0]).toContain('▲');
    expect(plotRows.at(-1)).toContain('▼');
  });

  test('a single candle still draws, with its one date', () => {
    const lines = drawPriceChart({ ...quarter(), closes: [1500], times: ['2025-01-01'], high: { index: 0, text: 'h' }, low: { index: 0, text: 'l' } }, { columns: 80, color: false });
    expect(lines.some((line) => line.trim() === '2025-01-01')).toBe(true);
  });
});

describe('fitToColumns', () => {
  test('more closes than columns keeps the last close of each column, and the highest and lowest of all', () => {
    const closes = Array.from({ length: 1000 }, (_, index) => (index === 500 ? 5000 : index === 700 ? -5 : index));
    const { series, columnOf } = fitToColumns(closes, 100);
    expect(series).toHaveLength(100);
    expect(series[0]).toBe(9);
    expect(series.at(-1)).toBe(999);
    expect(columnOf(500)).toBe(50);
    expect(Math.max(...series)).toBe(5000);
    expect(Math.min(...series)).toBe(-5);
  });

  test('200,000 closes are thinned without overflowing the stack, keeping the highest and lowest of all', () => {
    const closes = Array.from({ length: 200_000 }, (_, index) => index % 1000);
    closes[123_456] = 5000;
    closes[7] = -5;
    const { series } = fitToColumns(closes, 100);
    expect(series).toHaveLength(100);
    expect(Math.max(...series)).toBe(5000);
    expect(Math.min(...series)).toBe(-5);
  });

  test('fewer closes than columns are joined by straight lines and each close keeps its own column', () => {
    const { series, columnOf } = fitToColumns([10, 20, 40], 5);
    expect(series).toEqual([10, 15, 20, 30, 40]);
    expect([0, 1, 2].map(columnOf)).toEqual([0, 2, 4]);
    const wide = fitToColumns([1, 3, 2, 7], 10);
    expect([0, 1, 2, 3].map((index) => wide.series[wide.columnOf(index)])).toEqual([1, 3, 2, 7]);
  });
});
