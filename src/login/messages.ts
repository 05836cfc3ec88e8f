/**
 * What kite-chat says about a Kite login, worded in one place: the way out when it cannot start the login itself,
 * the lines the user sees when the server's `login` answer holds no usable link, who an "already logged in" answer
 * names, and what the model is told about each outcome (facts only, never a link: the signed link is a credential).
 * login/kite-login.ts runs the flow; this module only words it.
 */
import type { LoginOutcome } from './kite-login.js';
import { redactSecrets } from '../redact.js';
import { sanitizeForTerminal } from '../terminal/text.js';

/**
 * What the user can do when kite-chat cannot start the Kite login itself. One constant, so that another way out
 * (such as a `kite-chat doctor` command) is added in one place and reaches every message.
 */
export const LOGIN_SELF_HELP =
  "open the MCP server's page in your browser yourself and log in there, or run `kite-chat doctor` to see what is wrong";

/** A server's answer shown to the user is cut here, so a runaway text cannot flood the terminal. */
const MAX_SHOWN_ANSWER_CHARS = 2_000;
/** What the model gets of a server answer without a usable link: enough for an error text, not a page. */
const MAX_ANSWER_FOR_MODEL_CHARS = 500;
/** A user name longer than this is not a name; it is cut, so a crafted answer cannot flood a status line. */
const MAX_USER_NAME_CHARS = 100;
/** SERVER.md §2: `You are already logged in as <user_name>`, in some versions followed by another sentence. */
const ALREADY_LOGGED_IN = /^\s*You are already logged in as (.+)/i;
/**
 * The sentence after the name (". There is no need to log in again."): a full stop, then a capitalised word and a
 * lower-case one. An initial inside a name ("R. K. Sharma") is followed by another capitalised word, so it stays.
 */
const NEXT_SENTENCE = /\.\s+[A-Z][a-z]+\s+[a-z].*$/;
/** Links with a scheme (and the schemes that need no `//`): none reaches the model, as one may be signed. */
const LINK_WITH_SCHEME = /\b(?:[a-z][a-z0-9+.-]*:\/\/|(?:javascript|data|file|vbscript|blob):)[^\s)\]>"'`]*/gi;
/** A host and path written without a scheme (`mcp.kite.trade/authorize?…`): a person could still open it. */
const HOST_AND_PATH = /\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\/[^\s)\]>"'`]*/gi;

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

/** What the model hears about the login: facts only, never a link. */
export function loginMessageForModel(outcome: LoginOutcome): string {
  switch (outcome.status) {
    case 'logged-in':
      return `The login link was shown to the user and the user has now logged in to Kite as ${outcome.userName}. Continue with the user's request.`;
    case 'already':
      return `The user is already logged in to Kite as ${outcome.userName}.`;
    case 'refused':
      return 'The server returned a login link that kite-chat refused to open because it is not a Kite login link. Tell the user the login could not be started safely.';
    case 'no-link':
      return 'No login link could be read from the login tool\'s answer; the answer and what to do were shown to the user. '
        + `Tell the user the login could not be started here. The server's answer, without its links: ${withoutLinks(outcome.text)}`;
    case 'not-completed':
      return 'A login link was shown to the user, but the login was not completed. Ask the user to log in (they can type /login) and then ask again.';
    case 'session-lost':
      return 'The connection to the Kite server was lost before the login finished; a new login is needed.';
  }
}

/** The text without its links and without anything shaped like a session id or token, cut short. */
function withoutLinks(text: string): string {
  const unlinked = sanitizeForTerminal(text).replace(LINK_WITH_SCHEME, '[link removed]').replace(HOST_AND_PATH, '[link removed]');
  const plain = redactSecrets(unlinked).trim();
  return plain.length > MAX_ANSWER_FOR_MODEL_CHARS ? `${plain.slice(0, MAX_ANSWER_FOR_MODEL_CHARS)}…` : plain;
}
