/**
 * JSON Schema as a chat model sees it: normaliseSchema() turns any MCP tool input schema into one that OpenAI's
 * function calling accepts (tools/json-schema-check.ts checks values against the result). Pure; knows nothing of
 * tools, names or the OpenAI SDK.
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
import { isFiniteNumber, typeList, UNION_KEYWORDS, validateValue, type JsonSchema } from './json-schema-check.js';

/** Deeper nesting is a recursive type unrolled by a generator; the model gains nothing from it. */
const MAX_SCHEMA_DEPTH = 12;
/** Inlining shared definitions can grow a schema exponentially, and every node costs prompt tokens on every request;
 * a Kite tool has about 16 subschemas. Past this many the rest become `{}`. */
const MAX_SCHEMA_NODES = 500;

const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum']);
const COUNT_KEYWORDS = new Set(['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']);
const TEXT_KEYWORDS = new Set(['title', 'description', 'format', 'pattern']);

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
