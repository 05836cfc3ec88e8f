/**
 * Allocation as horizontal bars for the terminal: one row per holding or part, its bar, share and value. The bars of
 * a section fill the bar width exactly (in eighths of a cell, shared out by largest remainder from exact decimals),
 * as the values add up to the total. Colour only when asked. Pure: data in, text out.
 */
import { percentOf, type Decimal } from '../portfolio/decimal.js';
import { percentText, rupees } from '../portfolio/format.js';
import { truncateToWidth, displayWidth } from '../terminal/display-width.js';
import { oneLineForTerminal } from '../terminal/text.js';
import type { AllocationDisplay, AllocationRow } from './display.js';
import { BOLD, CYAN, DIM, RESET } from '../terminal/styles.js';

/** Labels past this are cut: a long fund name must not squeeze every bar to nothing. */
const MAX_LABEL_COLUMNS = 28;
/** Narrower than this, bars say too little to be worth the lines. */
const MIN_BAR_COLUMNS = 10;
/** A bar cell in eighths: ▏ is one eighth, █ all eight. */
export const EIGHTHS = 8;
const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const FULL_BLOCK = '█';


interface BarOptions {
  columns: number;
  color: boolean;
}

/** The bars as lines, or none when there is nothing to share out or the terminal is too narrow. */
export function drawAllocation(display: AllocationDisplay, options: BarOptions): string[] {
  const rows = display.sections.flatMap((section) => section.rows);
  if (display.total.units <= 0n || rows.some((row) => row.value.units < 0n)) return [];
  const labels = new Map(rows.map((row) => [row, truncateToWidth(oneLineForTerminal(row.label), MAX_LABEL_COLUMNS)]));
  const labelWidth = Math.max(...[...labels.values()].map(displayWidth));
  const shareWidth = Math.max(...rows.map((row) => shareText(row, display.total).length));
  const valueWidth = Math.max(...rows.map((row) => rupees(row.value).length));
  const barWidth = options.columns - 1 - labelWidth - shareWidth - valueWidth - 8; // 2 + label + 2 + bar + 2 + share + 2 + value
  if (barWidth < MIN_BAR_COLUMNS) return [];
  const paint = (style: string, text: string) => (options.color ? `${style}${text}${RESET}` : text);
  const lines = [paint(BOLD, display.title)];
  for (const section of display.sections) {
    const cells = barCells(section.rows.map((row) => row.value), barWidth * EIGHTHS);
    lines.push(paint(DIM, section.title));
    section.rows.forEach((row, index) => {
      const label = labels.get(row) ?? '';
      const bar = barText(cells[index] ?? 0).padEnd(barWidth);
      const share = shareText(row, display.total).padStart(shareWidth);
      lines.push(`  ${label}${' '.repeat(labelWidth - displayWidth(label))}  ${paint(CYAN, bar)}  ${share}  ${rupees(row.value).padStart(valueWidth)}`);
    });
  }
  return lines;
}

/**
 * `units` eighths of a cell shared out in proportion to the values, exactly: each gets the whole eighths of its
 * exact share, and the eighths left over go to the largest remainders (the earlier row on a tie). The result adds
 * up to `units` whenever the values add up to more than zero.
 */
export function barCells(values: readonly Decimal[], units: number): number[] {
  const scale = Math.max(0, ...values.map((value) => value.scale));
  const scaled = values.map((value) => value.units * 10n ** BigInt(scale - value.scale));
  const total = scaled.reduce((sum, value) => sum + value, 0n);
  if (total <= 0n) return values.map(() => 0);
  const whole = scaled.map((value) => (value * BigInt(units)) / total);
  const remainders = scaled.map((value, index) => ({ index, remainder: (value * BigInt(units)) % total }));
  let left = units - Number(whole.reduce((sum, value) => sum + value, 0n));
  remainders.sort((first, second) => (second.remainder > first.remainder ? 1 : second.remainder < first.remainder ? -1 : first.index - second.index));
  const cells = whole.map(Number);
  for (const { index } of remainders) {
    if (left <= 0) break;
    cells[index] = (cells[index] ?? 0) + 1;
    left -= 1;
  }
  return cells;
}

/** Eighths as block characters: full cells, then the partial one. */
export function barText(eighths: number): string {
  return FULL_BLOCK.repeat(Math.floor(eighths / EIGHTHS)) + (PARTIAL_BLOCKS[eighths % EIGHTHS] ?? '');
}

function shareText(row: AllocationRow, total: Decimal): string {
  return percentText(percentOf(row.value, total));
}
