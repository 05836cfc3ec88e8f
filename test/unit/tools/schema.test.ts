// Unit tests for src/tools/schema.ts (and the tools/json-schema.ts it uses): the real Kite catalog against a committed golden
// file, the conversion rules one by one, argument checking, and result narrowing.
// Regenerate the golden file after a deliberate change: UPDATE_GOLDEN=1 npx vitest run test/unit/tools/schema.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect } from 'vitest';
import { parseToolArguments, toOpenAITools, toolResultText, type ToolEntry } from '../../../src/tools/schema.js';
import type { Tool } from '../../../src/tools/tool.js';
import { KITE_FIXTURES } from '../../support/kite-fixtures.js';

const KITE_TOOLS_URL = new URL('tools.json', KITE_FIXTURES);
const GOLDEN_URL = new URL('../../fixtures/openai-tools.golden.json', import.meta.url);

function kiteTools(): Tool[] {
  const listed = JSON.parse(readFileSync(KITE_TOOLS_URL, 'utf8')) as Array<Tool & { writes?: boolean }>;
  return listed.map(({ writes: _writes, ...tool }) => tool); // `writes` is our annotation, not the server's
}

function kiteEntry(name: string): ToolEntry {
  const entry = toOpenAITools(kiteTools()).find((candidate) => candidate.serverName === name);
  if (entry === undefined) throw new Error(`no Kite tool ${name}`);
  return entry;
}

function parametersOf(tool: Partial<Tool>): Record<string, unknown> {
  const [entry] = toOpenAITools([{ name: 'probe', inputSchema: {}, ...tool }]);
  if (entry === undefined) throw new Error('no entry');
  expect(entry.definition.function.parameters).toEqual(entry.inputSchema);
  return entry.inputSchema;
}

function property(schema: Record<string, unknown>, name: string): Record<string, unknown> {
  return (schema.properties as Record<string, Record<string, unknown>>)[name] ?? {};
}

/** The schema with every `description` keyword taken out, at any depth. */
function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'description').map(([key, value]) => [key, withoutDescriptions(value)]));
}

function arraysWithoutItems(node: unknown, path = 'parameters'): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const own = !Array.isArray(node) && [(node as { type?: unknown }).type].flat().includes('array') && !('items' in node)
    ? [path] : [];
  return [...own, ...Object.entries(node).flatMap(([key, child]) => arraysWithoutItems(child, `${path}.${key}`))];
}

// --- the real Kite catalog -------------------------------------------------------------------------------------------

test('the Kite catalog converts to exactly the committed golden OpenAI definitions', () => {
  const definitions = toOpenAITools(kiteTools()).map((entry) => entry.definition);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN_URL, `${JSON.stringify(definitions, null, 2)}\n`);
  expect(definitions).toEqual(JSON.parse(readFileSync(GOLDEN_URL, 'utf8')));
});

test('all 22 Kite tools keep their names, map back to themselves and are not strict', () => {
  const entries = toOpenAITools(kiteTools());
  expect(entries).toHaveLength(22);
  expect(entries.map((entry) => entry.definition.function.name)).toEqual(kiteTools().map((tool) => tool.name));
  for (const entry of entries) {
    expect(entry.serverName).toBe(entry.definition.function.name);
    expect(entry.definition.type).toBe('function');
    expect('strict' in entry.definition.function).toBe(false);
  }
});

test("Kite's string quantity default becomes the number 1 in place_order and modify_order", () => {
  for (const name of ['place_order', 'modify_order']) {
    const quantity = property(kiteEntry(name).inputSchema, 'quantity');
    expect(quantity).toEqual({ type: 'number', default: 1, minimum: 1 }); // "Quantity" said no more than the name
  }
});

test('every array in the converted Kite catalog has an items schema', () => {
  const entries = toOpenAITools(kiteTools());
  expect(entries.flatMap((entry) => arraysWithoutItems(entry.definition.function.parameters))).toEqual([]);
  expect(property(kiteEntry('get_ltp').inputSchema, 'instruments').items).toEqual({ type: 'string' });
});

test('apart from the quantity default and the shortened descriptions, every Kite schema passes through unchanged', () => {
  // What the descriptions became, and that they keep their facts: concise-texts.test.ts.
  const tools = kiteTools();
  toOpenAITools(tools).forEach((entry, index) => {
    const original = structuredClone(tools[index]!);
    const quantity = property(original.inputSchema, 'quantity');
    if (quantity.default === '1') quantity.default = 1;
    expect(withoutDescriptions(entry.inputSchema)).toEqual(withoutDescriptions(original.inputSchema));
  });
});

// --- names and descriptions ------------------------------------------------------------------------------------------

test('invalid characters in a name become underscores and the server name is kept for the way back', () => {
  const [entry] = toOpenAITools([{ name: 'kite.get holdings/v2', inputSchema: {} }]);
  expect(entry?.definition.function.name).toBe('kite_get_holdings_v2');
  expect(entry?.serverName).toBe('kite.get holdings/v2');
});

test('a name longer than 64 characters is cut and given the same hash suffix on every run', () => {
  const long = `${'a'.repeat(70)}_tool`;
  const first = toOpenAITools([{ name: long, inputSchema: {} }])[0]?.definition.function.name ?? '';
  const again = toOpenAITools([{ name: 'other', inputSchema: {} }, { name: long, inputSchema: {} }])[1];
  expect(first).toMatch(/^a{55}_[0-9a-f]{8}$/);
  expect(again?.definition.function.name).toBe(first);
});

test('names that collide after sanitising get distinct names, and a valid name is never the one renamed', () => {
  const entries = toOpenAITools([
    { name: 'get.quotes', inputSchema: {} },
    { name: 'get/quotes', inputSchema: {} },
    { name: 'get_quotes', inputSchema: {} },
  ]);
  const names = entries.map((entry) => entry.definition.function.name);
  expect(names[2]).toBe('get_quotes');
  expect(new Set(names).size).toBe(3);
  for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  expect(entries.map((entry) => entry.serverName)).toEqual(['get.quotes', 'get/quotes', 'get_quotes']);
});

test('a tool listed twice under the same name is offered once, as first listed', () => {
  const entries = toOpenAITools([
    { name: 'get_margins', description: 'first', inputSchema: {} },
    { name: 'get_margins', description: 'second', inputSchema: {} },
  ]);
  expect(entries.map((entry) => entry.definition.function.description)).toEqual(['first']);
});

test('an empty or all-unicode name still yields a valid function name', () => {
  const names = toOpenAITools([{ name: '', inputSchema: {} }, { name: '株価', inputSchema: {} }])
    .map((entry) => entry.definition.function.name);
  expect(names).toEqual(['tool', '__']);
});

test('descriptions are trimmed, capped at 1024 characters, and left out when blank', () => {
  const entries = toOpenAITools([
    { name: 'a', description: '  Get margins \n', inputSchema: {} },
    { name: 'b', description: 'x'.repeat(5000), inputSchema: {} },
    { name: 'c', description: '   ', inputSchema: {} },
    { name: 'd', inputSchema: {} },
  ]);
  const descriptions = entries.map((entry) => entry.definition.function.description);
  expect(descriptions[0]).toBe('Get margins');
  expect(descriptions[1]).toHaveLength(1024);
  expect(descriptions[1]?.endsWith('…')).toBe(true);
  expect(entries.slice(2).map((entry) => 'description' in entry.definition.function)).toEqual([false, false]);
});

// --- parameters --------------------------------------------------------------------------------------------------------

test('a schema without properties or type becomes an object schema with empty properties', () => {
  expect(parametersOf({ inputSchema: {} })).toEqual({ type: 'object', properties: {} });
  expect(parametersOf({ inputSchema: { type: 'object' } })).toEqual({ type: 'object', properties: {} });
});

test('a root that is not an object schema is replaced by an empty object schema, keeping its description', () => {
  expect(parametersOf({ inputSchema: { type: 'string', description: 'A symbol' } }))
    .toEqual({ type: 'object', properties: {}, description: 'A symbol' });
  expect(parametersOf({ inputSchema: [] as unknown as Record<string, unknown> })).toEqual({ type: 'object', properties: {} });
});

test('local $refs to $defs and definitions are inlined, and a description beside the $ref wins', () => {
  const schema = parametersOf({
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:probe',
      $comment: 'generated',
      type: 'object',
      properties: { leg: { $ref: '#/$defs/Leg', description: 'The upper leg' }, side: { $ref: '#/definitions/Side' } },
      $defs: { Leg: { type: 'object', description: 'A leg', properties: { price: { type: 'number' } } } },
      definitions: { Side: { type: 'string', enum: ['BUY', 'SELL'] } },
    },
  });
  expect(schema).toEqual({
    type: 'object',
    properties: {
      leg: { type: 'object', description: 'The upper leg', properties: { price: { type: 'number' } } },
      side: { type: 'string', enum: ['BUY', 'SELL'] },
    },
  });
});

test('a recursive $ref is expanded once and then cut with an explanatory description', () => {
  const schema = parametersOf({
    inputSchema: {
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' } },
      $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } },
    },
  });
  const child = property(property(schema, 'root'), 'child');
  expect(child.description).toMatch(/Recursive reference #\/\$defs\/Node not expanded/);
  expect(Object.keys(child)).toEqual(['description']);
});

test('an unresolvable $ref becomes an accept-anything schema that says so', () => {
  const schema = parametersOf({
    inputSchema: { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' }, b: { $ref: '#/$defs/Gone' } } },
  });
  expect(property(schema, 'a')).toEqual({ description: 'Unresolved reference https://example.com/a.json; any value is accepted.' });
  expect(property(schema, 'b').description).toMatch(/Unresolved reference #\/\$defs\/Gone/);
});

test('required lists only properties that exist, and arrays without items get items {}', () => {
  const schema = parametersOf({
    inputSchema: {
      type: 'object',
      properties: { symbols: { type: 'array' }, either: { type: ['string', 'array'] } },
      required: ['symbols', 'ghost', 'symbols'],
    },
  });
  expect(schema.required).toEqual(['symbols']);
  expect(property(schema, 'symbols')).toEqual({ type: 'array', items: {} });
  expect(property(schema, 'either')).toEqual({ type: ['string', 'array'], items: {} });
  expect(parametersOf({ inputSchema: { properties: {}, required: ['ghost'] } })).toEqual({ type: 'object', properties: {} });
});

test('defaults of the wrong type are converted when they parse cleanly and dropped when they do not', () => {
  const schema = parametersOf({
    inputSchema: {
      properties: {
        oi: { type: 'boolean', default: 'false' },
        limit: { type: 'integer', default: '2.5' },
        name: { type: 'string', default: 7 },
        exchange: { type: 'string', enum: ['NSE', 'BSE'], default: 'NYSE' },
        price: { type: 'number', default: 'ten' },
      },
    },
  });
  expect(property(schema, 'oi').default).toBe(false);
  expect(property(schema, 'name').default).toBe('7');
  for (const name of ['limit', 'exchange', 'price']) expect('default' in property(schema, name)).toBe(false);
});

test('draft-4 bounds, OpenAPI nullable and tuple items are rewritten in forms OpenAI accepts', () => {
  const schema = parametersOf({
    inputSchema: {
      properties: {
        price: { type: 'number', minimum: 0, exclusiveMinimum: true },
        note: { type: 'string', nullable: true },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
      },
    },
  });
  expect(property(schema, 'price')).toEqual({ type: 'number', exclusiveMinimum: 0 });
  expect(property(schema, 'note')).toEqual({ type: ['string', 'null'] });
  expect(property(schema, 'pair')).toEqual({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } });
});

test('a schema nested deeper than twelve levels is cut there with a description', () => {
  let nested: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < 20; level += 1) nested = { type: 'object', properties: { next: nested } };
  let node = parametersOf({ inputSchema: nested });
  let depth = 0;
  while (node.properties !== undefined) {
    node = property(node, 'next');
    depth += 1;
  }
  expect(depth).toBe(13);
  expect(node).toEqual({ description: 'Schema cut here: nested too deeply or too large. Any value is accepted.' });
});

test('definitions that would expand exponentially are cut off at a bounded size', () => {
  const $defs = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`D${index}`,
    { type: 'object', properties: { left: { $ref: `#/$defs/D${index + 1}` }, right: { $ref: `#/$defs/D${index + 1}` } } }]));
  const schema = parametersOf({ inputSchema: { $ref: '#/$defs/D0', $defs } });
  const size = JSON.stringify(schema).length;
  expect(size).toBeGreaterThan(10_000); // it did expand…
  expect(size).toBeLessThan(100_000); // …but 2^12 leaves would be far larger
  expect(JSON.stringify(schema)).toContain('Schema cut here');
});

test('conversion leaves the input tool untouched', () => {
  const tools = kiteTools();
  const before = structuredClone(tools);
  toOpenAITools(tools);
  expect(tools).toEqual(before);
});

// --- parseToolArguments -------------------------------------------------------------------------------------------------

const PLACE_ORDER = { variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY',
  quantity: 10, product: 'CNC', order_type: 'MARKET' };

test('valid arguments come back exactly as sent, with no defaults filled in', () => {
  const parsed = parseToolArguments(JSON.stringify(PLACE_ORDER), kiteEntry('place_order').inputSchema);
  expect(parsed).toEqual({ ok: true, value: PLACE_ORDER });
});

test('an empty argument string means {}, which still has to satisfy required properties', () => {
  expect(parseToolArguments('', kiteEntry('get_holdings').inputSchema)).toEqual({ ok: true, value: {} });
  expect(parseToolArguments('  \n', kiteEntry('get_margins').inputSchema)).toEqual({ ok: true, value: {} });
  expect(parseToolArguments('', kiteEntry('get_order_history').inputSchema)).toEqual({
    ok: false, error: "Argument 'order_id' is required but missing. Call the tool again with corrected arguments.",
  });
});

test('invalid JSON is refused with the parser message and a request to call again', () => {
  const parsed = parseToolArguments('{"limit": 5', kiteEntry('get_holdings').inputSchema);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.error).toMatch(/^Arguments were not valid JSON: \S.*[^.]\. Call again with a JSON object\.$/);
});

test('JSON that is not an object is refused, naming what it was', () => {
  const schema = kiteEntry('get_holdings').inputSchema;
  expect(parseToolArguments('[1, 2]', schema)).toEqual({
    ok: false, error: 'Arguments must be a JSON object, got an array. Call again with a JSON object.',
  });
  for (const raw of ['null', '"x"', '5', 'true']) expect(parseToolArguments(raw, schema).ok).toBe(false);
});

test('a numeric string for a number is refused, because Kite would silently turn it into 0 or 1', () => {
  const parsed = parseToolArguments(JSON.stringify({ ...PLACE_ORDER, quantity: '10' }), kiteEntry('place_order').inputSchema);
  expect(parsed).toEqual({
    ok: false,
    error: 'Argument \'quantity\' must be a number, got string "10". Call the tool again with corrected arguments.',
  });
  const boolean = parseToolArguments('{"instrument_token":1,"from_date":"a","to_date":"b","interval":"day","oi":"true"}',
    kiteEntry('get_historical_data').inputSchema);
  expect(boolean.ok ? '' : boolean.error).toMatch(/^Argument 'oi' must be a boolean, got string "true"\./);
});

test('missing required arguments are named together', () => {
  const parsed = parseToolArguments('{"order_id":"1"}', kiteEntry('cancel_order').inputSchema);
  expect(parsed.ok ? '' : parsed.error).toBe("Argument 'variety' is required but missing. Call the tool again with corrected arguments.");
  const none = parseToolArguments('{}', kiteEntry('cancel_order').inputSchema);
  expect(none.ok ? '' : none.error).toMatch(/^Arguments 'variety' and 'order_id' are required but missing\./);
});

test('enum, minimum and maxLength violations are each named with what was expected', () => {
  const raw = JSON.stringify({ ...PLACE_ORDER, exchange: 'NYSE', quantity: 0, tag: 'x'.repeat(21) });
  const parsed = parseToolArguments(raw, kiteEntry('place_order').inputSchema);
  expect(parsed.ok ? '' : parsed.error).toBe([
    'Argument \'exchange\' must be one of "NSE", "BSE", "MCX", "NFO", "BFO", got string "NYSE".',
    "Argument 'quantity' must be at least 1, got 0.",
    "Argument 'tag' must be at most 20 characters long, got 21.",
    'Call the tool again with corrected arguments.',
  ].join(' '));
});

test('array items and nested objects are checked, and errors give the full path', () => {
  const schema = parametersOf({
    inputSchema: {
      properties: {
        instruments: { type: 'array', items: { type: 'string' } },
        order: { type: 'object', required: ['legs'],
          properties: { legs: { type: 'array', items: { type: 'object', properties: { price: { type: 'integer' } } } } } },
      },
    },
  });
  const parsed = parseToolArguments('{"instruments":["NSE:INFY",5],"order":{"legs":[{"price":1},{"price":1.5}]}}', schema);
  expect(parsed.ok ? '' : parsed.error).toBe([
    "Argument 'instruments[1]' must be a string, got number 5.",
    "Argument 'order.legs[1].price' must be an integer, got number 1.5.",
    'Call the tool again with corrected arguments.',
  ].join(' '));
  expect(parseToolArguments('{"order":{}}', schema).ok ? '' : 'refused').toBe('refused');
});

test('type unions and anyOf accept any listed form and refuse the rest', () => {
  const schema = parametersOf({
    inputSchema: { properties: { note: { type: ['string', 'null'] }, size: { anyOf: [{ type: 'integer' }, { enum: ['all'] }] } } },
  });
  expect(parseToolArguments('{"note":null,"size":"all"}', schema).ok).toBe(true);
  expect(parseToolArguments('{"note":"x","size":3}', schema).ok).toBe(true);
  const refused = parseToolArguments('{"note":1,"size":"some"}', schema);
  expect(refused.ok ? '' : refused.error).toMatch(
    /^Argument 'note' must be a string or null, got number 1\. Argument 'size' matches none of its allowed forms;/);
});

test('an argument the schema does not declare is refused, naming the accepted ones, unless the schema lets extras in', () => {
  const kite = parseToolArguments('{"limit":5,"extra":true}', kiteEntry('get_holdings').inputSchema);
  expect(kite.ok ? '' : kite.error).toMatch(/^Argument 'extra' is not accepted \(accepted: from, limit\)\. Call the tool again/);
  const closed = parametersOf({ inputSchema: { properties: { limit: { type: 'number' } }, additionalProperties: false } });
  const parsed = parseToolArguments('{"limit":5,"extra":true}', closed);
  expect(parsed.ok ? '' : parsed.error).toMatch(/^Argument 'extra' is not accepted \(accepted: limit\)\./);
  const open = parametersOf({ inputSchema: { properties: { limit: { type: 'number' } }, additionalProperties: { type: 'string' } } });
  expect(parseToolArguments('{"limit":5,"extra":"yes"}', open).ok).toBe(true);
  const noArguments = parseToolArguments('{"verbose":true}', parametersOf({ inputSchema: { type: 'object' } }));
  expect(noArguments.ok ? '' : noArguments.error).toMatch(/^Argument 'verbose' is not accepted \(none are accepted\)\./);
});

test('a key that differs from a declared key only in case is refused even where extra keys are allowed', () => {
  const orders = parametersOf({ inputSchema: { type: 'object', properties: { mode: { type: 'string', enum: ['list', 'place'] } }, required: ['mode'], additionalProperties: true } });
  const parsed = parseToolArguments('{"mode":"list","Mode":"place"}', orders);
  expect(parsed.ok ? '' : parsed.error).toBe(
    "Argument 'Mode' is not accepted: argument names are case-sensitive and the tool declares 'mode'; send 'mode' once, spelled exactly so, and no other spelling of it. Call the tool again with corrected arguments.",
  );
  const nested = parametersOf({ inputSchema: { properties: { leg: { type: 'object', properties: { price: { type: 'number' } } } } } });
  const inner = parseToolArguments('{"leg":{"price":1,"PRICE":2}}', nested);
  expect(inner.ok ? '' : inner.error).toMatch(/^Argument 'leg\.PRICE' is not accepted: .* declares 'leg\.price'/);
});

test('keys declared only in a union branch are accepted, and a free-form nested object takes any key', () => {
  const union = parametersOf({ inputSchema: { type: 'object', anyOf: [{ properties: { a: { type: 'number' } }, required: ['a'] }, { properties: { b: { type: 'number' } }, required: ['b'] }] } });
  expect(parseToolArguments('{"a":1}', union).ok).toBe(true);
  expect(parseToolArguments('{"b":2}', union).ok).toBe(true);
  expect(parseToolArguments('{"c":3}', union).ok).toBe(false);
  const allOf = parametersOf({ inputSchema: { type: 'object', allOf: [{ properties: { a: { type: 'number' } } }, { properties: { b: { type: 'number' } } }] } });
  expect(parseToolArguments('{"a":1,"b":2}', allOf).ok).toBe(true);
  const freeForm = parametersOf({ inputSchema: { properties: { tags: { type: 'object' } } } });
  expect(parseToolArguments('{"tags":{"anything":1}}', freeForm).ok).toBe(true);
});

test('at most five problems are listed, with a count of the rest', () => {
  const properties = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`p${index}`, { type: 'number' }]));
  const raw = JSON.stringify(Object.fromEntries(Object.keys(properties).map((name) => [name, 'x'])));
  const parsed = parseToolArguments(raw, parametersOf({ inputSchema: { properties } }));
  expect(parsed.ok ? '' : parsed.error).toMatch(/Argument 'p4'[^]*\(3 more not shown\.\) Call the tool again with corrected arguments\.$/);
  expect(parsed.ok ? '' : parsed.error).not.toMatch(/'p5'/);
});

// --- toolResultText --------------------------------------------------------------------------------------------------------

test('text items are joined with newlines', () => {
  expect(toolResultText({ content: [{ type: 'text', text: '[{"tradingsymbol":"INFY"}]' }, { type: 'text', text: 'page 1' }] }))
    .toBe('[{"tradingsymbol":"INFY"}]\npage 1');
});

test('images, audio, resources and unknown content become one-line placeholders', () => {
  const text = toolResultText({
    content: [
      { type: 'image', mimeType: 'image/png' },
      { type: 'audio', mimeType: 'audio/wav' },
      { type: 'resource', resource: { uri: 'file:///report.csv', text: 'symbol,qty' } },
      { type: 'resource', resource: { uri: 'file:///chart.pdf', mimeType: 'application/pdf' } },
      { type: 'resource_link', uri: 'https://kite.zerodha.com/x' },
      { type: 'hologram' },
    ],
  });
  expect(text.split('\n')).toEqual([
    '[image: image/png]', '[audio: audio/wav]', 'symbol,qty', '[resource: file:///chart.pdf]',
    '[resource: https://kite.zerodha.com/x]', '[hologram content]',
  ]);
});

test('a result with no content, or only empty text, says the tool returned no content', () => {
  expect(toolResultText({})).toBe('(tool returned no content)');
  expect(toolResultText({ content: [] })).toBe('(tool returned no content)');
  expect(toolResultText({ isError: true, content: [{ type: 'text', text: '' }] })).toBe('(tool returned no content)');
});

test('an error result is narrowed to its text without a prefix; the caller marks errors', () => {
  expect(toolResultText({ isError: true, content: [{ type: 'text', text: 'Please log in first using the login tool' }] }))
    .toBe('Please log in first using the login tool');
});
