/**
 * The Kite login, owned by the program rather than the model (CONTRACT.md "Login"): read the link out of the
 * `login` tool's text, check it, show Kite's risk warning and the link, open it without a shell, then wait until a
 * read-only probe (`get_profile`) succeeds on the same MCP session, the user presses Enter (REPL), or time runs out.
 * An answer without a usable link is never a dead end: the user sees it, or the refusal, with what to do.
 * The model is only ever told that a link was shown and how the login ended; it never sees the signed link.
 */
import { alreadyLoggedInAs, answerForUser, noLinkAdvice, refusedLinkAdvice } from './messages.js';
import type { OpenLink } from './opener.js';
import type { LoginOutcome } from './outcome.js';
import { checkLoginLink, extractLoginLink, extractLoginWarning, KITE_RISK_WARNING } from './safe-link.js';
import { oneLineForTerminal } from '../terminal/text.js';
import type { ToolOutcome } from '../tools/tool.js';

/** SERVER.md §2: the server is not told when a login completes, so we poll; every 2 s feels immediate to a person. */
const LOGIN_POLL_INTERVAL_MS = 2_000;
/** The REPL's question while it waits: what the person does, and the one key that says it is done. */
export const LOGIN_WAIT_QUESTION = 'Log in in your browser; kite-chat carries on by itself, or press Enter when you are done. ';

/** Calls a read-only tool without arguments on the session the login is for. */
type ProbeTool = (name: string, signal: AbortSignal) => Promise<ToolOutcome>;

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

/** Handles what the `login` tool returned: shows and opens the link, waits, and says how it ended. */
export async function completeLogin(answer: ToolOutcome, deps: LoginDeps): Promise<LoginOutcome> {
  if (answer.isError) return showUnreadableAnswer(answer.text, deps);
  const userName = alreadyLoggedInAs(answer.text);
  if (userName !== undefined) return { status: 'already', userName: oneLineForTerminal(userName) || 'the user' };
  const link = extractLoginLink(answer.text);
  if (link === undefined) return showUnreadableAnswer(answer.text, deps);
  const checked = checkLoginLink(link, deps.serverUrl);
  if (!checked.ok) {
    deps.screen.warn(checked.reason); // names the real host and why; the link itself is not shown
    deps.screen.warn(refusedLinkAdvice(deps.serverUrl));
    return { status: 'refused', reason: checked.reason };
  }
  deps.screen.showLink({ warning: extractLoginWarning(answer.text) ?? KITE_RISK_WARNING, link: checked.url.href });
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

/** A `login` answer with no link kite-chat can read (or an error): the user sees it and what to do. */
export function showUnreadableAnswer(text: string, deps: Pick<LoginDeps, 'screen' | 'serverUrl'>): LoginOutcome {
  const shown = answerForUser(text);
  if (shown !== '') deps.screen.status(shown);
  deps.screen.warn(noLinkAdvice(deps.serverUrl));
  return { status: 'no-link', text };
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
    return userNameFromAnswer(await probe('get_profile', signal));
  } catch {
    return undefined; // a failed probe means "not yet"; the loop's deadline ends the wait
  }
}

/**
 * Who a profile (get_profile, or the next server's `portfolio` profile) belongs to, as one line safe to print: the
 * server's text is untrusted, and a name carrying terminal controls must not clear the screen or set the clipboard.
 * The name, else the user id, else "the user"; `withId` adds the id after a name ("Ravi Kumar (AB1234)"). The one
 * reader of a profile in kite-chat. Throws when the text is not JSON.
 */
export function userNameFromProfile(text: string, options: { withId?: boolean } = {}): string {
  const profile = JSON.parse(text) as { user_name?: unknown; user_id?: unknown } | null;
  const name = shownValue(profile?.user_name);
  const id = shownValue(profile?.user_id);
  if (options.withId === true && name !== '' && id !== '') return `${name} (${id})`;
  return name || id || 'the user';
}

/** The user's name from a profile call's answer (as userNameFromProfile), or undefined when it failed or is not JSON. */
export function userNameFromAnswer(answer: ToolOutcome, options: { withId?: boolean } = {}): string | undefined {
  if (answer.isError) return undefined;
  try {
    return userNameFromProfile(answer.text, options);
  } catch {
    return undefined;
  }
}

function shownValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? oneLineForTerminal(String(value)) : '';
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
