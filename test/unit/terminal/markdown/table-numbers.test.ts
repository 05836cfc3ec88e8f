// Numbers in table cells (src/terminal/markdown/table-numbers.ts): which cells are numeric, and rupee amounts in
// Indian grouping.
import { test, expect } from 'vitest';
import { formatAmountCell, isAmountColumn, isNumericColumn, parseCellNumber } from '../../../../src/terminal/markdown/table-numbers.js';

test.each([
  '1234', '1234.5', '.5', '-300', '+2.5', '−42', '₹1,23,456.78', '₹ 500', '-₹300', '₹-300', '+₹1,200.25',
  '12.5%', '-1.2 %', '(1,234.50)', '(₹500)', 'Rs. 1,000', 'INR 250', '1,234,567',
])('%j reads as a number', (text) => {
  expect(parseCellNumber(text)).toBeDefined();
});

test.each(['INFY', '1.2 Cr', '12L', '2024-01-15', '10:30', '₹', '', '(', '(12', '12)', '+-3', '1 2', '₹1,23 and more'])(
  '%j does not read as a number',
  (text) => {
    expect(parseCellNumber(text)).toBeUndefined();
  },
);

test('a column is numeric when every non-placeholder cell is a number', () => {
  expect(isNumericColumn(['10', '—', '₹1,000', '', 'N/A', '(5)'])).toBe(true);
  expect(isNumericColumn(['10', 'ten'])).toBe(false);
  expect(isNumericColumn(['—', ''])).toBe(false);
});

test.each([
  ['Current value', ['1234567.5']],
  ['Avg. price', ['1500']],
  ['P&L', ['-300']],
  ['Day P/L', ['-300']],
  ['Invested', ['65000']],
  ['LTP', ['1500.05']],
  ['Amount (₹)', ['100']],
  ['Total', ['₹1,000', '250']],
])('a numeric column headed %j is an amount column', (header, cells) => {
  expect(isAmountColumn(header, cells)).toBe(true);
});

test.each([
  ['Qty', ['10', '20']],
  ['Value (₹ Cr)', ['12.5']],
  ['Value in lakhs', ['3.2']],
  ['Value (L)', ['3.2']],
  ['P&L %', ['2.5']],
  ['Price change', ['+2.5%', '-1.2%']],
  ['Symbol', ['1', '2']],
])('a numeric column headed %j is not an amount column', (header, cells) => {
  expect(isAmountColumn(header, cells)).toBe(false);
});

test.each([
  ['1234567.5', '₹12,34,567.50'],
  ['1234', '₹1,234.00'],
  ['0.5', '₹0.50'],
  ['.5', '₹0.50'],
  ['007', '₹7.00'],
  ['-300', '-₹300.00'],
  ['+1200.25', '+₹1,200.25'],
  ['−42', '−₹42.00'],
  ['₹1234.5', '₹1,234.50'],
  ['₹-300', '-₹300.00'],
  ['123456789012345678', '₹1,23,45,67,89,01,23,45,678.00'],
  ['1234.5678', '₹1,234.5678'],
])('the plain amount %j is written %j', (text, formatted) => {
  expect(formatAmountCell(text)).toBe(formatted);
});

test.each(['₹12,34,567.50', '1,234,567', '(1,234)', '12%', 'Rs. 500', 'INR 250', 'INFY', '—'])(
  'the amount %j, already formatted or not a plain number, is kept as written',
  (text) => {
    expect(formatAmountCell(text)).toBeUndefined();
  },
);
