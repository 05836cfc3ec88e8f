/**
 * JSON values as kite-chat reads them from servers, models and its own files: telling a plain object apart, parsing
 * without throwing, and writing a value the same way whatever the order of its keys (for hashes and for comparing two
 * calls). Pure; the one copy of each of these ideas in src/.
 */

/** A plain object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed value, or undefined for text that is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever order their keys came in. Fields whose value
 * is undefined are left out, as JSON.stringify does; with `omitNull` so are null fields (Kite reads null as absent).
 */
export function canonicalJson(value: unknown, options: { omitNull?: boolean } = {}): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, options)).join(',')}]`;
  if (isRecord(value)) {
    const kept = (key: string) => value[key] !== undefined && !(options.omitNull === true && value[key] === null);
    const keys = Object.keys(value).filter(kept).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key], options)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
