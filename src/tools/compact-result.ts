/**
 * Kite tool results made small for the model without losing a fact. Arrays of records (bare, inside
 * {"data","pagination"}, or a map keyed "NSE:INFY") become one `|`-separated table; other JSON is minified; float
 * noise is rounded (tools/float-noise.ts); the size cap is tools/result-budget.ts. Text that is not JSON passes through.
 * Pure: text in, text out.
 */
import { formatNumber, hasUnrepresentableNumber, roundNumbersDeep } from './float-noise.js';
import { capTableLines, capText, DEFAULT_RESULT_BUDGET_CHARS } from './result-budget.js';
import { isRecord, tryParseJson } from '../json.js';

export { DEFAULT_RESULT_BUDGET_CHARS };

/** Go's zero time.Time (SERVER.md §3): Kite's way of saying "no date", so a column of nothing else says nothing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
/** Column names are joined with '.' and cells with '|', escaped with '\'; a key holding one could not be read back. */
const USABLE_KEY = /^[^.|\\\r\n]+$/;
/** The column that carries a map's keys ("NSE:INFY"); a record with its own field of that name stays JSON. */
const KEY_COLUMN = 'key';
/** The table's first line names only the rules its cells use, so the usual table costs one short line to explain. */
const RULE_TEXT = {
  list: 'list items separated by ";"',
  blank: 'blank = null, absent, [] or {}',
  emptyText: '"" = empty text',
  json: 'cells starting [ or { are JSON',
  escape: '\\ escapes the next character (\\n = line break, \\r = carriage return)',
} as const;

type Rule = keyof typeof RULE_TEXT;

interface CompactOptions {
  /** The size budget in characters; the returned text stays within it unless a table's head alone is larger. */
  maxChars: number;
}

interface CompactResult {
  text: string;
  /** Rows in the result when it became a table; undefined for any other shape. */
  rowsTotal: number | undefined;
  rowsShown: number | undefined;
  truncated: boolean;
}

type PlainObject = Record<string, unknown>;

/** Where a table's rows come from: the records, the map keys when it was a map, pagination facts when paginated. */
interface TableSource {
  records: readonly PlainObject[];
  keys?: readonly string[];
  pagination?: PlainObject;
}

interface TableLines {
  head: string[];
  rows: string[];
}

export function compactToolResult(rawText: string, options: CompactOptions): CompactResult {
  const parsed = parseJson(rawText);
  if (parsed === undefined) return notTable(capText(rawText, options.maxChars));

  const source = tableSource(parsed.value);
  const table = source === undefined ? undefined : tableLines(source);
  if (table === undefined) return notTable(capText(JSON.stringify(roundNumbersDeep(parsed.value)), options.maxChars));

  const capped = capTableLines(table.head, table.rows, options.maxChars);
  return { text: capped.text, rowsTotal: table.rows.length, rowsShown: capped.rowsShown, truncated: capped.truncated };
}

function notTable(capped: { text: string; truncated: boolean }): CompactResult {
  return { text: capped.text, rowsTotal: undefined, rowsShown: undefined, truncated: capped.truncated };
}

/** The parsed value, or undefined for text that is not JSON or whose integers JavaScript would change. */
function parseJson(text: string): { value: unknown } | undefined {
  const value = tryParseJson(text); // undefined only for text that is not JSON: JSON.parse never gives undefined
  if (value === undefined) return undefined;
  return hasUnrepresentableNumber(text) ? undefined : { value };
}

function isRecordArray(value: unknown): value is PlainObject[] {
  return Array.isArray(value) && value.every(isRecord);
}

function tableSource(value: unknown): TableSource | undefined {
  if (isRecordArray(value)) return { records: value };
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const { data, pagination } = value;
  if (keys.length === 2 && isRecordArray(data) && isRecord(pagination)) return { records: data, pagination };
  const records = Object.values(value);
  if (keys.length > 0 && records.every(isRecord)) return { records, keys };
  return undefined;
}

/** Nested objects become dotted columns (mtf.quantity); false when a key could not be read back unambiguously. */
function flattenInto(record: PlainObject, prefix: string, row: Map<string, unknown>): boolean {
  for (const [key, value] of Object.entries(record)) {
    if (!USABLE_KEY.test(key)) return false;
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isRecord(value) && Object.keys(value).length > 0) {
      if (!flattenInto(value, name, row)) return false;
    } else {
      if (row.has(name)) return false; // only the map's own key column can clash
      row.set(name, value);
    }
  }
  return true;
}

/** What a column may hold in every row and still say nothing worth a column. */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (value === ZERO_TIME) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Undefined when the records cannot make a faithful table (an unusable key, or no column with a value). */
function tableLines(source: TableSource): TableLines | undefined {
  const rows: Map<string, unknown>[] = [];
  for (const [index, record] of source.records.entries()) {
    const row = new Map<string, unknown>();
    const key = source.keys?.[index];
    if (key !== undefined) row.set(KEY_COLUMN, key);
    if (!flattenInto(record, '', row)) return undefined;
    rows.push(row);
  }

  const head: string[] = [];
  if (source.pagination !== undefined) head.push(`pagination: ${JSON.stringify(roundNumbersDeep(source.pagination))}`);
  if (rows.length === 0) return { head: [...head, '0 rows.'], rows: [] };

  const columns = [...new Set(rows.flatMap((row) => [...row.keys()]))];
  const shown = columns.filter((column) => rows.some((row) => !isEmptyValue(row.get(column))));
  // A {} beside rows where the same field has keys is told by its dotted columns, not listed as "empty in every row".
  const omitted = columns.filter(
    (column) => !shown.includes(column) && !shown.some((other) => other.startsWith(`${column}.`)),
  );
  if (shown.length === 0) return undefined;

  const rules = new Set<Rule>();
  const rowLines = rows.map((row) => shown.map((column) => cellText(row.get(column), rules)).join('|'));
  const used = (Object.keys(RULE_TEXT) as Rule[]).filter((rule) => rules.has(rule)).map((rule) => RULE_TEXT[rule]);
  head.push([`${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`, 'columns separated by "|"', ...used].join('; '));
  if (omitted.length > 0) head.push(`omitted (empty, 0 or false in every row): ${omitted.join(', ')}`);
  head.push(shown.join('|'));
  return { head, rows: rowLines };
}

/** Text that cannot be mistaken for a separator, an escape, "" or a JSON cell. */
function escapeText(text: string, rules: Set<Rule>): string {
  const escaped = text
    .replace(/[\\|;]/g, '\\$&')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/^["[{]/, '\\$&');
  if (escaped !== text) rules.add('escape');
  return escaped;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function scalarText(value: unknown, rules: Set<Rule>): string {
  if (typeof value === 'string' && value === '') rules.add('emptyText');
  if (typeof value === 'string') return value === '' ? '""' : escapeText(value, rules);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  rules.add('blank'); // null and absent
  return '';
}

/** Minified JSON needs no escaping but a '|' inside a string, which JSON itself can write as \u007c. */
function jsonCell(value: unknown, rules: Set<Rule>): string {
  rules.add('json');
  return JSON.stringify(roundNumbersDeep(value)).replace(/\|/g, '\\u007c');
}

/** Scalars as themselves, lists of scalars joined with ';', anything deeper (orders[], depth.buy) as minified JSON. */
function cellText(value: unknown, rules: Set<Rule>): string {
  if (Array.isArray(value) && value.length === 0) return scalarText(null, rules);
  if (Array.isArray(value) && value.every(isScalar)) {
    rules.add('list');
    return value.map((item) => scalarText(item, rules)).join(';');
  }
  if (Array.isArray(value)) return jsonCell(value, rules);
  if (isRecord(value)) return scalarText(null, rules); // only {} reaches here: the rest was flattened
  return scalarText(value, rules);
}
