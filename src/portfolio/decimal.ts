/**
 * Exact decimal arithmetic for money: a value is an integer count of 10^-scale units (BigInt), read straight from
 * the digits of a JSON number, so sums and products never pick up binary float drift. Rounding happens only where a
 * caller asks for it (display, percentages), always half away from zero. Pure; no formatting, no parsing of JSON.
 */

/** `units × 10^-scale`: 801.78125 is { units: 80178125n, scale: 5 }. Scale is never negative. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Far past any price or quantity (doubles end near 1e308); refusing bigger exponents keeps "1e999999999" cheap. */
const MAX_EXPONENT = 400;
const DECIMAL_LITERAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

/** "801.78125" → { units: 80178125n, scale: 5 }; "1.5e-3" → { units: 15n, scale: 4 }. Throws RangeError on non-numbers. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_LITERAL.exec(text);
  if (match === null) throw new RangeError(`Not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
  const [, sign = '', integerDigits = '0', fractionDigits = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) {
    throw new RangeError(`Exponent out of range in ${JSON.stringify(text.slice(0, 40))}`);
  }
  const units = BigInt(`${sign}${integerDigits}${fractionDigits}`);
  const scale = fractionDigits.length - exponent;
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function add(left: Decimal, right: Decimal): Decimal {
  const scale = Math.max(left.scale, right.scale);
  return { units: rescale(left, scale) + rescale(right, scale), scale };
}

export function subtract(left: Decimal, right: Decimal): Decimal {
  return add(left, negate(right));
}

function negate(value: Decimal): Decimal {
  return { units: -value.units, scale: value.scale };
}

export function multiply(left: Decimal, right: Decimal): Decimal {
  return { units: left.units * right.units, scale: left.scale + right.scale };
}

export function sumOf(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = add(total, value);
  return total;
}

export function compareDecimals(left: Decimal, right: Decimal): -1 | 0 | 1 {
  const scale = Math.max(left.scale, right.scale);
  const difference = rescale(left, scale) - rescale(right, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

export function signOf(value: Decimal): -1 | 0 | 1 {
  return value.units === 0n ? 0 : value.units < 0n ? -1 : 1;
}

/** numerator / denominator to the nearest integer, halves away from zero. The denominator must not be zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const absoluteNumerator = numerator < 0n ? -numerator : numerator;
  const absoluteDenominator = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * absoluteNumerator + absoluteDenominator) / (2n * absoluteDenominator);
  return negative ? -quotient : quotient;
}

/** The value in units of 10^-decimals, rounded half away from zero: roundTo(2.345, 2) → 235n (paise). */
export function roundTo(value: Decimal, decimals: number): bigint {
  if (value.scale <= decimals) return rescale(value, decimals);
  return divideRounded(value.units, 10n ** BigInt(value.scale - decimals));
}

/**
 * part / whole × 100 in hundredths of a percent, rounded half away from zero (12.345% → 1235n); undefined when
 * the whole is zero, so a caller cannot print a percentage of nothing.
 */
export function percentOf(part: Decimal, whole: Decimal): bigint | undefined {
  if (whole.units === 0n) return undefined;
  // part/whole = (p·10^-ps)/(w·10^-ws) = p·10^ws / (w·10^ps); ×100 for percent, ×100 for hundredths.
  const numerator = part.units * 10n ** BigInt(whole.scale) * 10_000n;
  const denominator = whole.units * 10n ** BigInt(part.scale);
  return divideRounded(numerator, denominator);
}

/** Orders a/b against c/d exactly (cross-multiplied); both denominators must be positive. */
export function compareRatios(
  leftPart: Decimal,
  leftWhole: Decimal,
  rightPart: Decimal,
  rightWhole: Decimal,
): -1 | 0 | 1 {
  if (signOf(leftWhole) <= 0 || signOf(rightWhole) <= 0) throw new RangeError('compareRatios needs positive wholes');
  return compareDecimals(multiply(leftPart, rightWhole), multiply(rightPart, leftWhole));
}

/**
 * Exact digits without trailing zeros: 16, 382.488, -3, 801.78125. With `maxDecimals`, rounded half away from zero
 * to at most that many first; `minDecimals` pads (2 for prices: 161 → "161.00").
 */
export function decimalText(value: Decimal, options: { minDecimals?: number; maxDecimals?: number } = {}): string {
  const decimals = Math.min(value.scale, options.maxDecimals ?? value.scale);
  const units = roundTo(value, decimals);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const integerPart = digits.slice(0, digits.length - decimals);
  let fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  fraction = fraction.padEnd(options.minDecimals ?? 0, '0');
  return `${negative ? '-' : ''}${integerPart}${fraction === '' ? '' : `.${fraction}`}`;
}
