/**
 * How MCP connection and call failures are worded: the error classes mcp/session.ts and mcp/live-session.ts throw,
 * the failure kinds they classify SDK errors into, and their one-line messages (redacted by redact.ts before they
 * are printed or logged). No SDK imports here: classifying the SDK's error classes is mcp/sdk-errors.ts's. Messages
 * name the server by origin + path only (no query string, userinfo or session id), because they are printed.
 */
import { McpConnectError } from '../errors.js';
import { safeLine } from '../redact.js';

/** Error texts can quote a whole server reply; a printed reason is a hint, not a dump. */
const MAX_REASON_CHARS = 120;
const ADVICE_NETWORK = 'check --url / KITE_MCP_URL and your network.';

/**
 * A resumed or saved session that the server no longer knows (Kite: 400 Invalid session ID, 404 Session terminated),
 * at `place` (serverPlace: origin and path).
 */
export class McpSessionGoneError extends McpConnectError {
  readonly status: 400 | 404;
  constructor(place: string, status: 400 | 404, options?: ErrorOptions) {
    super(sessionGoneMessage(place, status), options);
    this.status = status;
  }
}

/** The server answered 401/403 before it would connect: it wants an authorization (OAuth) kite-chat does not hold. */
export class McpUnauthorizedError extends McpConnectError {}

/** A tool call outlived its timeout; the message names the tool and the seconds. */
export class ToolTimeoutError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolTimeoutError';
  }
}

/**
 * The token ran out or was revoked during a call, and the user has authorized again. The call was refused before it
 * ran and is not repeated (it may have been an order); the message is what the model reads, so it says what to do.
 */
export class AuthorizationRenewedError extends Error {
  constructor(toolName: string) {
    super(`The server asked for a new authorization, which is now done; ${toolName} was not sent. Call it again if it is still wanted.`);
    this.name = 'AuthorizationRenewedError';
  }
}

export type Failure =
  | { kind: 'gone'; status: 400 | 404 }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'server-error'; status: number }
  | { kind: 'not-mcp'; reason: string }
  | { kind: 'unauthorized'; status: number }
  | { kind: 'timeout'; seconds: number | undefined }
  | { kind: 'closed' }
  | { kind: 'unknown'; reason: string };

/** Origin and path: what a printed message may say about where the server is. */
export function serverPlace(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function failureFromHttpStatus(status: number, message: string, hadSession: boolean): Failure {
  // SERVER.md §1: Kite answers 404 for an expired or ended session and 400 "Invalid session ID" for an unknown one;
  // a 400 that does not mention the session is some other complaint, and must not cost the user their login.
  if (hadSession && status === 404) return { kind: 'gone', status: 404 };
  if (hadSession && status === 400 && /session/i.test(message)) return { kind: 'gone', status: 400 };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  if (status >= 500) return { kind: 'server-error', status };
  if (status === 200) return { kind: 'not-mcp', reason: 'not an event stream' };
  return { kind: 'not-mcp', reason: `HTTP ${status}` };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no reply',
  UND_ERR_SOCKET: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};
const TLS_CODE = /\b(ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z0-9_]+|[A-Z_]*CERT[A-Z_]*|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/;

/** Classifies an error by its text (and its causes' codes), for errors that carry no structured status. */
export function failureFromMessage(text: string, hadSession: boolean): Failure {
  const status = /\(HTTP (\d{3})\)/.exec(text)?.[1];
  if (status !== undefined) return failureFromHttpStatus(Number(status), text, hadSession);
  for (const [code, words] of Object.entries(NETWORK_CODES)) {
    if (new RegExp(`\\b${code}\\b`).test(text)) return { kind: 'unreachable', reason: words };
  }
  const tls = TLS_CODE.exec(text)?.[1];
  if (tls !== undefined) return { kind: 'unreachable', reason: `TLS error ${tls}` };
  if (/\b(SSL|TLS)\b|certificate/i.test(text)) return { kind: 'unreachable', reason: 'TLS error' };
  if (/fetch failed/i.test(text)) return { kind: 'unreachable', reason: 'network error' };
  return { kind: 'unknown', reason: shortReason(text) };
}

export function connectFailureMessage(place: string, failure: Failure): string {
  switch (failure.kind) {
    case 'gone':
      return sessionGoneMessage(place, failure.status);
    case 'unreachable':
      return `Cannot reach the Kite MCP server at ${place} (${failure.reason}): ${ADVICE_NETWORK}`;
    case 'server-error':
      return `The Kite MCP server at ${place} failed (HTTP ${failure.status}): try again in a minute, or check --url / KITE_MCP_URL.`;
    case 'not-mcp':
      return `The server at ${place} does not answer as an MCP server (${failure.reason}): check --url / KITE_MCP_URL (Kite's is https://mcp.kite.trade/sse or /mcp).`;
    case 'unauthorized':
      return `The MCP server at ${place} requires authorization (HTTP ${failure.status}): run kite-chat login, or check --url / KITE_MCP_URL.`;
    case 'timeout':
      return `The Kite MCP server at ${place} did not answer${within(failure.seconds)}: ${ADVICE_NETWORK}`;
    case 'closed':
      return `The Kite MCP server at ${place} closed the connection: ${ADVICE_NETWORK}`;
    case 'unknown':
      return `Cannot connect to the Kite MCP server at ${place} (${failure.reason}): ${ADVICE_NETWORK}`;
  }
}

/**
 * A failure after the connection was up, while `doing` (e.g. "running get_holdings"). No "try again": the request
 * may have reached the server, and for an order that decision belongs to the user, not to an error message.
 */
export function callFailureMessage(place: string, doing: string, failure: Failure): string {
  switch (failure.kind) {
    case 'gone':
      return sessionGoneMessage(place, failure.status);
    case 'unreachable':
      return `Lost contact with the Kite MCP server at ${place} while ${doing} (${failure.reason}): check your network.`;
    case 'server-error':
      return `The Kite MCP server at ${place} failed while ${doing} (HTTP ${failure.status}).`;
    case 'not-mcp':
      return `The Kite MCP server at ${place} sent a reply that is not MCP while ${doing} (${failure.reason}).`;
    case 'unauthorized':
      return `The MCP server at ${place} refused authorization while ${doing} (HTTP ${failure.status}): log in again.`;
    case 'timeout':
      return `The Kite MCP server at ${place} did not answer${within(failure.seconds)} while ${doing}.`;
    case 'closed':
      return `The connection to the Kite MCP server at ${place} closed while ${doing}, before a reply arrived.`;
    case 'unknown':
      return `The Kite MCP server at ${place} failed while ${doing} (${failure.reason}).`;
  }
}

/** A step of the OAuth login (discovery, registration, the token exchange) failed; `reason` is unredacted text. */
export function authorizationFailureMessage(place: string, reason: string): string {
  const failure = failureFromMessage(reason, false);
  const why = failure.kind === 'unreachable' ? failure.reason : shortReason(reason);
  return `Could not authorize kite-chat with the MCP server at ${place} (${why}): run kite-chat login to try again, or check --url / KITE_MCP_URL.`;
}

function sessionGoneMessage(place: string, status: 400 | 404): string {
  return `The Kite MCP session at ${place} has ended on the server (HTTP ${status}): start a new session and log in again.`;
}

/** The message plus its causes' messages and codes, so fetch's "fetch failed" still tells ECONNREFUSED from TLS. */
export function errorChainText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return parts.join(': ');
}

function shortReason(text: string): string {
  const clean = safeLine(text).replace(/^(MCP error|Streamable HTTP error|SSE error):\s*/i, '').trim();
  if (clean === '') return 'no details';
  return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS - 1)}…` : clean;
}

function within(seconds: number | undefined): string {
  return seconds === undefined ? ' in time' : ` within ${Math.round(seconds * 10) / 10} s`;
}
