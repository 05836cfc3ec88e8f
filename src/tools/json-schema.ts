/**
 * JSON Schema as a chat model sees it. normaliseSchema() turns any MCP tool input schema into one that OpenAI's
 * function calling accepts; validateValue() checks a value (the model's arguments) against such a schema and says
 * what is wrong in sentences the model can act on. Pure; knows nothing of tools, names or the OpenAI SDK.
 */

// What OpenAI checks in `function.parameters` when `strict` is off. Its docs say only "a JSON Schema object"; these
// rules come from the API's own 400 messages, quoted in public issues (searched while writing this module):
// - the root must be `type: "object"`: "schema must be a JSON Schema of 'type: "object"', got 'type: "string"'"
//   (alibaba/spring-ai-alibaba#4576), and have `properties`: "object schema missing properties"
//   (spring-projects/spring-ai#4776);
// - every array needs `items`, also when "array" is one entry of a type list: "array schema missing items"
//   (sigoden/aichat#1049, mark3labs/mcphost#35; context ('type', '1') in campfirein/byterover-cli#42);
// - the schema is checked against the JSON Schema meta-schema (the 400 is a meta-schema validator's message), so
//   subschemas must be objects or booleans and keyword values of their meta-schema types: "[] is not of type
//   'object', 'boolean'" (FoundationAgents/OpenManus#1162);
// - `$ref` may only point at top-level definitions (dotnet/extensions#6918); we inline every local `$ref` instead.
// Strict mode (unused: Kite's schemas have optional fields) also rejects `default`, unknown `format`s and more.
// So we keep an allow-list of keywords whose values we check, and drop the rest: `$schema`, `$id`, `$comment`,
// `$anchor`, `$defs`/`definitions` (after inlining), `patternProperties`, `if`/`then`/`else`, `not`, `x-…`, etc.
import { isRecord, tryParseJson } from '../json.js';

export type JsonSchema = Record<string, unknown>;

/** Deeper nesting is a recursive type unrolled by a generator; the model gains nothing from it. */
const MAX_SCHEMA_DEPTH = 12;
/** Inlining shared definitions can grow a schema exponentially, and every node costs prompt tokens on every request;
 * a Kite tool has about 16 subschemas. Past this many the rest become `{}`. */
const MAX_SCHEMA_NODES = 500;
/** Enough options to recognise the list in an error message; Kite's longest enum has 8. */
const MAX_LISTED_OPTIONS = 25;

const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum']);
const COUNT_KEYWORDS = new Set(['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']);
const TEXT_KEYWORDS = new Set(['title', 'description', 'format', 'pattern']);
const UNION_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);

interface Walk {
  root: unknown;
  references: string[];
  nodesLeft: number;
}

/** Any input (even a non-object) → a `type: "object"` schema with `properties`, refs inlined, keywords checked. */
export function normaliseSchema(input: unknown): JsonSchema {
  const walk: Walk = { root: input, references: ['#'], nodesLeft: MAX_SCHEMA_NODES };
  // A default, enum or const for the whole argument object tells the model nothing it can use; drop them.
  const { type, properties, default: _default, enum: _enum, const: _const, examples: _examples, ...rest } =
    normaliseNode(input, walk, 0);
  const types = typeList(type);
  if (types !== undefined && !types.includes('object')) {
    // MCP sends arguments as an object, so a tool whose root is a string (say) cannot be called as declared.
    const description = rest.description === undefined ? {} : { description: rest.description };
    return { type: 'object', properties: {}, ...description };
  }
  return { type: 'object', properties: properties ?? {}, ...rest };
}

function normaliseNode(raw: unknown, walk: Walk, depth: number): JsonSchema {
  if (!isRecord(raw)) return {};
  if (depth > MAX_SCHEMA_DEPTH || walk.nodesLeft <= 0) {
    return { description: 'Schema cut here: nested too deeply or too large. Any value is accepted.' };
  }
  walk.nodesLeft -= 1;
  if (raw.$ref !== undefined) return normaliseReference(raw, walk, depth);
  const entries: Array<[string, unknown]> = [];
  for (const [keyword, value] of Object.entries(raw)) {
    const kept = keyword === 'default' ? value : normaliseKeyword(keyword, value, raw, walk, depth);
    if (kept !== undefined) entries.push([keyword, kept]);
  }
  const schema = Object.fromEntries(entries);
  if (typeList(schema.type)?.includes('array') === true && schema.items === undefined) schema.items = {};
  if ('default' in schema) {
    const fitted = fitDefault(schema.default, schema);
    if (fitted === undefined) delete schema.default;
    else schema.default = fitted;
  }
  return schema;
}

function normaliseReference(raw: JsonSchema, walk: Walk, depth: number): JsonSchema {
  const { $ref: reference, ...siblings } = raw;
  const target = typeof reference === 'string' ? resolveLocalReference(walk.root, reference) : undefined;
  const label = typeof reference === 'string' ? reference : JSON.stringify(reference);
  const recursive = typeof reference === 'string' && walk.references.includes(reference);
  if (target === undefined || recursive) {
    const note = recursive
      ? `Recursive reference ${label} not expanded; any value is accepted.`
      : `Unresolved reference ${label}; any value is accepted.`;
    const description = typeof siblings.description === 'string' ? `${siblings.description} (${note})` : note;
    return normaliseNode({ ...siblings, description }, walk, depth);
  }
  walk.references.push(label);
  try {
    // Keywords beside the $ref describe this use of the definition, so they win over the definition's own.
    return normaliseNode({ ...(isRecord(target) ? target : {}), ...siblings }, walk, depth);
  } finally {
    walk.references.pop();
  }
}

/** `#`, `#/$defs/Name`, `#/definitions/Name` or any other JSON pointer into the same document. */
function resolveLocalReference(root: unknown, reference: string): unknown {
  if (reference === '#') return root;
  if (!reference.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const token of reference.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
    } catch {
      return undefined;
    }
    const container: unknown = node;
    if (!(isRecord(container) || Array.isArray(container)) || !Object.hasOwn(container, key)) return undefined;
    node = (container as Record<string, unknown>)[key];
  }
  return node;
}

function normaliseKeyword(keyword: string, value: unknown, raw: JsonSchema, walk: Walk, depth: number): unknown {
  const child = (schema: unknown): JsonSchema => normaliseNode(schema, walk, depth + 1);
  if (TEXT_KEYWORDS.has(keyword)) return typeof value === 'string' ? value : undefined;
  if (NUMBER_KEYWORDS.has(keyword)) {
    // Draft 4 wrote `exclusiveMinimum: true` beside `minimum`; later drafts (and OpenAI) want the bound itself.
    const exclusive = keyword === 'minimum' ? raw.exclusiveMinimum : raw.exclusiveMaximum;
    return isFiniteNumber(value) && exclusive !== true ? value : undefined;
  }
  if (COUNT_KEYWORDS.has(keyword)) return Number.isSafeInteger(value) && (value as number) >= 0 ? value : undefined;
  if (UNION_KEYWORDS.has(keyword)) return Array.isArray(value) && value.length > 0 ? value.map(child) : undefined;
  switch (keyword) {
    case 'type':
      return normaliseType(value, raw.nullable === true);
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const bound = keyword === 'exclusiveMinimum' ? raw.minimum : raw.maximum;
      if (value === true) return isFiniteNumber(bound) ? bound : undefined;
      return isFiniteNumber(value) ? value : undefined;
    }
    case 'multipleOf':
      return isFiniteNumber(value) && value > 0 ? value : undefined;
    case 'uniqueItems':
      return typeof value === 'boolean' ? value : undefined;
    case 'enum':
    case 'examples':
      return Array.isArray(value) && value.length > 0 ? structuredClone(value) : undefined;
    case 'const':
      return value === undefined ? undefined : structuredClone(value);
    case 'properties':
      if (!isRecord(value)) return undefined;
      // A `false` property schema forbids the property; leaving it out says the same to the model.
      return Object.fromEntries(
        Object.entries(value).filter(([, item]) => item !== false).map(([name, item]) => [name, child(item)]),
      );
    case 'required':
      return normaliseRequired(value, raw.properties);
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : isRecord(value) ? child(value) : undefined;
    case 'items':
      // Tuple form (draft 4–2019): OpenAI wants one schema, so any listed form is allowed at any position.
      if (!Array.isArray(value)) return child(value);
      return value.length === 0 ? {} : value.length === 1 ? child(value[0]) : { anyOf: value.map(child) };
    default:
      return undefined;
  }
}

function normaliseType(value: unknown, nullable: boolean): unknown {
  const names = (Array.isArray(value) ? value : [value]).filter((name) => TYPE_NAMES.includes(name as string));
  // OpenAPI's `nullable: true` is JSON Schema's `null` in the type list.
  if (nullable && names.length > 0) names.push('null');
  const unique = [...new Set(names)];
  return unique.length === 0 ? undefined : unique.length === 1 ? unique[0] : unique;
}

function normaliseRequired(value: unknown, properties: unknown): string[] | undefined {
  if (!Array.isArray(value) || !isRecord(properties)) return undefined;
  const names = value.filter((name): name is string =>
    typeof name === 'string' && Object.hasOwn(properties, name) && properties[name] !== false);
  const unique = [...new Set(names)];
  return unique.length === 0 ? undefined : unique;
}

/** The default itself if it fits the schema, else a clean conversion that does (Kite's `"1"` for a number), else none. */
function fitDefault(value: unknown, schema: JsonSchema): unknown {
  const candidates: unknown[] = [value];
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) candidates.push(Number(text));
    if (text === 'true' || text === 'false') candidates.push(text === 'true');
    if (text === 'null') candidates.push(null);
    if (text.startsWith('[') || text.startsWith('{')) candidates.push(tryParseJson(text));
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    candidates.push(String(value));
  }
  const fitted = candidates.find((candidate) => candidate !== undefined && validateValue(candidate, schema).length === 0);
  return fitted === undefined ? undefined : structuredClone(fitted);
}

/**
 * Every problem with `value` under `schema`, as sentences naming the argument path; empty when the value fits.
 * An object's keys must be declared (see undeclaredKeyProblems): a key the server would read differently from us, or
 * not at all, must not pass unnoticed.
 */
export function validateValue(value: unknown, schema: JsonSchema, path = ''): string[] {
  const problems: string[] = [];
  check(value, schema, path, problems, true);
  return [...new Set(problems)];
}

/**
 * The keys of `value` that `schema` does not declare at this level (in `properties`, or in those of its allOf, anyOf
 * and oneOf branches), as sentences. A key that differs from a declared key only in case is always refused: servers
 * written in Go match JSON keys to fields without regard to case, so `Mode` beside `mode` may be the one they use.
 * Another undeclared key is refused unless the schema lets extra keys in (`additionalProperties`, or no `properties`
 * at all below the root); `closed` refuses it regardless (the write gate).
 */
export function undeclaredKeyProblems(
  value: Record<string, unknown>,
  schema: JsonSchema,
  options: { closed: boolean; path?: string },
): string[] {
  const declared = declaredNames(schema);
  const additional = schema.additionalProperties;
  const open = !options.closed && (additional === true || isRecord(additional) || (additional === undefined && !declaresProperties(schema)));
  const join = (name: string): string => (options.path === undefined || options.path === '' ? name : `${options.path}.${name}`);
  const problems: string[] = [];
  for (const name of Object.keys(value)) {
    if (declared.has(name)) continue;
    const twin = [...declared].find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (twin !== undefined) {
      problems.push(`Argument '${join(name)}' is not accepted: argument names are case-sensitive and the tool declares '${join(twin)}'; send '${join(twin)}' once, spelled exactly so, and no other spelling of it.`);
    } else if (!open) {
      const accepted = [...declared];
      const hint = accepted.length === 0 ? 'none are accepted' : `accepted: ${accepted.join(', ')}`;
      problems.push(`Argument '${join(name)}' is not accepted (${hint}).`);
    }
  }
  return problems;
}

function declaredNames(schema: JsonSchema): Set<string> {
  const names = new Set(isRecord(schema.properties) ? Object.keys(schema.properties) : []);
  for (const branch of branchesOf(schema)) for (const name of declaredNames(branch)) names.add(name);
  return names;
}

function declaresProperties(schema: JsonSchema): boolean {
  return isRecord(schema.properties) || branchesOf(schema).some(declaresProperties);
}

function branchesOf(schema: JsonSchema): JsonSchema[] {
  return [...UNION_KEYWORDS].flatMap((keyword) => (Array.isArray(schema[keyword]) ? schema[keyword].filter(isRecord) : []));
}

/** `checkKeys` is false for a union's branches: the keys are checked once against what all branches declare. */
function check(value: unknown, schema: JsonSchema, path: string, problems: string[], checkKeys: boolean): void {
  const subject = path === '' ? 'The arguments' : `Argument '${path}'`;
  const types = typeList(schema.type);
  if (types !== undefined && !types.some((type) => hasType(value, type))) {
    problems.push(`${subject} must be ${types.map(withArticle).join(' or ')}, got ${describeValue(value)}.`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => deepEqual(option, value))) {
    const listed = schema.enum.slice(0, MAX_LISTED_OPTIONS).map((option) => JSON.stringify(option));
    const more = schema.enum.length > MAX_LISTED_OPTIONS ? ', …' : '';
    problems.push(`${subject} must be one of ${listed.join(', ')}${more}, got ${describeValue(value)}.`);
    return;
  }
  if ('const' in schema && !deepEqual(schema.const, value)) {
    problems.push(`${subject} must be ${JSON.stringify(schema.const)}, got ${describeValue(value)}.`);
    return;
  }
  if (typeof value === 'number') checkNumber(value, schema, subject, problems);
  if (typeof value === 'string') checkString(value, schema, subject, problems);
  if (Array.isArray(value)) checkArray(value, schema, path, subject, problems);
  if (isRecord(value)) checkObject(value, schema, path, subject, problems);
  if (isRecord(value) && checkKeys) problems.push(...undeclaredKeyProblems(value, schema, { closed: false, path }));
  checkUnions(value, schema, path, subject, problems);
}

function checkNumber(value: number, schema: JsonSchema, subject: string, problems: string[]): void {
  const bounds: Array<[unknown, (bound: number) => boolean, string]> = [
    [schema.minimum, (bound) => value >= bound, 'at least'],
    [schema.exclusiveMinimum, (bound) => value > bound, 'greater than'],
    [schema.maximum, (bound) => value <= bound, 'at most'],
    [schema.exclusiveMaximum, (bound) => value < bound, 'less than'],
    [schema.multipleOf, (bound) => Number.isInteger(Number((value / bound).toPrecision(12))), 'a multiple of'],
  ];
  for (const [bound, holds, wording] of bounds) {
    if (isFiniteNumber(bound) && !holds(bound)) problems.push(`${subject} must be ${wording} ${bound}, got ${value}.`);
  }
}

function checkString(value: string, schema: JsonSchema, subject: string, problems: string[]): void {
  const length = [...value].length;
  if (isFiniteNumber(schema.minLength) && length < schema.minLength) {
    problems.push(`${subject} must be at least ${schema.minLength} characters long, got ${length}.`);
  }
  if (isFiniteNumber(schema.maxLength) && length > schema.maxLength) {
    problems.push(`${subject} must be at most ${schema.maxLength} characters long, got ${length}.`);
  }
  if (typeof schema.pattern === 'string') {
    const pattern = compilePattern(schema.pattern);
    if (pattern !== undefined && !pattern.test(value)) problems.push(`${subject} must match the pattern ${schema.pattern}.`);
  }
}

function checkArray(value: unknown[], schema: JsonSchema, path: string, subject: string, problems: string[]): void {
  if (isFiniteNumber(schema.minItems) && value.length < schema.minItems) {
    problems.push(`${subject} must have at least ${schema.minItems} items, got ${value.length}.`);
  }
  if (isFiniteNumber(schema.maxItems) && value.length > schema.maxItems) {
    problems.push(`${subject} must have at most ${schema.maxItems} items, got ${value.length}.`);
  }
  if (schema.uniqueItems === true && value.some((item, index) => value.findIndex((other) => deepEqual(other, item)) !== index)) {
    problems.push(`${subject} must not contain the same item twice.`);
  }
  if (isRecord(schema.items)) {
    const items = schema.items;
    value.forEach((item, index) => check(item, items, `${path}[${index}]`, problems, true));
  }
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, subject: string, problems: string[]): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const join = (name: string): string => (path === '' ? name : `${path}.${name}`);
  const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
  const missing = required.filter((name): name is string => typeof name === 'string' && !Object.hasOwn(value, name));
  const quoted = missing.map((name) => `'${join(name)}'`);
  if (quoted.length === 1) problems.push(`Argument ${quoted.join('')} is required but missing.`);
  if (quoted.length > 1) problems.push(`Arguments ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)} are required but missing.`);
  // Undeclared keys are undeclaredKeyProblems' concern; extra keys a schema lets in are checked against it here.
  for (const [name, item] of Object.entries(value)) {
    const propertySchema = Object.hasOwn(properties, name) ? properties[name] : schema.additionalProperties;
    if (isRecord(propertySchema)) check(item, propertySchema, join(name), problems, true);
  }
  const count = Object.keys(value).length;
  if (isFiniteNumber(schema.minProperties) && count < schema.minProperties) {
    problems.push(`${subject} must have at least ${schema.minProperties} properties, got ${count}.`);
  }
  if (isFiniteNumber(schema.maxProperties) && count > schema.maxProperties) {
    problems.push(`${subject} must have at most ${schema.maxProperties} properties, got ${count}.`);
  }
}

function checkUnions(value: unknown, schema: JsonSchema, path: string, subject: string, problems: string[]): void {
  for (const branch of Array.isArray(schema.allOf) ? schema.allOf : []) {
    if (isRecord(branch)) check(value, branch, path, problems, false);
  }
  // oneOf is checked like anyOf: overlapping branches are common in generated schemas, and one match is enough intent.
  for (const keyword of ['anyOf', 'oneOf']) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const outcomes = branches.filter(isRecord).map((branch) => {
      const branchProblems: string[] = [];
      check(value, branch, path, branchProblems, false);
      return [...new Set(branchProblems)];
    });
    if (outcomes.length === 0 || outcomes.some((outcome) => outcome.length === 0)) continue;
    const closest = outcomes.reduce((best, outcome) => (outcome.length < best.length ? outcome : best));
    problems.push(`${subject} matches none of its allowed forms; the closest says: ${closest.join(' ')}`);
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer': return Number.isInteger(value);
    case 'number': return isFiniteNumber(value);
    case 'array': return Array.isArray(value);
    case 'object': return isRecord(value);
    case 'null': return value === null;
    default: return typeof value === type;
  }
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** How a wrong value is named in an error: `string "10"`, `number 1.5`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return `string ${quoted.length > 42 ? `${quoted.slice(0, 40)}…"` : quoted}`;
  }
  return `${typeof value} ${String(value)}`;
}

function typeList(type: unknown): string[] | undefined {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((name): name is string => typeof name === 'string') : undefined;
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right) || left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length
      && left.every((item, index) => deepEqual(item, right[index]));
  }
  if (!isRecord(left) || !isRecord(right)) return false;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length
    && keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
}

function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined; // a pattern JavaScript cannot read is a hint for the model, not a reason to refuse a call
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
