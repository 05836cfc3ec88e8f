/**
 * Model API failures in one line each (ModelApiError, exit 5; ContextLengthError when the conversation no longer fits):
 * what went wrong, at which origin, and what to do, with the server's own words quoted safely (redact.ts: no control
 * characters, credentials or keys, and short). Never the 401 text, which may echo part of the key.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ContextLengthError, ModelApiError } from '../errors.js';
import { safeLine } from '../redact.js';

/** Where the client goes when no base URL is given; only there are OpenAI-only parameters sent. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Server text quoted in an error line is cut here: enough for "model x does not support tools", not a web page. */
const MAX_QUOTED_CHARS = 200;
/** OpenAI's error code for a request that does not fit the model's context window. */
const CONTEXT_LENGTH_CODE = 'context_length_exceeded';

export function describeModelError(error: unknown, baseURL: string | undefined, model?: string): ModelApiError {
  if (error instanceof ModelApiError) return error;
  if (isContextLengthError(error)) {
    const modelName = model === undefined ? 'the model' : `model "${model}"`;
    return new ContextLengthError(
      `The conversation is too long for ${modelName} at ${originOf(baseURL)} (400${serverSaid(error)}): `
        + 'use /clear in the chat, or ask about less data at once.',
      { cause: error },
    );
  }
  return new ModelApiError(describe(error, originOf(baseURL), model), { cause: error });
}

/** OpenAI's 400 for a request larger than the context window (vLLM and LiteLLM send the same code). */
function isContextLengthError(error: unknown): error is APIError {
  return error instanceof APIError && error.status === 400 && [error.code, error.type].includes(CONTEXT_LENGTH_CODE);
}

function describe(error: unknown, origin: string, model: string | undefined): string {
  const modelName = model === undefined ? 'the configured model' : `model "${model}"`;
  if (error instanceof APIUserAbortError) return 'The model request was cancelled.';
  if (error instanceof APIConnectionTimeoutError) return unreachable(origin, 'timed out');
  if (error instanceof APIConnectionError) return unreachable(origin, connectionReason(error));
  if (error instanceof APIError && error.status !== undefined) {
    const status: number = error.status;
    const said = serverSaid(error);
    if (status === 401) return `The model API rejected the key (401) at ${origin}: check OPENAI_API_KEY.`;
    if (status === 403 || status === 404) {
      return `The model API at ${origin} refused ${modelName} (${status}${said}): check --model or OPENAI_MODEL, `
        + 'that your key may use that model, and that OPENAI_BASE_URL ends in /v1.';
    }
    if (status === 429 && [error.code, error.type].includes('insufficient_quota')) {
      return `The model API at ${origin} says the account is out of quota (429): check your plan and billing.`;
    }
    if (status === 429) {
      return `The model API at ${origin} is rate-limiting requests (429): wait a minute and try again, or check your plan's limits.`;
    }
    if (status >= 500) return `The model API at ${origin} failed (${status}${said}): try again in a few minutes.`;
    if (status === 400) {
      return `The model API at ${origin} rejected the request (400${said}): check that ${modelName} exists there and supports tool calling.`;
    }
    return `The model API at ${origin} refused the request (${status}${said}): check OPENAI_BASE_URL and --model.`;
  }
  if (error instanceof APIError) {
    return `The model API at ${origin} reported an error in the middle of its answer${serverSaid(error)}: try again.`;
  }
  if (error instanceof SyntaxError) {
    return `The model API at ${origin} sent a reply that is not JSON: check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.`;
  }
  if (isStreamBreak(error)) return stoppedHalfway(origin);
  const message = error instanceof Error ? error.message : String(error);
  return `The model API call to ${origin} failed (${quote(message)}): check OPENAI_BASE_URL and try again.`;
}

export function stalled(origin: string, idleMs: number): string {
  return `The model API at ${origin} sent nothing for ${Math.round(idleMs / 100) / 10} s in the middle of its answer: `
    + 'try again, and check OPENAI_BASE_URL or your network if it keeps happening.';
}

function unreachable(origin: string, reason: string | undefined): string {
  return `Cannot reach the model API at ${origin}${reason === undefined ? '' : ` (${reason})`}: check OPENAI_BASE_URL or your network.`;
}

export function stoppedHalfway(origin: string): string {
  return `The model API at ${origin} stopped in the middle of its answer: try again, and check OPENAI_BASE_URL or your network if it keeps happening.`;
}

/** Words for the network error codes people meet; any other code is shown as is. */
const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
};

function connectionReason(error: unknown): string | undefined {
  const code = errorCodes(error)[0];
  if (code === undefined) return undefined;
  return CONNECTION_REASONS[code] ?? code;
}

/** The `code` of an error and its causes, outermost first (undici hides the socket error two causes deep). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** undici's error when a response body breaks off: `TypeError: terminated`, caused by a socket error. */
function isStreamBreak(error: unknown): boolean {
  if (error instanceof TypeError && error.message === 'terminated') return true;
  return errorCodes(error).some((code) => code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'UND_ERR_BODY_TIMEOUT');
}

/** The server's own error message as `: "…"`, or nothing; never the 401 text, which may echo part of the key. */
export function serverSaid(error: APIError): string {
  const body: unknown = error.error;
  const fromBody = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  const text = typeof fromBody === 'string' ? fromBody : error.message.replace(/^\d{3} /, '');
  if (text === '' || /status code \(no body\)|^\(no status code or body\)$/.test(text)) return '';
  return `: ${quote(text)}`;
}

/** Untrusted text made safe for one line (redact.ts: no control characters, credentials or keys), and short. */
function quote(text: string): string {
  if (text.trimStart().startsWith('<')) return 'an HTML page, not an API reply';
  const safe = safeLine(text);
  return safe.length <= MAX_QUOTED_CHARS ? safe : `${safe.slice(0, MAX_QUOTED_CHARS - 1)}…`;
}

export function originOf(baseURL: string | undefined): string {
  try {
    return new URL(baseURL ?? OPENAI_BASE_URL).origin; // an origin never carries user:password@
  } catch {
    return '(an invalid OPENAI_BASE_URL)';
  }
}
