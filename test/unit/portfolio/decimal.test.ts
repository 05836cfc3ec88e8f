// Exact decimals (src/portfolio/decimal.ts) and the JSON reader that feeds them (src/portfolio/exact-json.ts): digits in, digits out,
// no binary float anywhere, rounding half away from zero only where asked.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  add, compareRatios, decimalText, divideRounded, multiply, parseDecimal, percentOf, roundTo, subtract, sumOf, type Decimal,
} from '../../../src/portfolio/decimal.js';
import { isDecimal, isExactObject, parseExactJson, type ExactJson } from '../../../src/portfolio/exact-json.js';
import { KITE_MOCKS } from '../../support/kite-fixtures.js';

const MOCKS = KITE_MOCKS;
const d = parseDecimal;

describe('parseDecimal', () => {
  test.each([
    ['801.78125', 80178125n, 5],
    ['161', 161n, 0],
    ['-629.2999999999993', -6292999999999993n, 13],
    ['1.5e-3', 15n, 4], // 1.5 × 10^-3 = 0.0015 = 15 × 10^-4
    ['2.5E2', 250n, 0], // 2.5 × 10^2 = 250
    ['0', 0n, 0],
  ])('reads %s as %s × 10^-%s', (text, units, scale) => {
    expect(parseDecimal(text)).toEqual({ units, scale });
  });

  test.each(['', 'abc', '1.', '.5', '1e', '--1', '1e401', '1e-401', 'Infinity', '0x10'])('refuses %j', (text) => {
    expect(() => parseDecimal(text)).toThrow(RangeError);
  });
});

describe('arithmetic', () => {
  test('0.1 + 0.2 is exactly 0.3, where doubles give 0.30000000000000004', () => {
    expect(decimalText(add(d('0.1'), d('0.2')))).toBe('0.3');
  });

  test('products keep every digit: 1.334 × 1874.101138 = 2500.050918092', () => {
    // 1874.101138 + 0.334 × 1874.101138 = 1874.101138 + 625.949780092 = 2500.050918092
    expect(decimalText(multiply(d('1.334'), d('1874.101138')))).toBe('2500.050918092');
  });

  test('a thousand additions of 0.01 make exactly 10', () => {
    expect(decimalText(sumOf(Array.from({ length: 1000 }, () => d('0.01'))))).toBe('10');
  });

  test('subtraction across scales: 352.95 − 352.35 is 0.6, not 0.5999999999999659', () => {
    expect(decimalText(subtract(d('352.95'), d('352.35')))).toBe('0.6');
  });
});

describe('rounding half away from zero', () => {
  test.each([
    ['2.345', 235n],
    ['-2.345', -235n],
    ['2.3449', 234n],
    ['0.005', 1n],
    ['-0.005', -1n],
    ['-0.0049', 0n],
    ['7', 700n],
  ])('roundTo(%s, 2) is %s paise', (text, paise) => {
    expect(roundTo(d(text), 2)).toBe(paise);
  });

  test.each([
    [5n, 2n, 3n], // 2.5 → 3
    [-5n, 2n, -3n], // -2.5 → -3
    [5n, -2n, -3n],
    [7n, 3n, 2n], // 2.33… → 2
    [8n, 3n, 3n], // 2.66… → 3
    [0n, 9n, 0n],
  ])('divideRounded(%s, %s) is %s', (numerator, denominator, quotient) => {
    expect(divideRounded(numerator, denominator)).toBe(quotient);
  });

  test('division by zero throws rather than answer', () => {
    expect(() => divideRounded(1n, 0n)).toThrow(RangeError);
  });
});

describe('percentages', () => {
  test('191.95 of 161 is 119.22% (191.95 / 161 = 1.1922360…)', () => {
    expect(percentOf(d('191.95'), d('161'))).toBe(11922n);
  });

  test('-0.625 of 100 rounds away from zero to -0.63%', () => {
    expect(percentOf(d('-0.625'), d('100'))).toBe(-63n);
  });

  test('a percentage of zero is undefined, not 0 or Infinity', () => {
    expect(percentOf(d('5'), d('0'))).toBeUndefined();
  });

  test('ratios compare exactly even when they agree to 17 digits', () => {
    // 1/3 against 333333333333333333/10^18: the first is larger by 1/(3·10^18).
    expect(compareRatios(d('1'), d('3'), d('333333333333333333'), d('1000000000000000000'))).toBe(1);
    expect(compareRatios(d('2'), d('4'), d('0.5'), d('1'))).toBe(0);
  });
});

describe('decimalText', () => {
  test.each<[string, { minDecimals?: number; maxDecimals?: number }, string]>([
    ['382.488', {}, '382.488'],
    ['16.000', {}, '16'],
    ['161', { minDecimals: 2 }, '161.00'],
    ['23139.750000000004', { minDecimals: 2, maxDecimals: 6 }, '23139.75'],
    ['-0.0000001', { maxDecimals: 6 }, '0'],
    ['-3', {}, '-3'],
    ['0.05', {}, '0.05'],
  ])('%s with %j is %s', (text, options, expected) => {
    expect(decimalText(d(text), options)).toBe(expected);
  });
});

/** The parsed value with Decimals as Numbers and Maps as objects, to compare with JSON.parse. */
function asPlain(value: ExactJson): unknown {
  if (isDecimal(value)) return Number(decimalText(value as Decimal));
  if (Array.isArray(value)) return value.map(asPlain);
  if (isExactObject(value)) return Object.fromEntries([...value].map(([key, inner]) => [key, asPlain(inner)]));
  return value;
}

describe('parseExactJson', () => {
  test.each(['holdings', 'positions', 'mf_holdings', 'margins', 'quote', 'orders'])(
    'reads the %s fixture to the same structure and values as JSON.parse',
    (name) => {
      const text = readFileSync(new URL(`${name}.json`, MOCKS), 'utf8');
      expect(asPlain(parseExactJson(text))).toEqual(JSON.parse(text));
    },
  );

  test('keeps the digits a double would lose', () => {
    const parsed = parseExactJson('{"price": 0.1000000000000000055511151231257827, "token": 12345678901234567890}');
    expect(isExactObject(parsed)).toBe(true);
    const map = parsed as ReadonlyMap<string, ExactJson>;
    expect(decimalText(map.get('price') as Decimal)).toBe('0.1000000000000000055511151231257827');
    expect(decimalText(map.get('token') as Decimal)).toBe('12345678901234567890');
  });

  test('decodes string escapes as JSON.parse does and keeps "__proto__" as plain data', () => {
    const text = '{"__proto__": "x", "name": "A\\u00e9\\n\\"B\\"\\\\", "empty": [], "nothing": null, "yes": true}';
    const parsed = parseExactJson(text) as ReadonlyMap<string, ExactJson>;
    expect(parsed.get('__proto__')).toBe('x');
    expect(parsed.get('name')).toBe(JSON.parse(text).name);
    expect(parsed.get('empty')).toEqual([]);
    expect(parsed.get('nothing')).toBeNull();
    expect(parsed.get('yes')).toBe(true);
  });

  test('Go\'s null for an empty list reads as null', () => {
    expect(parseExactJson(' null ')).toBeNull();
  });

  test.each(['', '{', '[1,]', '[1 2]', '01', '1.', '-', '{"a" 1}', '{a: 1}', 'tru', '"tab\there"', '[1] x', "'a'", 'NaN'])(
    'refuses %j, which JSON.parse refuses too',
    (text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseExactJson(text)).toThrow(SyntaxError);
    },
  );

  test('refuses nesting far deeper than any tool result instead of overflowing the stack', () => {
    expect(() => parseExactJson('['.repeat(100_000))).toThrow(SyntaxError);
  });
});
