/**
 * A JSON reader that keeps every number exactly as written: numbers become Decimals (portfolio/decimal.ts) read from their
 * digits, never doubles, and objects become Maps (so a "__proto__" key is just data). Strict JSON only (RFC 8259);
 * anything else throws SyntaxError. Pure; used for Kite tool results before any arithmetic.
 */
import { parseDecimal, type Decimal } from './decimal.js';

export type ExactJson = null | boolean | string | Decimal | readonly ExactJson[] | ExactObject;
export type ExactObject = ReadonlyMap<string, ExactJson>;

/** Kite results nest three levels deep; a much deeper document is not a tool result, and recursion must stay bounded. */
const MAX_DEPTH = 64;

const WHITESPACE = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/** Where the reader is in the text. */
interface Reader {
  readonly text: string;
  position: number;
}

export function parseExactJson(text: string): ExactJson {
  const reader: Reader = { text, position: 0 };
  const result = readValue(reader, 0);
  skipWhitespace(reader);
  if (reader.position !== text.length) fail(reader, 'the end of the text');
  return result;
}

function fail(reader: Reader, expected: string): never {
  const { text, position } = reader;
  const found = position < text.length ? JSON.stringify(text.slice(position, position + 12)) : 'the end';
  throw new SyntaxError(`Invalid JSON at position ${position}: expected ${expected}, found ${found}`);
}

function skipWhitespace(reader: Reader): void {
  WHITESPACE.lastIndex = reader.position;
  WHITESPACE.exec(reader.text);
  reader.position = WHITESPACE.lastIndex;
}

function take(reader: Reader, pattern: RegExp): string | undefined {
  pattern.lastIndex = reader.position;
  const match = pattern.exec(reader.text);
  if (match === null) return undefined;
  reader.position = pattern.lastIndex;
  return match[0];
}

function readValue(reader: Reader, depth: number): ExactJson {
  if (depth > MAX_DEPTH) fail(reader, `at most ${MAX_DEPTH} levels of nesting`);
  skipWhitespace(reader);
  const next = reader.text[reader.position];
  if (next === '{') return readObject(reader, depth);
  if (next === '[') return readArray(reader, depth);
  if (next === '"') return readString(reader);
  const number = take(reader, NUMBER);
  if (number !== undefined) return parseDecimal(number);
  const literal = take(reader, LITERAL);
  if (literal !== undefined) return literal === 'null' ? null : literal === 'true';
  return fail(reader, 'a value');
}

function readString(reader: Reader): string {
  const token = take(reader, STRING);
  if (token === undefined) return fail(reader, 'a string');
  return JSON.parse(token) as string; // the token is a complete JSON string literal; JSON.parse decodes its escapes
}

function readArray(reader: Reader, depth: number): ExactJson[] {
  reader.position += 1; // [
  const items: ExactJson[] = [];
  skipWhitespace(reader);
  if (reader.text[reader.position] === ']') {
    reader.position += 1;
    return items;
  }
  for (;;) {
    items.push(readValue(reader, depth + 1));
    if (endOfList(reader, ']')) return items;
  }
}

function readObject(reader: Reader, depth: number): ExactObject {
  reader.position += 1; // {
  const entries = new Map<string, ExactJson>();
  skipWhitespace(reader);
  if (reader.text[reader.position] === '}') {
    reader.position += 1;
    return entries;
  }
  for (;;) {
    skipWhitespace(reader);
    if (reader.text[reader.position] !== '"') fail(reader, 'a property name');
    const key = readString(reader);
    skipWhitespace(reader);
    if (reader.text[reader.position] !== ':') fail(reader, '":"');
    reader.position += 1;
    entries.set(key, readValue(reader, depth + 1)); // a repeated key keeps its last value, as JSON.parse does
    if (endOfList(reader, '}')) return entries;
  }
}

/** After an item: true at the closing bracket, false at a comma (both consumed); anything else fails. */
function endOfList(reader: Reader, closing: ']' | '}'): boolean {
  skipWhitespace(reader);
  const separator = reader.text[reader.position];
  if (separator === closing || separator === ',') {
    reader.position += 1;
    return separator === closing;
  }
  return fail(reader, `"," or "${closing}"`);
}

export function isExactObject(value: ExactJson | undefined): value is ExactObject {
  return value instanceof Map;
}

export function isDecimal(value: ExactJson | undefined): value is Decimal {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
}
