// Server tool texts in fewer words (src/tools/concise-texts.ts, applied by toOpenAITools): on the real Kite catalog
// every enum, required list, default, bound and type survives, and so does every fact a description gives for calling
// the tool (numbers, formats, examples, 0-based, defaults); each rule also matches other wordings of its text, and a
// text no rule knows passes unchanged.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import {
  conciseParameterText, conciseToolDescription, LOGIN_TOOL_DESCRIPTION, PAGINATION_IN_SYSTEM_PROMPT,
} from '../../../src/tools/concise-texts.js';
import { toOpenAITools } from '../../../src/tools/schema.js';
import type { Tool } from '../../../src/tools/tool.js';
import { KITE_FIXTURES } from '../../support/kite-fixtures.js';

type Schema = Record<string, unknown>;

const SYSTEM_PROMPT = readFileSync(new URL('../../../prompts/system.md', import.meta.url), 'utf8');
/** Kite's `from`/`limit` texts: their facts are said once, in the system prompt. */
const PAGINATION_TEXT = /\bpagination\b|\breturns all\b/i;

function kiteTools(): Tool[] {
  const listed = JSON.parse(readFileSync(new URL('tools.json', KITE_FIXTURES), 'utf8')) as Array<Tool & { writes?: boolean }>;
  return listed.map(({ writes: _writes, ...tool }) => tool);
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  return (schema.properties ?? {}) as Record<string, Schema>;
}

/** What a description must keep for the model to call the tool right: numbers, formats, examples, 0-based, defaults. */
function callingFacts(text: string): string[] {
  const facts = [
    ...text.matchAll(/\b\d+\b/g), // 500 instruments, max 20 chars, default 0
    ...text.matchAll(/\b[a-z_]+:[a-z_]+\b/g), // exchange:tradingsymbol
    ...text.matchAll(/\b[YMDHS]{2,4}(?:[-: ][YMDHS]{2,4})+\b/g), // YYYY-MM-DD HH:MM:SS
    ...text.matchAll(/\b0-based\b|\bdefault\b|\brequired\b/gi),
  ];
  return facts.map((match) => match[0].toLowerCase());
}

test('every parameter keeps its type, enum, default, bounds and required place; only descriptions get shorter', () => {
  const tools = kiteTools();
  const entries = toOpenAITools(tools);
  let shortened = 0;
  entries.forEach((entry, index) => {
    const original = tools[index]!.inputSchema;
    expect(entry.inputSchema.required).toEqual(original.required);
    const before = propertiesOf(original);
    const after = propertiesOf(entry.inputSchema);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const [name, property] of Object.entries(before)) {
      const { description: oldText, default: oldDefault, ...rest } = property;
      const { description: newText, default: newDefault, ...converted } = after[name] ?? {};
      expect(converted, `${entry.serverName}.${name}`).toEqual(rest);
      expect(newDefault === undefined, `${entry.serverName}.${name} default`).toBe(oldDefault === undefined);
      expect(String(newText ?? '').length).toBeLessThanOrEqual(String(oldText ?? '').length);
      if (newText !== oldText) shortened += 1;
    }
  });
  expect(shortened).toBeGreaterThanOrEqual(14); // 7 × from, 7 × limit at least
});

test('every calling fact in a Kite parameter description survives, and every example instrument form', () => {
  for (const entry of toOpenAITools(kiteTools())) {
    const original = kiteTools().find((tool) => tool.name === entry.serverName)!.inputSchema;
    for (const [name, property] of Object.entries(propertiesOf(original))) {
      const before = String(property.description ?? '');
      const after = String(propertiesOf(entry.inputSchema)[name]?.description ?? '').toLowerCase();
      if (after === '' && PAGINATION_TEXT.test(before)) {
        for (const fact of callingFacts(before)) expect(SYSTEM_PROMPT.toLowerCase(), `${entry.serverName}.${name}: "${fact}"`).toContain(fact);
        continue;
      }
      for (const fact of callingFacts(before)) expect(after, `${entry.serverName}.${name}: "${fact}"`).toContain(fact);
      if (/\b[A-Z]+:[A-Z]+\b/.test(before)) expect(after, `${entry.serverName}.${name}`).toMatch(/\b[a-z]+:[a-z]+\b/);
      if (after === '') expect(before.toLowerCase().replace(/[^a-z]/g, '')).toBe(name.replace(/[^a-z]/g, ''));
    }
  }
});

test("Kite's pagination and instrument-list texts each become one short form", () => {
  const definitions = toOpenAITools(kiteTools()).map((entry) => entry.definition.function);
  const texts = (parameter: string) => new Set(definitions.flatMap((definition) => {
    const text = propertiesOf(definition.parameters ?? {})[parameter]?.description;
    return text === undefined ? [] : [String(text)];
  }));
  // Said once, in the system prompt, instead of on every list and search tool.
  expect(texts('from')).toEqual(new Set());
  expect(texts('limit')).toEqual(new Set());
  for (const fact of PAGINATION_IN_SYSTEM_PROMPT) expect(SYSTEM_PROMPT).toContain(fact);
  expect(texts('instruments')).toEqual(new Set(['exchange:tradingsymbol, e.g. NSE:INFY', 'exchange:tradingsymbol, e.g. NSE:INFY; up to 500']));
  const holdings = definitions.find((definition) => definition.name === 'get_holdings');
  expect(holdings?.description).toBe('Get holdings for the current user.');
});

test('the rules read a text by its shape: other wordings of the same facts are shortened too', () => {
  const optional = { required: false };
  expect(conciseParameterText('from', 'Start offset for pagination. Default: 10', optional)).toBe('Offset; default 10');
  expect(conciseParameterText('from', 'Start offset for pagination (0-based). Default: 5', optional)).toBe('0-based offset; default 5');
  expect(conciseParameterText('offset', 'Pagination offset (0-based)', optional)).toBeUndefined(); // the system prompt says it
  expect(conciseParameterText('limit', 'Max number of trades to return; if not specified, returns all of them.', optional)).toBeUndefined();
  expect(conciseParameterText('instruments', 'e.g. ["BSE:SENSEX"]. Returns data in the format of exchange:tradingsymbol.', optional))
    .toBe('exchange:tradingsymbol, e.g. BSE:SENSEX');
  expect(conciseParameterText('order_id', 'The Order ID', { required: true })).toBeUndefined();
  expect(conciseParameterText('filter_on', 'Filter on a field. (Optional). [id=…]', optional)).toBe('Filter on a field. [id=…]');
  expect(conciseParameterText('filter_on', 'Filter on a field. (Optional).', { required: true })).toBe('Filter on a field. (Optional).');
});

test('a text no rule knows passes unchanged', () => {
  const text = 'From date in YYYY-MM-DD HH:MM:SS format';
  expect(conciseParameterText('from_date', text, { required: true })).toBe(text);
  const paged = { type: 'object', properties: { from: { type: 'number', description: 'Starting index for pagination (0-based). Default: 0' } } };
  expect(conciseToolDescription('get_orders', 'Get all orders. Supports pagination for large datasets.', paged)).toBe('Get all orders.');
  // Without pagination parameters, the sentence is the only place that says it: it stays.
  expect(conciseToolDescription('get_x', 'Get x. Supports pagination for large datasets.', { type: 'object', properties: {} }))
    .toBe('Get x. Supports pagination for large datasets.');
});

test('the login tool is described as kite-chat runs it: the user gets the link, the model never shows one', () => {
  const login = toOpenAITools(kiteTools()).find((entry) => entry.serverName === 'login');
  expect(login?.definition.function.description).toBe(LOGIN_TOOL_DESCRIPTION);
  expect(LOGIN_TOOL_DESCRIPTION).toMatch(/never repeat or invent/);
  expect(LOGIN_TOOL_DESCRIPTION).not.toMatch(/markdown|click/i);
});
