/**
 * Rupee amounts the way an Indian reader expects them: ₹1,23,456.78 (lakh/crore digit grouping, two decimals). The
 * one place a rupee amount is written: numbers we computed, numbers a model sent (formatAnyRupees), and digits already
 * exact as text (rupeeDigits: portfolio prices, table cells). Pure; model text is never parsed here.
 */

/** Past this the number is not money we could have computed; toFixed would also switch to exponent notation. */
const LARGEST_FORMATTABLE_RUPEES = 1e15;
/** Past this a number a model sent is shown as it came: no order is that large, and the mistake should be visible. */
const LARGEST_MODEL_RUPEES = 1e12;

/** "1234567" → "12,34,567": the last three digits, then groups of two (Indian numbering). */
export function groupIndian(integerDigits: string): string {
  if (!/^\d+$/.test(integerDigits)) throw new RangeError(`groupIndian expects digits only, got "${integerDigits}"`);
  if (integerDigits.length <= 3) return integerDigits;
  const lastThree = integerDigits.slice(-3);
  const leading = integerDigits.slice(0, -3);
  const pairs = leading.replace(/\B(?=(\d{2})+$)/g, ',');
  return `${pairs},${lastThree}`;
}

/** 123456.784 → "₹1,23,456.78"; -1234 → "-₹1,234.00". Throws on NaN, ±Infinity and absurd magnitudes. */
export function formatRupees(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= LARGEST_FORMATTABLE_RUPEES) {
    throw new RangeError(`Cannot format ${value} as rupees`);
  }
  const fixed = Math.abs(value).toFixed(2);
  const [integerPart = '0', fraction = '00'] = fixed.split('.');
  // A value that rounds to zero (including -0 and -0.004) is shown without a minus sign.
  const sign = value < 0 && fixed !== '0.00' ? '-' : '';
  return rupeeDigits(sign, integerPart, fraction);
}

/** For numbers a model sent (an order's price): formatRupees where it can, else the number as it came; never throws. */
export function formatAnyRupees(value: number): string {
  return Number.isFinite(value) && Math.abs(value) < LARGEST_MODEL_RUPEES ? formatRupees(value) : `₹${value}`;
}

/** An amount whose digits are already exact text: "-", "1234567", "50" → "-₹12,34,567.50". */
export function rupeeDigits(sign: string, integerDigits: string, fraction: string): string {
  return `${sign}₹${groupIndian(integerDigits)}.${fraction}`;
}
