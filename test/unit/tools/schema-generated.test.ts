// Generated-input tests for src/tools/schema.ts: a seeded generator makes hundreds of tool lists with odd names and
// messy schemas (unicode, dots, slashes, 100-character names, clashes after sanitising, $refs and cycles, missing
// types, arrays without items, junk keyword values), and an independent checker asserts OpenAI would accept the output.
import { test, expect } from 'vitest';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { parseToolArguments, toOpenAITools } from '../../../src/tools/schema.js';
import type { Tool } from '../../../src/tools/tool.js';

const SEED = 20_260_806;
const CASES = 400;

// --- the independent rule checker ----------------------------------------------------------------------------------
// Written from OpenAI's published name rule and the API's 400 messages, not from src/: names ^[a-zA-Z0-9_-]{1,64}$ and
// unique; description at most 1024 characters; root `type: "object"` with `properties`; every array has `items`;
// subschemas and keyword values valid under the JSON Schema meta-schema; no `$ref`/`$defs` left; no strict mode.

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const LEFT_OVER_KEYWORDS = ['$ref', '$defs', 'definitions', '$schema', '$id', '$comment', '$anchor', '$dynamicRef',
  '$dynamicAnchor', '$vocabulary', '$recursiveRef', '$recursiveAnchor'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];
const TEXT_KEYWORDS = ['description', 'title', 'format', 'pattern'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function openAIViolations(tools: readonly ChatCompletionFunctionTool[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const tool of tools) {
    const { name, description, parameters, strict } = tool.function;
    if (tool.type !== 'function') problems.push(`${name}: type is not "function"`);
    if (!FUNCTION_NAME.test(name)) problems.push(`${JSON.stringify(name)}: invalid function name`);
    if (seen.has(name)) problems.push(`${name}: duplicate function name`);
    seen.add(name);
    if (description !== undefined && (typeof description !== 'string' || description.length > 1024)) {
      problems.push(`${name}: description missing or longer than 1024`);
    }
    if (strict === true) problems.push(`${name}: strict mode`);
    problems.push(...notPlainJson(parameters, `${name}.parameters`));
    if (!isPlainObject(parameters) || parameters.type !== 'object' || !isPlainObject(parameters.properties)) {
      problems.push(`${name}: root is not {type: "object", properties: {...}}`);
    }
    schemaViolations(parameters, `${name}.parameters`, problems);
  }
  return problems;
}

function notPlainJson(value: unknown, at: string): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at}: non-finite number`];
  if (Array.isArray(value)) return value.flatMap((item, index) => notPlainJson(item, `${at}[${index}]`));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([key, item]) => notPlainJson(item, `${at}.${key}`));
  return [`${at}: ${typeof value} is not JSON`];
}

function schemaViolations(schema: unknown, at: string, problems: string[]): void {
  if (!isPlainObject(schema)) {
    problems.push(`${at}: subschema is not an object`);
    return;
  }
  for (const keyword of LEFT_OVER_KEYWORDS) if (keyword in schema) problems.push(`${at}: ${keyword} left in`);
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types !== undefined) {
    if (!Array.isArray(types) || types.length === 0 || new Set(types).size !== types.length
      || !types.every((type) => JSON_TYPES.includes(type as string))) problems.push(`${at}: bad type ${JSON.stringify(types)}`);
    else if (types.includes('array') && !isPlainObject(schema.items)) problems.push(`${at}: array schema missing items`);
    if (Array.isArray(types) && 'default' in schema && !types.some((type) => hasJsonType(schema.default, type as string))) {
      problems.push(`${at}: default ${JSON.stringify(schema.default)} is not a ${types.join('/')}`);
    }
  }
  if ('properties' in schema && !isPlainObject(schema.properties)) problems.push(`${at}: properties is not an object`);
  if ('required' in schema) {
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    const required = schema.required;
    if (!Array.isArray(required) || required.length === 0 || new Set(required).size !== required.length
      || !required.every((name) => typeof name === 'string' && Object.hasOwn(properties, name))) {
      problems.push(`${at}: required ${JSON.stringify(required)} names missing properties`);
    }
  }
  for (const keyword of ['enum', 'anyOf', 'oneOf', 'allOf']) {
    if (keyword in schema && (!Array.isArray(schema[keyword]) || (schema[keyword] as unknown[]).length === 0)) {
      problems.push(`${at}: ${keyword} is not a non-empty array`);
    }
  }
  for (const keyword of NUMBER_KEYWORDS) {
    if (keyword in schema && !(typeof schema[keyword] === 'number' && Number.isFinite(schema[keyword]))) {
      problems.push(`${at}: ${keyword} is not a number`);
    }
  }
  if ('multipleOf' in schema && !((schema.multipleOf as number) > 0)) problems.push(`${at}: multipleOf is not positive`);
  for (const keyword of COUNT_KEYWORDS) {
    if (keyword in schema && !(Number.isInteger(schema[keyword]) && (schema[keyword] as number) >= 0)) {
      problems.push(`${at}: ${keyword} is not a non-negative integer`);
    }
  }
  for (const keyword of TEXT_KEYWORDS) {
    if (keyword in schema && typeof schema[keyword] !== 'string') problems.push(`${at}: ${keyword} is not a string`);
  }
  if ('uniqueItems' in schema && typeof schema.uniqueItems !== 'boolean') problems.push(`${at}: uniqueItems not boolean`);
  const additional = schema.additionalProperties;
  if (additional !== undefined && typeof additional !== 'boolean' && !isPlainObject(additional)) {
    problems.push(`${at}: additionalProperties is neither boolean nor schema`);
  }
  const children: Array<[string, unknown]> = [
    ...Object.entries(isPlainObject(schema.properties) ? schema.properties : {}).map(([key, child]): [string, unknown] =>
      [`${at}.properties.${key}`, child]),
    ...('items' in schema ? [[`${at}.items`, schema.items] as [string, unknown]] : []),
    ...(isPlainObject(additional) ? [[`${at}.additionalProperties`, additional] as [string, unknown]] : []),
    ...['anyOf', 'oneOf', 'allOf'].flatMap((keyword) => (Array.isArray(schema[keyword]) ? schema[keyword] as unknown[] : [])
      .map((child, index): [string, unknown] => [`${at}.${keyword}[${index}]`, child])),
  ];
  for (const [where, child] of children) schemaViolations(child, where, problems);
}

function hasJsonType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isPlainObject(value);
  if (type === 'null') return value === null;
  return typeof value === type;
}

// --- the generator -------------------------------------------------------------------------------------------------

interface Random {
  next(): number;
  int(below: number): number;
  pick<T>(list: readonly T[]): T;
  chance(probability: number): boolean;
}

function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return { next, int, pick: (list) => list[int(list.length)]!, chance: (probability) => next() < probability };
}

const ODD_NAMES = ['get_holdings', 'get.holdings', 'get/holdings', 'get holdings', 'kite:get_ltp', '株価を取得', '🚀launch',
  'café', 'naïve.tool', '', '-', 'a'.repeat(64), 'b'.repeat(65), 'c'.repeat(100), `${'d'.repeat(60)}.x`, `${'d'.repeat(60)}/x`,
  'tool', 'tool_2', 'zero\u200bwidth'];
const NAME_CHARACTERS = ['a', 'Z', '7', '_', '-', '.', '/', ' ', 'é', '株', '🚀', ':', '\n'];
const PROPERTY_NAMES = ['symbol', 'quantity', 'a.b', '株', '', '__proto__', 'constructor', 'items', '$ref', 'type'];
const ODD_VALUES: unknown[] = ['1', '10', 'true', 'abc', 3, 2.5, -1, 0, true, false, null, [], {}, ['x'], { a: 1 }, '[1]', '{}'];
const SCHEMA_TYPES = [...JSON_TYPES, 'int', 'float', 'any'];

interface Features {
  refs: number;
  crossReferences: number;
  arraysWithoutItems: number;
  untyped: number;
  longNames: number;
}

function randomName(random: Random): string {
  if (random.chance(0.6)) return random.pick(ODD_NAMES);
  const length = random.chance(0.2) ? 100 : 1 + random.int(20);
  return Array.from({ length }, () => random.pick(NAME_CHARACTERS)).join('');
}

function randomSchema(random: Random, depth: number, definitions: readonly string[], features: Features): unknown {
  if (random.chance(0.05)) return random.pick([true, false, [], 'string', null]);
  if (depth > 0 && random.chance(0.15)) {
    features.refs += 1;
    const target = random.chance(0.8) && definitions.length > 0 ? random.pick(definitions) : random.pick(['#/$defs/Missing',
      'https://example.com/schema.json', '#', '#/properties/0', 'other.json#/a']);
    return { $ref: target, ...(random.chance(0.3) ? { description: 'beside a ref' } : {}) };
  }
  const schema: Record<string, unknown> = {};
  const type = random.chance(0.2) ? undefined : random.chance(0.15)
    ? [random.pick(SCHEMA_TYPES), random.pick(SCHEMA_TYPES)] : random.pick(SCHEMA_TYPES);
  if (type === undefined) features.untyped += 1;
  else schema.type = type;
  const types = [type].flat();
  if (random.chance(0.5)) schema.description = random.chance(0.9) ? 'd'.repeat(random.int(30)) : 42;
  if (random.chance(0.3)) schema.default = random.pick(ODD_VALUES);
  if (random.chance(0.15)) schema.enum = random.chance(0.2) ? [] : [random.pick(ODD_VALUES), random.pick(ODD_VALUES)];
  if (random.chance(0.1)) schema.nullable = true;
  if (random.chance(0.2)) Object.assign(schema, random.pick<Record<string, unknown>>([{ $comment: 'c' }, { $id: 'urn:x' },
    { 'x-extension': 1 }, { title: 'T' }, { format: 'uri' }, { pattern: '(' }, { minimum: 1, exclusiveMinimum: true },
    { maximum: '5' }, { minLength: -1 }, { multipleOf: 0 }, { uniqueItems: 'yes' }, { examples: 'no' }, { not: {} },
    { if: {}, then: {} }, { patternProperties: { '^x': {} } }]));
  if (types.includes('array') || random.chance(0.05)) {
    if (random.chance(0.4)) features.arraysWithoutItems += 1;
    else schema.items = random.chance(0.15) ? [randomSchema(random, depth + 1, definitions, features)]
      : randomSchema(random, depth + 1, definitions, features);
  }
  if ((types.includes('object') || random.chance(0.1)) && depth < 5) {
    const names = Array.from({ length: random.int(5) }, () => random.pick(PROPERTY_NAMES));
    schema.properties = random.chance(0.05) ? [] : Object.fromEntries(
      names.map((name) => [name, randomSchema(random, depth + 1, definitions, features)]));
    if (random.chance(0.6)) schema.required = random.chance(0.1) ? 'symbol' : [...names, 'ghost'];
    if (random.chance(0.3)) schema.additionalProperties = random.pick([true, false, { type: 'string' }, 'no']);
  }
  if (random.chance(0.08) && depth < 4) {
    schema[random.pick(['anyOf', 'oneOf', 'allOf'])] = random.chance(0.2) ? []
      : [randomSchema(random, depth + 1, definitions, features), randomSchema(random, depth + 1, definitions, features)];
  }
  return schema;
}

function randomTool(random: Random, features: Features): Tool {
  const name = randomName(random);
  if (name.length > 64) features.longNames += 1;
  const definitionNames = Array.from({ length: random.int(3) }, (_, index) => `Def${index}`);
  const keyword = random.chance(0.5) ? '$defs' : 'definitions';
  const references = definitionNames.map((definition) => `#/${keyword}/${definition}`);
  // Definitions may point at each other (and themselves), so cycles come up naturally.
  const definitions = Object.fromEntries(
    definitionNames.map((definition) => [definition, randomSchema(random, 1, references, features)]));
  if (JSON.stringify(definitions).includes('"$ref":"#/')) features.crossReferences += 1;
  const root = random.chance(0.85)
    ? { ...(randomSchema(random, 0, references, features) as object), type: random.chance(0.9) ? 'object' : 'string' }
    : randomSchema(random, 0, references, features);
  const inputSchema = { $schema: 'http://json-schema.org/draft-07/schema#', ...(root as object), [keyword]: definitions };
  const description = random.chance(0.1) ? 'x'.repeat(1500) : random.chance(0.8) ? ` Tool ${name} ` : undefined;
  return { name, inputSchema, ...(description === undefined ? {} : { description }) };
}

/** The same lists on every call (the generator is seeded), with a count of the awkward features they contain. */
function generatedCases(): { lists: Tool[][]; features: Features } {
  const random = seededRandom(SEED);
  const features: Features = { refs: 0, crossReferences: 0, arraysWithoutItems: 0, untyped: 0, longNames: 0 };
  const lists = Array.from({ length: CASES }, () => Array.from({ length: 1 + random.int(8) }, () => randomTool(random, features)));
  return { lists, features };
}

function randomArguments(random: Random, schema: Record<string, unknown>): string {
  const names = Object.keys(schema.properties as object);
  const value = Object.fromEntries(names.filter(() => random.chance(0.7)).map((name) => [name, random.pick(ODD_VALUES)]));
  return random.pick([JSON.stringify(value), '', '{', '[]', 'null', '"x"', JSON.stringify({ ...value, extra: 1 })]);
}

// --- the tests -------------------------------------------------------------------------------------------------------

test('the rule checker flags each kind of definition OpenAI rejects', () => {
  const tool = (name: string, parameters: Record<string, unknown>, description?: string): ChatCompletionFunctionTool => ({
    type: 'function', function: { name, parameters, ...(description === undefined ? {} : { description }) },
  });
  const good = { type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } }, required: ['a'] };
  expect(openAIViolations([tool('good', good)])).toEqual([]);
  const bad: ChatCompletionFunctionTool[][] = [
    [tool('has.dot', good)], [tool('x'.repeat(65), good)], [tool('same', good), tool('same', good)],
    [tool('long', good, 'x'.repeat(1025))], [tool('root', { type: 'string' })], [tool('noprops', { type: 'object' })],
    [tool('items', { type: 'object', properties: { a: { type: ['string', 'array'] } } })],
    [tool('ref', { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: {} } })],
    [tool('ghost', { type: 'object', properties: {}, required: ['ghost'] })],
    [tool('tuple', { type: 'object', properties: { a: { type: 'array', items: [{}] } } })],
    [tool('enum', { type: 'object', properties: { a: { enum: [] } } })],
    [tool('default', { type: 'object', properties: { a: { type: 'number', default: '1' } } })],
    [tool('bound', { type: 'object', properties: { a: { type: 'number', exclusiveMinimum: true } } })],
    [tool('undefined', { type: 'object', properties: { a: undefined } })],
    [{ type: 'function', function: { name: 'strict', parameters: good, strict: true } }],
  ];
  for (const tools of bad) expect(openAIViolations(tools), tools[0]?.function.name).not.toEqual([]);
});

test('the generator really produces the awkward inputs it is meant to', () => {
  const { lists, features } = generatedCases();
  const tools = lists.flat();
  expect(tools.length).toBeGreaterThan(CASES);
  expect(features.refs).toBeGreaterThan(100);
  expect(features.crossReferences).toBeGreaterThan(20);
  expect(features.arraysWithoutItems).toBeGreaterThan(50);
  expect(features.untyped).toBeGreaterThan(100);
  expect(features.longNames).toBeGreaterThan(50);
  expect(tools.some((tool) => !FUNCTION_NAME.test(tool.name))).toBe(true);
});

test(`${CASES} generated tool lists all convert to definitions that OpenAI's rules accept`, () => {
  const violations = generatedCases().lists.flatMap((tools, index) =>
    openAIViolations(toOpenAITools(tools).map((entry) => entry.definition)).map((problem) => `case ${index}: ${problem}`));
  expect(violations.slice(0, 20)).toEqual([]);
});

test('every generated tool maps back to its exact server name, and valid names are never changed', () => {
  for (const tools of generatedCases().lists) {
    const entries = toOpenAITools(tools);
    const distinctNames = [...new Set(tools.map((tool) => tool.name))];
    expect(entries.map((entry) => entry.serverName)).toEqual(distinctNames);
    for (const entry of entries) {
      if (FUNCTION_NAME.test(entry.serverName)) expect(entry.definition.function.name).toBe(entry.serverName);
      expect(entry.definition.function.parameters).toEqual(entry.inputSchema);
    }
  }
});

test('conversion is deterministic and leaves its input untouched', () => {
  for (const tools of generatedCases().lists.slice(0, 100)) {
    const before = structuredClone(tools);
    const first = toOpenAITools(tools);
    expect(tools).toEqual(before);
    expect(toOpenAITools(before)).toEqual(first);
  }
});

test('checking random arguments against every generated schema never throws and always answers in a known form', () => {
  const random = seededRandom(SEED + 1);
  for (const tools of generatedCases().lists) {
    for (const entry of toOpenAITools(tools)) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const parsed = parseToolArguments(randomArguments(random, entry.inputSchema), entry.inputSchema);
        if (parsed.ok) expect(isPlainObject(parsed.value)).toBe(true);
        else expect(parsed.error).toMatch(/(Call again with a JSON object|Call the tool again with corrected arguments)\.$/);
      }
    }
  }
});
