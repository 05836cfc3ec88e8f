/**
 * Numbers as the model should read them: binary float noise rounded away (0.5999999999999659 → 0.6) while every digit
 * a price or quantity genuinely carries is kept. Also spots JSON holding numbers JavaScript cannot keep exactly, so
 * the caller can pass such text through untouched instead of printing a changed number. Pure.
 */

/** Ten significant digits are far past any price, quantity or percentage Kite reports, and far before float noise. */
const SIGNIFICANT_DIGITS = 10;
/** Decimals that are never rounded away, however large the integer part (paise, tick sizes, ratios). */
const KEPT_DECIMALS = 6;

/** 0.5999999999999659 → 0.6, 1234.5000000001 → 1234.5, 801.78125 → 801.78125; integers are returned unchanged. */
export function roundFloatNoise(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const magnitude = Math.abs(value);
  const integerDigits = magnitude < 1 ? 0 : String(Math.trunc(magnitude)).length;
  const precision = Math.min(100, Math.max(SIGNIFICANT_DIGITS, integerDigits + KEPT_DECIMALS));
  return Number(value.toPrecision(precision));
}

/** The shortest text that reads back as the rounded number (`String` drops trailing zeros; -0 prints as 0). */
export function formatNumber(value: number): string {
  return String(roundFloatNoise(value));
}

/** Every number in a parsed JSON value rounded; the structure is copied, never mutated. */
export function roundNumbersDeep(value: unknown): unknown {
  if (typeof value === 'number') return roundFloatNoise(value);
  if (Array.isArray(value)) return value.map(roundNumbersDeep);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key from JSON stays data instead of becoming a prototype.
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundNumbersDeep(inner)]));
  }
  return value;
}

/** JSON string literals, or number literals; on valid JSON, scanning left to right never starts inside a string. */
const JSON_STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * True when valid JSON text holds a number JavaScript cannot keep: an integer past 2^53 (JSON.parse would change its
 * last digits) or a magnitude past 1.8e308. Kite's identifiers are strings today; this keeps a future int64 id honest.
 */
export function hasUnrepresentableNumber(jsonText: string): boolean {
  for (const match of jsonText.matchAll(JSON_STRING_OR_NUMBER)) {
    const literal = match[0];
    if (literal.startsWith('"')) continue;
    const value = Number(literal);
    if (!Number.isFinite(value)) return true;
    if (!/[.eE]/.test(literal) && !Number.isSafeInteger(value)) return true;
  }
  return false;
}
