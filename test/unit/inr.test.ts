// Rupee formatting (src/inr.ts): Indian digit grouping, signs and paise, and what is refused.
import { test, expect } from 'vitest';
import { formatRupees, groupIndian } from '../../src/inr.js';

test.each([
  ['0', '0'],
  ['7', '7'],
  ['999', '999'],
  ['1000', '1,000'],
  ['12345', '12,345'],
  ['123456', '1,23,456'],
  ['1234567', '12,34,567'],
  ['12345678', '1,23,45,678'],
  ['123456789', '12,34,56,789'],
  ['1000000000', '1,00,00,00,000'],
])('groupIndian groups %s as %s', (digits, grouped) => {
  expect(groupIndian(digits)).toBe(grouped);
});

test.each(['', '12a', '-12', '1.5', ' 12'])('groupIndian refuses %j, which is not a string of digits', (input) => {
  expect(() => groupIndian(input)).toThrow(RangeError);
});

test.each([
  [0, '₹0.00'],
  [1, '₹1.00'],
  [0.5, '₹0.50'],
  [999.999, '₹1,000.00'],
  [1234, '₹1,234.00'],
  [123456.78, '₹1,23,456.78'],
  [123456.784, '₹1,23,456.78'],
  [1500.05, '₹1,500.05'],
  [10000000, '₹1,00,00,000.00'],
  [-1234, '-₹1,234.00'],
  [-123456.78, '-₹1,23,456.78'],
  [-0, '₹0.00'],
  [-0.004, '₹0.00'],
  [-0.005, '-₹0.01'],
])('formatRupees(%d) is %s', (value, text) => {
  expect(formatRupees(value)).toBe(text);
});

test.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e15, -1e21])(
  'formatRupees refuses %d rather than print a misleading amount',
  (value) => {
    expect(() => formatRupees(value)).toThrow(RangeError);
  },
);
