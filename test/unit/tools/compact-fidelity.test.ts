// Proves that compaction loses no fact: every Kite mock's `data` (what the server sends) is compacted, read back with
// a parser written here from the table format's rules alone (not from tools/compact-result.ts), and compared leaf by leaf
// with the original. Also checks row counts and order, the "omitted" line's claim, and the size saved on holdings.
import { test, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { compactToolResult, DEFAULT_RESULT_BUDGET_CHARS } from '../../../src/tools/compact-result.js';
import { roundFloatNoise } from '../../../src/tools/float-noise.js';
import { KITE_MOCKS } from '../../support/kite-fixtures.js';

const MOCKS = KITE_MOCKS;
const ZERO_TIME = '0001-01-01T00:00:00Z';

type PlainObject = Record<string, unknown>;
/** A cell read back: blank, a JSON value, or text split into its ';' items (a scalar is a one-item list). */
type Cell = { kind: 'blank' } | { kind: 'json'; value: unknown } | { kind: 'text'; items: string[] };

interface ParsedTable {
  pagination: unknown;
  count: number;
  omitted: string[];
  columns: string[];
  rows: Cell[][];
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (value === ZERO_TIME) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function mockData(file: string): unknown {
  const document: unknown = JSON.parse(readFileSync(new URL(file, MOCKS), 'utf8'));
  return isPlainObject(document) && 'data' in document ? document.data : document; // postback/ticker have no envelope
}

// ---- the independent reader of the table format ----

/** Splits on `separator` where it is not escaped by a backslash; escapes stay in the pieces. */
function splitUnescaped(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] ?? '';
    if (character === '\\') {
      current += character + (text[index + 1] ?? '');
      index += 1;
    } else if (character === separator) {
      pieces.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  pieces.push(current);
  return pieces;
}

function unescapeItem(item: string): string {
  if (item === '""') return '';
  return item.replace(/\\(.)/gs, (_, next: string) => (next === 'n' ? '\n' : next === 'r' ? '\r' : next));
}

function readCell(raw: string): Cell {
  if (raw === '') return { kind: 'blank' };
  if (raw.startsWith('[') || raw.startsWith('{')) return { kind: 'json', value: JSON.parse(raw) };
  return { kind: 'text', items: splitUnescaped(raw, ';').map(unescapeItem) };
}

function readTable(text: string): ParsedTable | undefined {
  const lines = text.split('\n');
  let pagination: unknown;
  if (lines[0]?.startsWith('pagination: ')) pagination = JSON.parse(lines.shift()?.slice('pagination: '.length) ?? '');
  const countMatch = /^(\d+) rows?(?:\.$|; columns separated by "\|")/.exec(lines[0] ?? '');
  if (countMatch === null) return undefined;
  lines.shift();
  const count = Number(countMatch[1]);
  if (count === 0) return { pagination, count, omitted: [], columns: [], rows: [] };
  const omittedPrefix = 'omitted (empty, 0 or false in every row): ';
  const omitted = lines[0]?.startsWith(omittedPrefix) ? (lines.shift() ?? '').slice(omittedPrefix.length).split(', ') : [];
  const columns = (lines.shift() ?? '').split('|');
  const rows = lines.map((line) => splitUnescaped(line, '|').map(readCell));
  return { pagination, count, omitted, columns, rows };
}

/** A row as a nested object again: `mtf.quantity` → { mtf: { quantity } }; blank cells are left out. */
function unflatten(columns: string[], cells: Cell[]): PlainObject {
  const record: PlainObject = {};
  columns.forEach((column, index) => {
    const cell = cells[index];
    if (cell === undefined || cell.kind === 'blank') return;
    const path = column.split('.');
    let target = record;
    for (const part of path.slice(0, -1)) {
      const next = isPlainObject(target[part]) ? target[part] : {};
      target[part] = next;
      target = next as PlainObject;
    }
    target[path.at(-1) ?? ''] = cell;
  });
  return record;
}

// ---- comparison with the original ----

function sameNumber(readBack: number, original: number, where: string): void {
  const rounded = roundFloatNoise(original);
  expect(readBack === rounded, `${where}: read ${readBack}, expected ${rounded}`).toBe(true); // 0 and -0 are one fact
  expect(Math.abs(readBack - original), `${where} moved by more than noise`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(original)),
  );
}

function sameScalarText(item: string | undefined, original: unknown, where: string): void {
  if (typeof original === 'number') {
    expect(item, where).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?$/);
    sameNumber(Number(item), original, where);
  } else if (original === null) {
    expect(item, where).toBe('');
  } else {
    expect(item, where).toBe(typeof original === 'string' ? original : String(original));
  }
}

/** Deep equality of a JSON value read back against the original, numbers after float-noise rounding. */
function sameJson(readBack: unknown, original: unknown, where: string): void {
  if (typeof original === 'number' && typeof readBack === 'number') return sameNumber(readBack, original, where);
  if (Array.isArray(original)) {
    expect(Array.isArray(readBack), where).toBe(true);
    expect((readBack as unknown[]).length, where).toBe(original.length);
    original.forEach((item, index) => sameJson((readBack as unknown[])[index], item, `${where}[${index}]`));
  } else if (isPlainObject(original)) {
    expect(isPlainObject(readBack), where).toBe(true);
    expect(Object.keys(readBack as PlainObject), where).toEqual(Object.keys(original));
    for (const [key, value] of Object.entries(original)) sameJson((readBack as PlainObject)[key], value, `${where}.${key}`);
  } else {
    expect(readBack, where).toEqual(original);
  }
}

function sameLeaf(cell: Cell, original: unknown, where: string): void {
  if (Array.isArray(original) && !original.every((item) => item === null || typeof item !== 'object')) {
    expect(cell.kind, where).toBe('json');
    return sameJson((cell as { value: unknown }).value, original, where);
  }
  expect(cell.kind, where).toBe('text');
  const items = (cell as { items: string[] }).items;
  const expected = Array.isArray(original) ? original : [original];
  expect(items.length, where).toBe(expected.length);
  expected.forEach((item, index) => sameScalarText(items[index], item, `${where}[${index}]`));
}

/** Walks the original record: non-empty leaves must read back equal; empty ones may be blank, omitted or equal. */
function compareRecord(readBack: PlainObject, original: PlainObject, table: ParsedTable, prefix: string, where: string): void {
  for (const [key, value] of Object.entries(original)) {
    const column = prefix === '' ? key : `${prefix}.${key}`;
    const found = readBack[key];
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      compareRecord(isPlainObject(found) ? found : {}, value, table, column, where);
      continue;
    }
    const place = `${where} ${column}`;
    const told =
      table.columns.includes(column) ||
      table.omitted.includes(column) ||
      (isEmpty(value) && table.columns.some((shown) => shown.startsWith(`${column}.`))); // {} here, keys elsewhere
    expect(told, `${place} is neither shown nor omitted`).toBe(true);
    if (found === undefined) {
      expect(isEmpty(value), `${place} = ${JSON.stringify(value)} was lost`).toBe(true);
    } else {
      sameLeaf(found as Cell, value, place);
    }
  }
}

function valueAt(record: PlainObject, column: string): unknown {
  return column.split('.').reduce<unknown>((value, part) => (isPlainObject(value) ? value[part] : undefined), record);
}

function expectFaithful(data: unknown, text: string, file: string): void {
  const table = readTable(text);
  if (table === undefined) return sameJson(JSON.parse(text), data, file);

  const isMap = !Array.isArray(data);
  const originals = (isMap ? Object.values(data as PlainObject) : data) as PlainObject[];
  const keys = isMap ? Object.keys(data as PlainObject) : [];
  expect(table.count, `${file} row count`).toBe(originals.length);
  expect(table.rows.length, `${file} rows read back`).toBe(originals.length);

  table.rows.forEach((cells, index) => {
    const original = originals[index] ?? {};
    expect(cells.length, `${file} row ${index} cell count`).toBe(table.columns.length);
    const readBack = unflatten(table.columns, cells);
    if (isMap) {
      expect(readBack.key, `${file} row ${index} key`).toEqual({ kind: 'text', items: [keys[index]] });
      delete readBack.key;
    }
    compareRecord(readBack, original, table, '', `${file} row ${index}`);
    // Nothing invented: a shown value sits where the original has one.
    table.columns.forEach((column, at) => {
      if (cells[at]?.kind === 'blank' || (isMap && column === 'key')) return;
      expect(valueAt(original, column), `${file} row ${index} ${column} invented`).not.toBeUndefined();
    });
  });
  // The "omitted" line tells the truth: those columns are empty in every row.
  for (const column of table.omitted) {
    for (const original of originals) expect(isEmpty(valueAt(original, column)), `${file} ${column}`).toBe(true);
  }
}

const fixtures = readdirSync(MOCKS).filter((file) => file.endsWith('.json')).sort();

test('the Kite mocks are all there to check', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(50);
});

test.each(fixtures)('every non-empty value of %s can be read back from its compact form', (file) => {
  const data = mockData(file);
  const result = compactToolResult(JSON.stringify(data), { maxChars: DEFAULT_RESULT_BUDGET_CHARS });
  expect(result.truncated).toBe(false);
  expectFaithful(data, result.text, file);
});

const recordArrays = fixtures.filter((file) => {
  const data = mockData(file);
  return Array.isArray(data) && data.length > 0 && data.every(isPlainObject);
});

test.each(recordArrays)('%s read back from a paginated result keeps its pagination facts and rows', (file) => {
  const data = mockData(file) as PlainObject[];
  const pagination = { from: 0, limit: data.length, total: data.length + 7, has_more: true, returned: data.length };
  const result = compactToolResult(JSON.stringify({ data, pagination }), { maxChars: DEFAULT_RESULT_BUDGET_CHARS });
  const table = readTable(result.text);
  expect(table?.pagination).toEqual(pagination);
  expectFaithful(data, result.text, file);
});

test('the mocks exercise every table shape: record arrays, keyed maps and other JSON', () => {
  const shapes = new Set(
    fixtures.map((file) => {
      const data = mockData(file);
      const table = readTable(compactToolResult(JSON.stringify(data), { maxChars: DEFAULT_RESULT_BUDGET_CHARS }).text);
      return table === undefined ? 'json' : Array.isArray(data) ? 'array' : 'map';
    }),
  );
  expect([...shapes].sort()).toEqual(['array', 'json', 'map']);
});

test('a truncated table is a faithful prefix: whole rows from the top, each readable', () => {
  const data = mockData('holdings_compact.json') as PlainObject[];
  const result = compactToolResult(JSON.stringify(data), { maxChars: 400 });
  expect(result.truncated).toBe(true);
  const lines = result.text.split('\n');
  expect(lines.pop()).toMatch(new RegExp(`^\\[truncated: showing ${result.rowsShown} of ${data.length} rows\\.`));
  const shown = result.rowsShown ?? 0;
  expect(shown).toBeGreaterThan(0);
  const table = readTable(lines.join('\n'));
  expect(table?.rows.length).toBe(shown);
  // Read the prefix as if it were the whole answer for the first `shown` records.
  expectFaithful(data.slice(0, shown), lines.join('\n').replace(/^\d+ rows/, `${shown} rows`), 'holdings_compact prefix');
});

test('the compact form of holdings.json is much smaller than the JSON the server sends', () => {
  const data = mockData('holdings.json');
  const sent = JSON.stringify(data);
  const compact = compactToolResult(sent, { maxChars: DEFAULT_RESULT_BUDGET_CHARS }).text;
  expect(compact.length / sent.length).toBeLessThan(0.7);
});
