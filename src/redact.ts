/**
 * Keeps secrets out of logs, transcripts, error messages and the model's context (PEERS.md R8, R10): the values we
 * know (API keys, session ids, tokens) and the shapes we can recognise (Kite MCP session ids, UUIDs, signed login
 * parameters, bearer tokens, API keys, credentials in URLs, session headers), and the queries of links in messages.
 * The one set of redaction rules in kite-chat; every other module calls these. Pure: text in, text out.
 */
import { sanitizeForTerminal } from './terminal/text.js';

/** What a secret becomes; the patterns below also recognise it, so redacting twice changes nothing. */
const REDACTED = '[redacted]';
/** Shorter "secrets" would blank out ordinary words and numbers all over a log, and guess nothing worth hiding. */
const MIN_SECRET_LENGTH = 6;

/** A value after `key=` up to its end in a query string, header or prose; a redaction already inside it is absorbed. */
const VALUE = String.raw`(?:\[redacted\]|[^\s&"'<>()[\]{},;])+`;
/** Keys whose values are credentials wherever they appear (query strings, form bodies, JSON). */
const SECRET_KEYS = String.raw`session_?id|request_token|redirect_params|access_token|refresh_token`;
/** A link in a message: scheme, then anything up to a space, a quote or closing punctuation. */
const LINK = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>()]+/gi;

/** Each pattern keeps its first group (the key, or nothing) and replaces the rest with [redacted]. */
const PATTERNS: readonly RegExp[] = [
  // The kitemcp-<uuid4> ids of Kite's Streamable HTTP sessions (SERVER.md §1), and any other kitemcp- id.
  /()kitemcp-[\w-]+/gi,
  // Any other UUID: session and client ids of other servers.
  /()\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  // key=value and key%3Dvalue: the SSE sessionId, the signed session_id inside login links (query-escaped there),
  // Kite's request_token and redirect_params, OAuth tokens.
  new RegExp(String.raw`(\b(?:${SECRET_KEYS})(?:=|%3D))${VALUE}`, 'gi'),
  // The same keys as JSON fields, plus a JSON Mcp-Session-Id header and API keys.
  new RegExp(String.raw`("(?:${SECRET_KEYS}|mcp-session-id|api_?key)"\s*:\s*")[^"]+`, 'gi'),
  // The Mcp-Session-Id header as an HTTP header line.
  new RegExp(String.raw`(\bMcp-Session-Id\s*:\s*)${VALUE}`, 'gi'),
  // Authorization: Bearer <token> (RFC 6750 token characters).
  /(\bBearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
  // API keys in the OpenAI style (sk-…, sk-proj-…, rk-…, pk-…), also as a server echoes them half-starred.
  /()\b(?:sk|rk|pk)-[A-Za-z0-9_*-]{6,}/g,
  // A long run of letters and digits with both in it: a token, hash or key of some other shape.
  /()\b(?=\w*\d)(?=\w*[A-Za-z])\w{32,}/g,
  // user:password@ in a URL.
  /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+(?=@)/gi,
];

/** Every pattern above, for text that knows no secret values. */
export const redactSecrets = createRedactor({});

/**
 * Untrusted text (an error, a server's reply, a detail for a report) as one printable line: no terminal controls,
 * no secrets (the given values and every pattern above), and links cut to scheme, host and path (redactLink).
 */
export function safeLine(text: string, values: readonly string[] = []): string {
  return createRedactor({ values })(redactLinks(sanitizeForTerminal(text))).replace(/\s+/g, ' ').trim();
}

/** Every link in the text as redactLink leaves it: a query may carry a signed session or a token. */
function redactLinks(text: string): string {
  // A link without a query, fragment or credentials is left exactly as written.
  return text.replace(LINK, (link) => (/[?#@]/.test(link) ? redactLink(link) : link));
}

/** A function that redacts the given secret values and every pattern above. */
/** The configured API key as the list of secret values to mask: none when it is not set (or only blanks). */
export function keySecrets(apiKey: string | undefined): string[] {
  return apiKey === undefined || apiKey.trim() === '' ? [] : [apiKey];
}

export function createRedactor(secrets: { values?: readonly string[] }): (text: string) => string {
  const maskLiterals = createSecretMask(secrets.values ?? []);
  return (text) => {
    let redacted = maskLiterals(text);
    for (const pattern of PATTERNS) redacted = redacted.replace(pattern, (_match, key: string) => `${key}${REDACTED}`);
    return redacted;
  };
}

export interface SecretMask {
  /** The text with every known value replaced, whatever the value looks like. */
  (text: string): string;
  /** The same for text that arrives in pieces: a piece that may be the start of a value waits for the next. */
  stream(): { push(chunk: string): string; flush(): string };
}

/**
 * Masks known secret values (the configured API key) as literals, raw, query-escaped or JSON-escaped, in text that
 * is about to be printed. Only the values: link parameters and other shapes stay, as the user is meant to see them.
 */
export function createSecretMask(values: readonly string[]): SecretMask {
  const literals = [...new Set(values.flatMap(withEncodings))]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((left, right) => right.length - left.length); // a longer secret may contain a shorter one
  const pattern = literals.length === 0 ? undefined : new RegExp(literals.map(escapeRegExp).join('|'), 'g');
  const mask = (text: string) => (pattern === undefined ? text : text.replace(pattern, REDACTED));
  const longest = literals[0]?.length ?? 0;
  const startsASecret = (tail: string) => literals.some((literal) => literal.length > tail.length && literal.startsWith(tail));
  return Object.assign(mask, {
    stream() {
      let held = '';
      return {
        push(chunk: string) {
          const text = mask(held + chunk);
          let cut = text.length;
          for (let start = Math.max(0, text.length - longest + 1); start < text.length; start += 1) {
            if (startsASecret(text.slice(start))) {
              cut = start;
              break;
            }
          }
          held = text.slice(cut);
          return text.slice(0, cut);
        },
        flush() {
          const rest = mask(held);
          held = '';
          return rest;
        },
      };
    },
  });
}

/** Scheme, host and path of a link; its query (where Kite's signed session lives) and fragment become `?…`. */
export function redactLink(url: string): string {
  if (!URL.canParse(url)) return cutAtQuery(url);
  const parsed = new URL(url);
  const authority = parsed.host === '' ? '' : `//${parsed.host}`; // userinfo is dropped on purpose
  const base = `${parsed.protocol}${authority}${parsed.pathname}`;
  return parsed.search === '' && parsed.hash === '' ? base : `${base}?…`;
}

function cutAtQuery(text: string): string {
  const cut = text.search(/[?#]/);
  return cut === -1 ? text : `${text.slice(0, cut)}?…`;
}

/** A secret raw, inside a URL (session ids travel query-escaped in login links) and inside a JSON string. */
function withEncodings(value: string): string[] {
  return [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
