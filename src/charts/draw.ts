/**
 * Draws a Display (charts/display.ts) for a terminal of the given width: a price chart or allocation bars, as one
 * block of text for the Ui's `drawing` seam, or undefined when the terminal is too narrow to show it. Pure.
 */
import { drawAllocation } from './bar-chart.js';
import type { Display } from './display.js';
import { drawPriceChart } from './line-chart.js';

export function drawDisplay(display: Display, options: { columns: number; color: boolean }): string | undefined {
  const lines = display.kind === 'price-chart' ? drawPriceChart(display, options) : drawAllocation(display, options);
  return lines.length === 0 ? undefined : lines.join('\n');
}
