/**
 * How a Kite login can end (LoginOutcome), and what the model is told about each ending: facts only, never a link,
 * because the signed link is a credential. login/kite-login.ts produces the outcomes; tools/executor.ts passes the
 * words on to the model.
 */
import { redactSecrets } from '../redact.js';
import { sanitizeForTerminal } from '../terminal/text.js';

/** What the model gets of a server answer without a usable link: enough for an error text, not a page. */
const MAX_ANSWER_FOR_MODEL_CHARS = 500;
/** Links with a scheme (and the schemes that need no `//`): none reaches the model, as one may be signed. */
const LINK_WITH_SCHEME = /\b(?:[a-z][a-z0-9+.-]*:\/\/|(?:javascript|data|file|vbscript|blob):)[^\s)\]>"'`]*/gi;
/** A host and path written without a scheme (`mcp.kite.trade/authorize?…`): a person could still open it. */
const HOST_AND_PATH = /\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\/[^\s)\]>"'`]*/gi;

export type LoginOutcome =
  | { status: 'logged-in'; userName: string }
  | { status: 'already'; userName: string }
  | { status: 'refused'; reason: string }
  | { status: 'no-link'; text: string }
  | { status: 'not-completed'; link: string; waitedMs: number }
  | { status: 'session-lost' };

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
