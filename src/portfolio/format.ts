/**
 * How computed portfolio figures are written for the model: rupee amounts to the paisa with Indian grouping, prices
 * with the decimals Kite gave them, percentages to two decimals, quantities exactly, times in IST. Every rounding
 * here is half away from zero and happens once, on the exact value. Pure.
 */
import { decimalText, percentOf, roundTo, type Decimal } from './decimal.js';
import { formatRupees, rupeeDigits } from '../inr.js';

/** Prices keep the decimals Kite sent (801.78125, NAV 2081.4984) up to this many; past it is float noise. */
const MAX_PRICE_DECIMALS = 6;
/** India has one time zone and no daylight saving: IST is always UTC+05:30. */
export const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
/** Written where a figure cannot be computed (no buy average, no previous close, a part that failed to load). */
export const NOT_AVAILABLE = 'n/a';

/** -629.3 → "-₹629.30". Rounded to paise exactly, then formatRupees: an integer count of paise divided by 100 is
 * within a hundredth of a paisa of the true amount below ₹10^13, so its two-decimal text is exactly those paise. */
export function rupees(value: Decimal): string {
  return formatRupees(Number(roundTo(value, 2)) / 100);
}

export function rupeesOrNotAvailable(value: Decimal | undefined): string {
  return value === undefined ? NOT_AVAILABLE : rupees(value);
}

/** 1874.101138 → "₹1,874.101138"; 161 → "₹161.00". */
export function price(value: Decimal): string {
  const text = decimalText(value, { minDecimals: 2, maxDecimals: MAX_PRICE_DECIMALS });
  const negative = text.startsWith('-');
  const [integerPart = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  return rupeeDigits(negative ? '-' : '', integerPart, fraction);
}

/** 382.488 → "382.488"; 16 → "16". */
export function quantity(value: Decimal): string {
  return decimalText(value);
}

/** Hundredths of a percent → "12.35%"; a value that rounds to zero has no minus sign. */
export function percentText(hundredths: bigint | undefined): string {
  if (hundredths === undefined) return NOT_AVAILABLE;
  return `${decimalText({ units: hundredths, scale: 2 }, { minDecimals: 2 })}%`;
}

/** part as a percentage of whole, to two decimals; n/a when either is missing or the whole is zero. */
export function percent(part: Decimal | undefined, whole: Decimal | undefined): string {
  if (part === undefined || whole === undefined) return NOT_AVAILABLE;
  return percentText(percentOf(part, whole));
}

/** "2025-08-06 15:04:05 IST" */
export function istTime(moment: Date): string {
  const shifted = new Date(moment.getTime() + IST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} IST`;
}

/** A `|` table: header row, then one row per line; cells never contain a `|` of their own. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '/')).join(' | ')} |`;
  return [line(header), ...rows.map(line)];
}
