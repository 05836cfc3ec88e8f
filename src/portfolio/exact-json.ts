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

export function parseExactJson(text: string): ExactJson {
  let position = 0;

  function fail(expected: string): never {
    const found = position < text.length ? JSON.stringify(text.slice(position, position + 12)) : 'the end';
    throw new SyntaxError(`Invalid JSON at position ${position}: expected ${expected}, found ${found}`);
  }

  function skipWhitespace(): void {
    WHITESPACE.lastIndex = position;
    WHITESPACE.exec(text);
    position = WHITESPACE.lastIndex;
  }

  function take(pattern: RegExp): string | undefined {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    position = pattern.lastIndex;
    return match[0];
  }

  function value(depth: number): ExactJson {
    if (depth > MAX_DEPTH) fail(`at most ${MAX_DEPTH} levels of nesting`);
    skipWhitespace();
    const next = text[position];
    if (next === '{') return object(depth);
    if (next === '[') return array(depth);
    if (next === '"') return string();
    const number = take(NUMBER);
    if (number !== undefined) return parseDecimal(number);
    const literal = take(LITERAL);
    if (literal !== undefined) return literal === 'null' ? null : literal === 'true';
    return fail('a value');
  }

  function string(): string {
    const token = take(STRING);
    if (token === undefined) return fail('a string');
    return JSON.parse(token) as string; // the token is a complete JSON string literal; JSON.parse decodes its escapes
  }

  function array(depth: number): ExactJson[] {
    position += 1; // [
    const items: ExactJson[] = [];
    skipWhitespace();
    if (text[position] === ']') {
      position += 1;
      return items;
    }
    for (;;) {
      items.push(value(depth + 1));
      skipWhitespace();
      const separator = text[position];
      position += 1;
      if (separator === ']') return items;
      if (separator !== ',') {
        position -= 1;
        fail('"," or "]"');
      }
    }
  }

  function object(depth: number): ExactObject {
    position += 1; // {
    const entries = new Map<string, ExactJson>();
    skipWhitespace();
    if (text[position] === '}') {
      position += 1;
      return entries;
    }
    for (;;) {
      skipWhitespace();
      if (text[position] !== '"') fail('a property name');
      const key = string();
      skipWhitespace();
      if (text[position] !== ':') fail('":"');
      position += 1;
      entries.set(key, value(depth + 1)); // a repeated key keeps its last value, as JSON.parse does
      skipWhitespace();
      const separator = text[position];
      position += 1;
      if (separator === '}') return entries;
      if (separator !== ',') {
        position -= 1;
        fail('"," or "}"');
      }
    }
  }

  const result = value(0);
  skipWhitespace();
  if (position !== text.length) fail('the end of the text');
  return result;
}

export function isExactObject(value: ExactJson | undefined): value is ExactObject {
  return value instanceof Map;
}

export function isDecimal(value: ExactJson | undefined): value is Decimal {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
}
