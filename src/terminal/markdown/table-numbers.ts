/**
 * Numbers as a model writes them in a Markdown table cell (₹1,23,456.50, -12.5%, (1,234), +₹300), read only to
 * decide alignment and, in money columns, to group plain digits the Indian way. Pure string work: no float ever
 * touches a value, so nothing is rounded and no digit the model wrote is lost or changed.
 */
import { rupeeDigits } from '../../inr.js';

/** What a cell holds when it has no value; such cells neither make nor break a numeric column. */
const PLACEHOLDERS = new Set(['', '-', '–', '—', 'n/a', 'na', 'nil']);

/**
 * Optional parentheses (accounting negatives), a sign (+, -, or the minus sign U+2212) before or after the currency,
 * ₹ / Rs / INR, digits with or without grouping commas, decimals, a trailing %.
 */
const NUMBER_CELL =
  /^(?<open>\()?\s*(?<sign>[+\-\u2212])?\s*(?<currency>₹|Rs\.?|INR)?\s*(?<signAfterCurrency>[+\-\u2212])?(?<integer>\d{1,3}(?:,\d{2,3})+|\d+)?(?:\.(?<fraction>\d+))?\s*(?<percent>%)?\s*(?<close>\))?$/i;

/** Header words that say a column holds rupees (the brief's list plus LTP, cost and P/L spellings). */
const MONEY_HEADER = /₹|\bvalue|\bprice|\bp\s*&\s*l\b|\bp\/l\b|\bpnl\b|\bamount|\binvested|\bcurrent|\bltp\b|\bcost/i;
/**
 * A header that names a scale or a ratio: "Value (₹ Cr)" holding 12.5 means crores, so writing ₹12.50 would be a lie.
 * P&L and P/L are taken out first, as their L is not lakh.
 */
const SCALED_HEADER = /%|\b(?:cr|crores?|lakhs?|lacs?|l|k|thousands?|mn|millions?|bn|billions?|x|times|ratio|pct|percent)\b/i;
const PROFIT_AND_LOSS = /\bp\s*[&/]\s*l\b/gi;

interface CellNumber {
  /** The sign as written ('' when none): kept so '+' and '−' look as the model meant them. */
  sign: string;
  integer: string;
  fraction: string | undefined;
  currency: string | undefined;
  grouped: boolean;
  percent: boolean;
  parenthesized: boolean;
}

function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(text.trim().toLowerCase());
}

/** The cell read as a number, or undefined when it is anything else (text, a date, "1.2 Cr", two numbers). */
export function parseCellNumber(text: string): CellNumber | undefined {
  const match = NUMBER_CELL.exec(text.trim());
  const groups = match?.groups;
  if (groups === undefined) return undefined;
  const { open, close, sign, signAfterCurrency, integer, fraction, currency, percent } = groups;
  if ((open === undefined) !== (close === undefined)) return undefined;
  if (integer === undefined && fraction === undefined) return undefined;
  if (sign !== undefined && signAfterCurrency !== undefined) return undefined;
  return {
    sign: sign ?? signAfterCurrency ?? '',
    integer: integer ?? '',
    fraction,
    currency,
    grouped: integer?.includes(',') ?? false,
    percent: percent !== undefined,
    parenthesized: open !== undefined,
  };
}

/** A column is numeric when it has at least one value and every cell that is not a placeholder is a number. */
export function isNumericColumn(cells: readonly string[]): boolean {
  const values = cells.filter((cell) => !isPlaceholder(cell));
  return values.length > 0 && values.every((cell) => parseCellNumber(cell) !== undefined);
}

/**
 * A numeric column holds rupees when its header or a cell says so (a money word, ₹), no cell is a percentage and
 * the header names no scale. Only then are plain numbers in it written as rupees.
 */
export function isAmountColumn(header: string, cells: readonly string[]): boolean {
  if (SCALED_HEADER.test(header.replace(PROFIT_AND_LOSS, ''))) return false;
  const numbers = cells.map(parseCellNumber).filter((number) => number !== undefined);
  if (numbers.some((number) => number.percent)) return false;
  return MONEY_HEADER.test(header) || numbers.some((number) => number.currency === '₹');
}

/**
 * A plain number in a money column as rupees with Indian grouping and at least two decimals: "1234567.5" →
 * "₹12,34,567.50", "-300" → "-₹300.00". Undefined (keep the cell as written) when the model already formatted it
 * (grouping commas, parentheses, Rs/INR) or it is not a plain number. Extra decimals are kept, never rounded.
 */
export function formatAmountCell(text: string): string | undefined {
  const number = parseCellNumber(text);
  if (number === undefined || number.grouped || number.parenthesized || number.percent) return undefined;
  if (number.currency !== undefined && number.currency !== '₹') return undefined;
  const digits = number.integer.replace(/^0+(?=\d)/, '') || '0';
  const fraction = (number.fraction ?? '').padEnd(2, '0');
  return rupeeDigits(number.sign, digits, fraction);
}
