// Allocation bars (src/charts/bar-chart.ts): the eighths of a cell are shared out exactly so a section's bars fill
// the bar width, labels from Kite are made safe and cut, and nothing is drawn that could not be read.
import { describe, expect, test } from 'vitest';
import { barCells, barText, drawAllocation, EIGHTHS } from '../../../src/charts/bar-chart.js';
import type { AllocationDisplay } from '../../../src/charts/display.js';
import { parseDecimal, sumOf } from '../../../src/portfolio/decimal.js';

const BLOCKS = /[█▏▎▍▌▋▊▉]/g;
const EIGHTHS_OF: Record<string, number> = { '█': 8, '▏': 1, '▎': 2, '▍': 3, '▌': 4, '▋': 5, '▊': 6, '▉': 7 };

function eighthsIn(line: string): number {
  return (line.match(BLOCKS) ?? []).reduce((sum, block) => sum + (EIGHTHS_OF[block] ?? 0), 0);
}

function display(values: string[], labels = values.map((_, index) => `ROW${index}`)): AllocationDisplay {
  const rows = values.map((value, index) => ({ label: labels[index] ?? '', value: parseDecimal(value) }));
  return { kind: 'allocation', title: 'Where the money is', total: sumOf(rows.map((row) => row.value)), sections: [{ title: 'By holding', rows }] };
}

describe('barCells', () => {
  test('the cells always add up to the width, however the values divide', () => {
    for (const values of [['1', '1', '1'], ['0.01', '999999.99'], ['3.333', '3.333', '3.334'], ['5', '0', '5']]) {
      for (const units of [7, 80, 333]) {
        const cells = barCells(values.map(parseDecimal), units);
        expect(cells.reduce((sum, cell) => sum + cell, 0)).toBe(units);
      }
    }
  });

  test('each value gets its whole share, and the leftover eighths go to the largest remainders', () => {
    expect(barCells(['1', '1', '1'].map(parseDecimal), 8)).toEqual([3, 3, 2]);
    expect(barCells(['1', '2'].map(parseDecimal), 9)).toEqual([3, 6]);
    expect(barCells(['0', '0'].map(parseDecimal), 8)).toEqual([0, 0]);
  });

  test('barText writes whole cells, then the partial one', () => {
    expect(barText(8 * 3 + 5)).toBe('███▋');
    expect(barText(0)).toBe('');
    expect(eighthsIn(barText(77))).toBe(77);
  });
});

describe('drawAllocation', () => {
  test('every row shows its bar, share and value, and the bars of a section fill the same width', () => {
    const lines = drawAllocation(display(['60000', '30000', '10000']), { columns: 80, color: false });
    expect(lines[0]).toBe('Where the money is');
    expect(lines[1]).toBe('By holding');
    expect(lines[2]).toMatch(/^ {2}ROW0 {2}[█▏▎▍▌▋▊▉]+ +60\.00% {2}₹60,000\.00$/);
    expect(lines[4]).toMatch(/ 10\.00% {2}₹10,000\.00$/);
    const total = lines.slice(2).reduce((sum, line) => sum + eighthsIn(line), 0);
    const width = (lines[2]?.indexOf('60.00%') ?? 0) - (lines[2]?.indexOf('█') ?? 0) - 2; // bar field, then two spaces
    expect(total).toBe(width * EIGHTHS);
    for (const line of lines) expect(line.length).toBeLessThan(80);
  });

  test('a label from Kite is made safe for the terminal and cut to a sensible width', () => {
    const hostile = `EVIL\u001b]52;c;aGVsbG8=\u0007FUND ${'X'.repeat(60)}`;
    const lines = drawAllocation(display(['1', '1'], [hostile, 'OK']), { columns: 100, color: false });
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines[2]).toMatch(/^ {2}EVILFUND X+… /);
  });

  test('nothing is drawn for an empty or negative allocation, or in a terminal too narrow for bars', () => {
    expect(drawAllocation(display(['0']), { columns: 80, color: false })).toEqual([]);
    expect(drawAllocation(display(['10', '-1']), { columns: 80, color: false })).toEqual([]);
    expect(drawAllocation(display(['10', '20']), { columns: 30, color: false })).toEqual([]);
  });

  test('colour only when asked', () => {
    expect(drawAllocation(display(['1', '2']), { columns: 80, color: false }).join('')).not.toContain('\u001b[');
    expect(drawAllocation(display(['1', '2']), { columns: 80, color: true }).join('')).toContain('\u001b[36m');
  });
});
