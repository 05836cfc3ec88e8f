/**
 * Server tool texts said in fewer words as they are converted for the model (tools/schema.ts), by rule: a text Kite
 * repeats on many tools (the pagination `from` and `limit`, "Supports pagination…", the instrument-list example)
 * becomes one short form keeping its facts; a description that only repeats its parameter's name goes, and so does an
 * "(Optional)" mark the required list already gives; the `login` tool is described as kite-chat runs it. Rules read a
 * text's shape, not its exact words; a text no rule knows passes unchanged. Types, enums, defaults, bounds and
 * required lists are never touched. Pure.
 */
import { isRecord } from '../json.js';
import type { JsonSchema } from './json-schema-check.js';

/**
 * The executor runs every `login` call itself (tools/executor.ts): the person gets the link, the model never does.
 * The server's own text ("Returns a link … present as markdown") would have the model show a link it never sees.
 */
export const LOGIN_TOOL_DESCRIPTION = 'Log in to Kite when a tool says to. kite-chat shows the user the link; never repeat or invent one.';

/**
 * What the system prompt (prompts/system.md) says once for every list and search tool, so that their `from` and
 * `limit` need no description of their own: a 0-based `from` defaulting to 0, and everything returned without `limit`.
 */
export const PAGINATION_IN_SYSTEM_PROMPT = ['0-based', 'default 0', 'without one'] as const;
/** "Starting index for pagination (0-based). Default: 0" and other wordings of a page's first index. */
const PAGE_START = /\b(start(ing)?|first|offset)\b.*\bpagination\b|\bpagination\b.*\b(start(ing)?|offset)\b/i;
/** "Maximum number of holdings to return. If not specified, returns all holdings. …" */
const PAGE_LIMIT = /^\s*max(imum)?\.? (number of )?.+? to return\b.*\bnot specified\b.*\breturns all\b/is;
/** "Supports pagination for large datasets." in a tool's description, said again by its `from`/`limit` parameters. */
const PAGINATION_SENTENCE = /\s*\bSupports pagination\b[^.]*\.?/i;
/** "Eg. ['NSE:INFY', 'NSE:SBIN']. This API returns … in the format of exchange:tradingsymbol." */
const INSTRUMENT_EXAMPLE = /\be\.?g\.?\s*\[\s*['"]?(?<example>[A-Z]+:[^'",\]\s]+)/i;
const INSTRUMENT_FORMAT = /\bexchange:tradingsymbol\b/i;
const INSTRUMENT_CAP = /\bup to (?<count>\d+) instruments\b/i;
const DEFAULT_VALUE = /\bdefault:?\s*(?<value>[\w.-]+)/i;
const ZERO_BASED = /\b0-based\b/i;
const OPTIONAL_MARK = /\s*\(optional\)\.?\s*/i;

/** A tool's description in fewer words; `parameters` is its schema before conciseParameters. */
export function conciseToolDescription(name: string, description: unknown, parameters: JsonSchema): unknown {
  if (name === 'login') return LOGIN_TOOL_DESCRIPTION;
  if (typeof description !== 'string') return description;
  const properties = isRecord(parameters.properties) ? Object.values(parameters.properties) : [];
  const paginated = properties.some((property) => isRecord(property) && isPaginationText(property.description));
  return paginated ? description.replace(PAGINATION_SENTENCE, '').trim() : description;
}

/** The schema with its top-level parameter descriptions shortened; a new object, the input is not changed. */
export function conciseParameters(schema: JsonSchema): JsonSchema {
  if (!isRecord(schema.properties)) return schema;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => {
    if (!isRecord(property) || typeof property.description !== 'string') return [name, property];
    const short = conciseParameterText(name, property.description, { required: required.has(name) });
    // Keywords keep their order, so the definition reads as the server wrote it.
    const keywords = Object.entries(property).flatMap(([keyword, value]) =>
      keyword !== 'description' ? [[keyword, value]] : short === undefined ? [] : [[keyword, short]]);
    return [name, Object.fromEntries(keywords)];
  }));
  return { ...schema, properties };
}

/** One parameter's description in fewer words; undefined when it says nothing the name does not. */
export function conciseParameterText(name: string, text: string, options: { required: boolean }): string | undefined {
  // "Filter on a specific field. (Optional). […]": the required list already says which parameters may be left out.
  const description = options.required ? text : text.replace(OPTIONAL_MARK, ' ').trim();
  if (lettersOf(description) === lettersOf(name)) return undefined;
  if (PAGE_START.test(description)) {
    const fallback = DEFAULT_VALUE.exec(description)?.groups?.['value'];
    const zeroBased = ZERO_BASED.test(description);
    // The usual page start is said once, in the system prompt (PAGINATION_IN_SYSTEM_PROMPT), not on every list tool.
    if (zeroBased && (fallback === undefined || fallback === '0')) return undefined;
    const base = zeroBased ? '0-based offset' : 'Offset';
    return fallback === undefined ? base : `${base}; default ${fallback}`;
  }
  // "Returns everything without a limit" is said once, in the system prompt, too.
  if (PAGE_LIMIT.test(description)) return undefined;
  const example = INSTRUMENT_EXAMPLE.exec(description)?.groups?.['example'];
  if (example !== undefined && INSTRUMENT_FORMAT.test(description)) {
    const cap = INSTRUMENT_CAP.exec(description)?.groups?.['count'];
    return `exchange:tradingsymbol, e.g. ${example}${cap === undefined ? '' : `; up to ${cap}`}`;
  }
  return description;
}

function isPaginationText(description: unknown): boolean {
  return typeof description === 'string' && (PAGE_START.test(description) || PAGE_LIMIT.test(description));
}

/** "Trading symbol" and `tradingsymbol`, "Order ID" and `order_id`: the same letters. */
function lettersOf(text: string): string {
  return text.toLowerCase().replace(/^the\s+/, '').replace(/[^a-z0-9]/g, '');
}
