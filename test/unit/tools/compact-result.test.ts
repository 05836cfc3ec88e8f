// Unit tests for tools/compact-result.ts, tools/result-budget.ts and tools/float-noise.ts: one rule each. Whole-fixture fidelity (every
// value of every Kite mock read back from the table) is in unit/tools/compact-fidelity.test.ts.
import { test, expect } from 'vitest';
import { compactToolResult, DEFAULT_RESULT_BUDGET_CHARS } from '../../../src/tools/compact-result.js';
import { formatNumber, hasUnrepresentableNumber, roundFloatNoise } from '../../../src/tools/float-noise.js';
import { capTableLines, capText } from '../../../src/tools/result-budget.js';

const ROOMY = { maxChars: 1_000_000 };

function compact(value: unknown, options = ROOMY) {
  return compactToolResult(JSON.stringify(value), options);
}

function lines(value: unknown): string[] {
  return compact(value).text.split('\n');
}

test('text that is not JSON passes through unchanged', () => {
  const text = 'Please log in first using the login tool | then retry';
  expect(compactToolResult(text, ROOMY)).toEqual({ text, rowsTotal: undefined, rowsShown: undefined, truncated: false });
});

test('text that is not JSON is cut at the budget and says how many characters are missing', () => {
  const text = 'x'.repeat(500);
  const result = compactToolResult(text, { maxChars: 200 });
  expect(result.truncated).toBe(true);
  expect(result.text.length).toBeLessThanOrEqual(200);
  const [kept, notice] = result.text.split('\n');
  expect(notice).toBe(
    `[truncated: ${500 - (kept ?? '').length} more characters. Ask for fewer with the tool's limit/from arguments or a narrower query.]`,
  );
});

test('an array of records becomes a row count, a header and one row per record in the original order', () => {
  const records = [
    { tradingsymbol: 'INFY', quantity: 10 },
    { tradingsymbol: 'AARON', quantity: 1 },
    { tradingsymbol: 'SBIN', quantity: 16 },
  ];
  const result = compact(records);
  expect(result.text.split('\n')).toEqual(['3 rows; columns separated by "|"', 'tradingsymbol|quantity', 'INFY|10', 'AARON|1', 'SBIN|16']);
  expect(result).toMatchObject({ rowsTotal: 3, rowsShown: 3, truncated: false });
});

test('a column empty in every row is dropped and named; a column with one value keeps its zeros and falses', () => {
  const records = [
    { symbol: 'A', price: 0, type: '', when: '0001-01-01T00:00:00Z', meta: {}, tags: [], note: null, held: false, t1: 0 },
    { symbol: 'B', price: 0, type: '', when: '0001-01-01T00:00:00Z', meta: {}, tags: [], held: false, t1: 5 },
  ];
  expect(lines(records)).toEqual([
    '2 rows; columns separated by "|"',
    'omitted (empty, 0 or false in every row): price, type, when, meta, tags, note, held',
    'symbol|t1',
    'A|0',
    'B|5',
  ]);
});

test('null and absent values are blank while the empty string is written as "" and the rule is stated', () => {
  const records = [
    { symbol: 'A', tag: null, note: '' },
    { symbol: 'B', note: 'x', tag: 'mine' },
  ];
  expect(lines(records)).toEqual([
    '2 rows; columns separated by "|"; blank = null, absent, [] or {}; "" = empty text',
    'symbol|tag|note',
    'A||""',
    'B|mine|x',
  ]);
});

test('separators, backslashes, line breaks and leading quotes or brackets inside text are escaped', () => {
  const records = [{ message: 'a|b;c\\d\ne\rf' }, { message: '"quoted"' }, { message: '[not json' }, { message: '{x' }];
  const [preamble, header, ...rows] = lines(records);
  expect(preamble).toContain('\\ escapes the next character (\\n = line break, \\r = carriage return)');
  expect(header).toBe('message');
  expect(rows).toEqual(['a\\|b\\;c\\\\d\\ne\\rf', '\\"quoted"', '\\[not json', '\\{x']);
});

test('a string that is literally "" is escaped so it cannot be read as empty text', () => {
  expect(lines([{ value: '""' }, { value: '' }]).slice(-2)).toEqual(['\\""', '""']);
});

test('nested objects become dotted columns', () => {
  const records = [{ symbol: 'AARON', mtf: { quantity: 1000, used_quantity: 0, detail: { value: 5 } } }];
  expect(lines(records).slice(-3)).toEqual([
    'omitted (empty, 0 or false in every row): mtf.used_quantity',
    'symbol|mtf.quantity|mtf.detail.value',
    'AARON|1000|5',
  ]);
});

test('an empty object beside rows where the same field has keys is told by its dotted columns, not called omitted', () => {
  const records = [
    { symbol: 'A', meta: {} },
    { symbol: 'B', meta: { iceberg: { legs: 5 } } },
  ];
  expect(lines(records)).toEqual([
    '2 rows; columns separated by "|"; blank = null, absent, [] or {}',
    'symbol|meta.iceberg.legs',
    'A|',
    'B|5',
  ]);
});

test('lists of scalars are joined with ";" with their items escaped', () => {
  const records = [{ trigger_values: [102, 103.7] }, { trigger_values: ['a;b', ''] }];
  const [preamble, , ...rows] = lines(records);
  expect(preamble).toContain('list items separated by ";"');
  expect(rows).toEqual(['102;103.7', 'a\\;b;""']);
});

test('lists of objects inside a record are minified JSON with any "|" written as \\u007c', () => {
  const records = [{ id: 1, orders: [{ price: 702.5000000001, note: 'a|b', result: null }] }];
  const [preamble, , row] = lines(records);
  expect(preamble).toContain('cells starting [ or { are JSON');
  expect(row).toBe('1|[{"price":702.5,"note":"a\\u007cb","result":null}]');
  expect(JSON.parse((row ?? '').slice(2))).toEqual([{ price: 702.5, note: 'a|b', result: null }]);
});

test('float noise is rounded in cells while precise values keep their digits', () => {
  const records = [{ a: 0.5999999999999659, b: 1234.5000000001, c: 801.78125, d: 99725.05000000002, e: 128028676 }];
  expect(lines(records).at(-1)).toBe('0.6|1234.5|801.78125|99725.05|128028676');
});

test('roundFloatNoise strips binary noise but keeps up to six decimals and every integer digit', () => {
  expect(roundFloatNoise(0.1 + 0.2)).toBe(0.3);
  expect(roundFloatNoise(-3.9500000000000455)).toBe(-3.95);
  expect(roundFloatNoise(0.17028522775648244)).toBe(0.1702852278);
  expect(roundFloatNoise(12345678.123456)).toBe(12345678.123456);
  expect(roundFloatNoise(12345678.1234567)).toBe(12345678.123457);
  expect(roundFloatNoise(1953367517640548)).toBe(1953367517640548);
  expect(roundFloatNoise(3.0000000000000004e-7)).toBe(3e-7);
  expect(formatNumber(-0)).toBe('0');
});

test('a paginated result puts the pagination facts on one line above the table of its data', () => {
  const paginated = {
    data: [{ tradingsymbol: 'INFY' }, { tradingsymbol: 'TCS' }],
    pagination: { from: 0, limit: 2, total: 21, has_more: true, returned: 2 },
  };
  const result = compact(paginated);
  expect(result.text.split('\n')).toEqual([
    'pagination: {"from":0,"limit":2,"total":21,"has_more":true,"returned":2}',
    '2 rows; columns separated by "|"',
    'tradingsymbol',
    'INFY',
    'TCS',
  ]);
  expect(result.rowsTotal).toBe(2);
});

test('a paginated result with no data still states its pagination and zero rows', () => {
  const result = compact({ data: [], pagination: { from: 40, limit: 20, total: 21, has_more: false, returned: 0 } });
  expect(result.text).toBe('pagination: {"from":40,"limit":20,"total":21,"has_more":false,"returned":0}\n0 rows.');
  expect(result).toMatchObject({ rowsTotal: 0, rowsShown: 0, truncated: false });
});

test('a map of records keyed by instrument becomes a table with a key column in the original key order', () => {
  const quotes = {
    'NSE:RELIANCE': { last_price: 2801.1, ohlc: { open: 2790, close: 2788.35 } },
    'NSE:INFY': { last_price: 1412.95, ohlc: { open: 1396, close: 1389.65 } },
  };
  expect(lines(quotes)).toEqual([
    '2 rows; columns separated by "|"',
    'key|last_price|ohlc.open|ohlc.close',
    'NSE:RELIANCE|2801.1|2790|2788.35',
    'NSE:INFY|1412.95|1396|1389.65',
  ]);
});

test('records with a field named like the key column stay minified JSON rather than clash', () => {
  const map = { a: { key: 1 }, b: { key: 2 } };
  expect(compact(map).text).toBe('{"a":{"key":1},"b":{"key":2}}');
});

test('records whose field names hold a "." or "|" stay minified JSON, since dotted columns could not be read back', () => {
  expect(compact([{ 'a.b': 1 }]).text).toBe('[{"a.b":1}]');
  expect(compact([{ 'a|b': 1 }]).text).toBe('[{"a|b":1}]');
});

test('other JSON is minified with float noise rounded', () => {
  const profile = { user_id: 'AB1234', meta: { demat_consent: 'physical' }, net: 99725.05000000002, products: ['CNC'] };
  const result = compact(profile);
  expect(result).toEqual({
    text: '{"user_id":"AB1234","meta":{"demat_consent":"physical"},"net":99725.05,"products":["CNC"]}',
    rowsTotal: undefined,
    rowsShown: undefined,
    truncated: false,
  });
});

test('records that are empty in every field are minified JSON rather than a table without columns', () => {
  expect(compact([{ a: 0 }, { a: null }]).text).toBe('[{"a":0},{"a":null}]');
});

test('JSON holding a number JavaScript cannot represent passes through untouched', () => {
  const raw = '[{"order_id":12345678901234567890,"price":0.5999999999999659}]';
  expect(hasUnrepresentableNumber(raw)).toBe(true);
  expect(hasUnrepresentableNumber('{"huge":1e400}')).toBe(true);
  expect(hasUnrepresentableNumber('[{"id":"12345678901234567890","n":9007199254740991,"e":-1.5e-7}]')).toBe(false);
  expect(compactToolResult(raw, ROOMY).text).toBe(raw);
});

test('a "__proto__" key in JSON stays data in the minified form', () => {
  const raw = '{"__proto__":{"polluted":1},"net":0.30000000000000004}';
  expect(compactToolResult(raw, ROOMY).text).toBe('{"__proto__":{"polluted":1},"net":0.3}');
});

test('an over-budget table keeps whole rows from the top and tells the model how many it is missing', () => {
  const records = Array.from({ length: 50 }, (_, index) => ({ tradingsymbol: `STOCK${index}`, quantity: index + 1 }));
  const full = compact(records).text.split('\n');
  const result = compact(records, { maxChars: 300 });
  expect(result.text.length).toBeLessThanOrEqual(300);
  expect(result.truncated).toBe(true);
  expect(result.rowsTotal).toBe(50);
  const shown = result.rowsShown ?? -1;
  expect(shown).toBeGreaterThan(0);
  const kept = result.text.split('\n');
  expect(kept.slice(0, -1)).toEqual(full.slice(0, 2 + shown));
  expect(kept.at(-1)).toBe(
    `[truncated: showing ${shown} of 50 rows. Ask for fewer with the tool's limit/from arguments or a narrower query.]`,
  );
});

test('a table that fits exactly is not truncated', () => {
  const records = [{ a: 1 }, { a: 2 }];
  const text = compact(records).text;
  expect(compact(records, { maxChars: text.length })).toMatchObject({ text, truncated: false, rowsShown: 2 });
  expect(compact(records, { maxChars: text.length - 1 })).toMatchObject({ truncated: true, rowsShown: 0 });
});

test('a budget smaller than the head keeps the head whole and shows no half rows', () => {
  const result = capTableLines(['2 rows; columns separated by "|"', 'a'], ['1', '2'], 10);
  expect(result).toEqual({
    text: `2 rows; columns separated by "|"\na\n[truncated: showing 0 of 2 rows. Ask for fewer with the tool's limit/from arguments or a narrower query.]`,
    rowsShown: 0,
    truncated: true,
  });
});

test('cutting text never splits a surrogate pair', () => {
  const text = '₹'.repeat(10) + '😀'.repeat(200);
  for (let maxChars = 110; maxChars < 130; maxChars += 1) {
    const kept = capText(text, maxChars).text.split('\n')[0] ?? '';
    expect(kept.length).toBeLessThanOrEqual(maxChars);
    expect(/[\ud800-\udbff]$/.test(kept)).toBe(false);
  }
});

test('minified JSON over the budget is cut like text', () => {
  const result = compact({ note: 'y'.repeat(1000) }, { maxChars: 400 });
  expect(result).toMatchObject({ truncated: true, rowsTotal: undefined });
  expect(result.text.length).toBeLessThanOrEqual(400);
  expect(result.text.startsWith('{"note":"yyy')).toBe(true);
});

test('a negative or NaN budget is refused', () => {
  expect(() => compactToolResult('[]', { maxChars: -1 })).toThrow(RangeError);
  expect(() => compactToolResult('x', { maxChars: Number.NaN })).toThrow(RangeError);
});

test('the default budget is a few thousand tokens, not the whole context', () => {
  expect(DEFAULT_RESULT_BUDGET_CHARS).toBeGreaterThanOrEqual(8_000);
  expect(DEFAULT_RESULT_BUDGET_CHARS).toBeLessThanOrEqual(50_000);
});
