/**
 * What kite-chat says about a Kite login, worded in one place: the way out when it cannot start the login itself,
 * the lines the user sees when the server's `login` answer holds no usable link, who an "already logged in" answer
 * names. What the model is told about each outcome is login/outcome.ts's. login/kite-login.ts runs the flow; this
 * module only words it.
 */
import { sanitizeForTerminal } from '../terminal/text.js';

/**
 * What the user can do when kite-chat cannot start the Kite login itself. One constant, so that another way out
 * (such as a `kite-chat doctor` command) is added in one place and reaches every message.
 */
export const LOGIN_SELF_HELP =
  "open the MCP server's page in your browser yourself and log in there, or run `kite-chat doctor` to see what is wrong";

/** The one-line failure when a login could not be started: the lines before it said why and what to do. */
export const LOGIN_NOT_STARTED = 'Kite login could not be started; see the lines above.';

/** A server's answer shown to the user is cut here, so a runaway text cannot flood the terminal. */
const MAX_SHOWN_ANSWER_CHARS = 2_000;
/** A user name longer than this is not a name; it is cut, so a crafted answer cannot flood a status line. */
const MAX_USER_NAME_CHARS = 100;
/** SERVER.md §2: `You are already logged in as <user_name>`, in some versions followed by another sentence. */
const ALREADY_LOGGED_IN = /^\s*You are already logged in as (.+)/i;
/**
 * The sentence after the name (". There is no need to log in again."): a full stop, then a capitalised word and a
 * lower-case one. An initial inside a name ("R. K. Sharma") is followed by another capitalised word, so it stays.
 */
const NEXT_SENTENCE = /\.\s+[A-Z][a-z]+\s+[a-z].*$/;

/** The user's name in an "already logged in" answer, and nothing after it; undefined for any other text. */
export function alreadyLoggedInAs(text: string): string | undefined {
  // `.` stops at the line's end: the name is on the first line
  const rest = ALREADY_LOGGED_IN.exec(sanitizeForTerminal(text))?.[1];
  if (rest === undefined) return undefined;
  const name = rest.replace(NEXT_SENTENCE, '').trim().replace(/\.$/, '').trim();
  return name === '' ? undefined : name.slice(0, MAX_USER_NAME_CHARS);
}

/** The server's `login` answer as the user may see it: terminal controls stripped, cut to a screenful. */
export function answerForUser(text: string): string {
  const shown = sanitizeForTerminal(text).trim();
  return shown.length > MAX_SHOWN_ANSWER_CHARS ? `${shown.slice(0, MAX_SHOWN_ANSWER_CHARS)}…` : shown;
}

/** The one line after a `login` answer without a readable link: what happened and what to do. */
export function noLinkAdvice(serverUrl: URL): string {
  return `No login link could be read from the answer of ${serverUrl.origin} above: ${LOGIN_SELF_HELP}.`;
}

/** The one line after a refused link's warning (which names the link's real host and why). */
export function refusedLinkAdvice(serverUrl: URL): string {
  return `Not logged in to ${serverUrl.origin}: ${LOGIN_SELF_HELP}.`;
}
