/**
 * The Kite login, owned by the program rather than the model (CONTRACT.md "Login"): read the link out of the
 * `login` tool's text, check it, show Kite's risk warning and the link, open it without a shell, then wait until a
 * read-only probe (`get_profile`) succeeds on the same MCP session, the user presses Enter (REPL), or time runs out.
 * The model is only ever told that a link was shown and how the login ended; it never sees the signed link.
 */
import type { OpenLink } from './opener.js';
import { createRedactor } from './redact.js';
import { checkLoginLink, extractLoginLink, extractLoginWarning, KITE_RISK_WARNING } from './safe-link.js';
import { oneLineForTerminal } from './terminal-text.js';

/** SERVER.md §2: the server is not told when a login completes, so we poll; every 2 s feels immediate to a person. */
export const LOGIN_POLL_INTERVAL_MS = 2_000;
/** The REPL's question while it waits: what the person does, and the one key that says it is done. */
export const LOGIN_WAIT_QUESTION = 'Log in in your browser; kite-chat carries on by itself, or press Enter when you are done. ';

const ALREADY_LOGGED_IN = /^You are already logged in as (.+?)\s*$/;
/** Links in a `login` text we could not read a login link from: one may still be signed, so the model gets none. */
const LINK_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|(?:javascript|data|file|vbscript|blob):)[^\s)\]>"'`]*/gi;
const redactSecrets = createRedactor({});

export type ProbeTool = (name: string, signal: AbortSignal) => Promise<{ text: string; isError: boolean }>;

export interface LoginScreen {
  showLink(input: { warning: string; link: string }): void;
  status(line: string): void;
  warn(line: string): void;
}

export interface LoginDeps {
  probe: ProbeTool;
  serverUrl: URL;
  /** undefined with --no-browser. */
  openLink: OpenLink | undefined;
  screen: LoginScreen;
  /** REPL only: asks `question` and resolves when the user presses Enter; withdrawn (aborted) once the login is seen. */
  waitForEnter: ((question: string, signal: AbortSignal) => Promise<void>) | undefined;
  timeoutMs: number;
  pollIntervalMs?: number;
  /** Aborts when the user cancels (Ctrl-C). */
  signal: AbortSignal;
  /** Aborts when the MCP session is lost while we wait (SSE: the login dies with the connection). */
  sessionLost?: AbortSignal;
}

export type LoginOutcome =
  | { status: 'logged-in'; userName: string }
  | { status: 'already'; userName: string }
  | { status: 'refused'; reason: string }
  | { status: 'no-link'; text: string }
  | { status: 'not-completed'; link: string; waitedMs: number }
  | { status: 'session-lost' };

/** Handles the text the `login` tool returned: shows and opens the link, waits, and says how it ended. */
export async function completeLogin(loginText: string, deps: LoginDeps): Promise<LoginOutcome> {
  const already = ALREADY_LOGGED_IN.exec(loginText.trim());
  if (already?.[1] !== undefined) return { status: 'already', userName: oneLineForTerminal(already[1]) || 'the user' };
  const link = extractLoginLink(loginText);
  if (link === undefined) return { status: 'no-link', text: loginText };
  const checked = checkLoginLink(link, deps.serverUrl);
  if (!checked.ok) {
    deps.screen.warn(checked.reason);
    return { status: 'refused', reason: checked.reason };
  }
  deps.screen.showLink({ warning: extractLoginWarning(loginText) ?? KITE_RISK_WARNING, link: checked.url.href });
  if (deps.openLink !== undefined) {
    const opened = await deps.openLink(checked.url);
    if (!opened.ok) deps.screen.warn(`Could not open a browser (${opened.reason}); open the link above yourself.`);
  }
  if (deps.timeoutMs <= 0) return { status: 'not-completed', link: checked.url.href, waitedMs: 0 };
  if (deps.waitForEnter === undefined) {
    deps.screen.status(`Waiting for the login in your browser (up to ${Math.round(deps.timeoutMs / 1000)} s)…`);
  }
  return waitForLogin(checked.url.href, deps);
}

/** What the model hears about the login: facts only, never the link. */
export function loginMessageForModel(outcome: LoginOutcome): string {
  switch (outcome.status) {
    case 'logged-in':
      return `The login link was shown to the user and the user has now logged in to Kite as ${outcome.userName}. Continue with the user's request.`;
    case 'already':
      return `The user is already logged in to Kite as ${outcome.userName}.`;
    case 'refused':
      return 'The server returned a login link that kite-chat refused to open because it is not a Kite login link. Tell the user the login could not be started safely.';
    case 'no-link':
      return `The login tool returned no login link: ${withoutLinks(outcome.text)}`;
    case 'not-completed':
      return 'A login link was shown to the user, but the login was not completed. Ask the user to log in (they can type /login) and then ask again.';
    case 'session-lost':
      return 'The connection to the Kite server was lost before the login finished; a new login is needed.';
  }
}

/** The text without its links and without anything shaped like a session id or token. */
function withoutLinks(text: string): string {
  return redactSecrets(text.replace(LINK_LIKE, '[link removed]'));
}

async function waitForLogin(link: string, deps: LoginDeps): Promise<LoginOutcome> {
  const started = Date.now();
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  deps.signal.addEventListener('abort', stopWaiting, { once: true });
  deps.sessionLost?.addEventListener('abort', stopWaiting, { once: true });
  const deadline = setTimeout(stopWaiting, deps.timeoutMs);
  try {
    const enterPressed = deps.waitForEnter?.(LOGIN_WAIT_QUESTION, waiting.signal).then(
      () => 'enter' as const,
      () => 'stopped' as const,
    );
    while (!waiting.signal.aborted) {
      const userName = await probeProfile(deps.probe, waiting.signal);
      if (userName !== undefined) return { status: 'logged-in', userName };
      const next = await Promise.race([
        sleep(deps.pollIntervalMs ?? LOGIN_POLL_INTERVAL_MS, waiting.signal).then(() => 'tick' as const),
        enterPressed ?? new Promise<never>(() => {}),
      ]);
      if (next === 'enter') {
        const afterEnter = await probeProfile(deps.probe, deps.signal);
        if (afterEnter !== undefined) return { status: 'logged-in', userName: afterEnter };
        deps.screen.warn('Kite does not show you as logged in yet.');
        return { status: 'not-completed', link, waitedMs: Date.now() - started };
      }
    }
    deps.signal.throwIfAborted();
    if (deps.sessionLost?.aborted === true) return { status: 'session-lost' };
    return { status: 'not-completed', link, waitedMs: Date.now() - started };
  } finally {
    clearTimeout(deadline);
    waiting.abort();
    deps.signal.removeEventListener('abort', stopWaiting);
    deps.sessionLost?.removeEventListener('abort', stopWaiting);
  }
}

/** The user's name when `get_profile` succeeds on this session, else undefined (not logged in, or gone). */
async function probeProfile(probe: ProbeTool, signal: AbortSignal): Promise<string | undefined> {
  if (signal.aborted) return undefined;
  try {
    const result = await probe('get_profile', signal);
    return result.isError ? undefined : userNameFromProfile(result.text);
  } catch {
    return undefined; // a failed probe means "not yet"; the loop's deadline ends the wait
  }
}

/**
 * Who a profile (get_profile, or the next server's `portfolio` profile) belongs to, as one line safe to print: the
 * server's text is untrusted, and a name carrying terminal controls must not clear the screen or set the clipboard.
 * Throws when the text is not JSON.
 */
export function userNameFromProfile(text: string): string {
  const profile = JSON.parse(text) as { user_name?: unknown; user_id?: unknown } | null;
  for (const candidate of [profile?.user_name, profile?.user_id]) {
    const shown = typeof candidate === 'string' || typeof candidate === 'number' ? oneLineForTerminal(String(candidate)) : '';
    if (shown !== '') return shown;
  }
  return 'the user';
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
