/**
 * A value (the model's arguments) checked against a normalised JSON Schema (tools/json-schema.ts): every problem as
 * a sentence naming the argument path, which the model can act on, and the keys a schema does not declare (a key the
 * server would read differently from us, or not at all, must not pass unnoticed). Pure.
 */
import { isRecord } from '../json.js';

export type JsonSchema = Record<string, unknown>;

/** Enough options to recognise the list in an error message; Kite's longest enum has 8. */
const MAX_LISTED_OPTIONS = 25;
export const UNION_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);

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

export function typeList(type: unknown): string[] | undefined {
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

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
