/**
 * The executor's side of the program-owned Kite login (login/kite-login.ts runs the flow itself): one login at a time
 * for every call that found the user logged out, the login a read or a write needs first, and who is logged in.
 * Kite's next server has no `login` tool (connecting is the login, done by OAuth in mcp/), so there "logging in" is
 * asking who the token belongs to. In --ask a login that does not complete, or that a read needed and could not
 * start, ends the run (exit 3, onFatal).
 */
import { LoginRequiredError, type CliError } from '../errors.js';
import { completeLogin, showUnreadableAnswer, userNameFromAnswer, type LoginDeps } from '../login/kite-login.js';
import { LOGIN_NOT_STARTED } from '../login/messages.js';
import { loginMessageForModel, type LoginOutcome } from '../login/outcome.js';
import type { McpConnection } from '../mcp/connection.js';
import type { McpSession } from '../mcp/session.js';
import { PROFILE_CALLS, type Catalog } from './policy.js';
import { toolOutcome } from './schema.js';
import type { SessionCall } from './session-call.js';
import type { ToolOutcome } from './tool.js';

/** SERVER.md §2: the first Kite call on a session that is not logged in answers this. */
const LOGIN_FIRST = /Please log in first using the login tool/;
/** SERVER.md §2: after Kite's daily token expiry every Kite-backed tool answers a generic "Failed to …". */
const GENERIC_KITE_FAILURE = /^Failed to /;
/** Tools that never touch the Kite session, so their failures say nothing about the login. */
const NO_LOGIN_TOOLS = new Set(['login', 'search_instruments']);
/** A server that keeps losing the session within one call is broken; stop rather than loop. */
const MAX_LOGIN_ATTEMPTS = 3;

interface LoginRunnerDeps {
  connection: McpConnection;
  catalog: Catalog;
  mode: 'ask' | 'repl';
  login: Omit<LoginDeps, 'probe' | 'signal' | 'sessionLost' | 'serverUrl'>;
  serverUrl: URL;
  toolTimeoutMs: number;
  call: SessionCall;
  /** Called with an error that must end the whole run (--ask: a login that did not complete → exit 3). */
  onFatal: (error: CliError) => void;
  /** Told about every login outcome (the REPL shows who is logged in). */
  onLogin?: ((outcome: LoginOutcome) => void) | undefined;
}

export interface LoginRunner {
  /** Logs in now, or joins the login already running. */
  run(signal: AbortSignal): Promise<LoginOutcome>;
  /**
   * A read that failed for want of a login: the program logs the user in on this session and tells the model, which
   * asks again. The read is not repeated here, so the model's view of the conversation stays what really happened.
   */
  instead(name: string, first: ToolOutcome, signal: AbortSignal): Promise<ToolOutcome>;
  /** The login a write needs before it is shown to the person; its outcome only when it did not end logged in. */
  beforeWrite(signal: AbortSignal): Promise<LoginOutcome | undefined>;
  /** Who is logged in on the live session, asked quietly (no login, no audit); undefined when nobody or unknown. */
  currentUser(signal: AbortSignal): Promise<string | undefined>;
}

/** Whether a failed answer means the Kite session is not logged in (or its daily token has expired). */
export function needsLogin(name: string, text: string): boolean {
  if (LOGIN_FIRST.test(text)) return true;
  return !NO_LOGIN_TOOLS.has(name) && GENERIC_KITE_FAILURE.test(text.trim());
}

interface LoginState {
  deps: LoginRunnerDeps;
  /** One login at a time: parallel calls that all found the user logged out share the same link and wait. */
  pending: Promise<LoginOutcome> | undefined;
}

export function createLoginRunner(deps: LoginRunnerDeps): LoginRunner {
  const state: LoginState = { deps, pending: undefined };
  return {
    run: (signal) => runLogin(state, signal),
    instead: (name, first, signal) => loginInstead(state, name, first, signal),
    beforeWrite: (signal) => loginBeforeWrite(state, signal),
    currentUser: (signal) => currentUser(deps, signal),
  };
}

function runLogin(state: LoginState, signal: AbortSignal): Promise<LoginOutcome> {
  if (state.deps.catalog === 'kite-modes') return whoIsLoggedIn(state.deps, signal);
  state.pending ??= loginOnce(state.deps, signal).finally(() => {
    state.pending = undefined;
  });
  return state.pending;
}

/** The next server: who the OAuth token belongs to, from its `portfolio` profile. */
async function whoIsLoggedIn(deps: LoginRunnerDeps, signal: AbortSignal): Promise<LoginOutcome> {
  const { name, args } = PROFILE_CALLS['kite-modes'];
  const result = await probeOn(deps, await deps.connection.session(), name, args, signal);
  const userName = userNameFromAnswer(result);
  if (userName === undefined) return report(deps, showUnreadableAnswer(result.text, { screen: deps.login.screen, serverUrl: deps.serverUrl }));
  return report(deps, { status: 'already', userName });
}

/** Kite's `login` tool on the live session, then the flow; a session lost on the way gets a new link, a few times. */
async function loginOnce(deps: LoginRunnerDeps, signal: AbortSignal): Promise<LoginOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const session = await deps.connection.session();
    const lost = deps.connection.lost;
    const result = await probeOn(deps, session, 'login', {}, signal);
    const outcome = await completeLogin(result, {
      ...deps.login,
      probe: (probeName, probeSignal) => probeOn(deps, session, probeName, {}, probeSignal),
      serverUrl: deps.serverUrl,
      signal,
      sessionLost: lost,
    });
    if (outcome.status !== 'session-lost' || attempt >= MAX_LOGIN_ATTEMPTS) return report(deps, outcome);
    deps.login.screen.warn('The connection dropped before the login finished; Kite needs a new link for the new connection.');
  }
}

/**
 * One quiet call on the given session (no gate, no audit): the login's own calls, and its checks, which run on the
 * session it was started on, since another one would not be logged in.
 */
async function probeOn(deps: LoginRunnerDeps, session: McpSession, name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  return toolOutcome(await session.callTool(name, args, { signal, timeoutMs: deps.toolTimeoutMs }));
}

function report(deps: LoginRunnerDeps, outcome: LoginOutcome): LoginOutcome {
  deps.onLogin?.(outcome);
  if (deps.mode === 'ask' && (outcome.status === 'not-completed' || outcome.status === 'session-lost')) {
    const waited = deps.login.timeoutMs > 0 ? ` within ${Math.round(deps.login.timeoutMs / 1000)} s` : '';
    // The signed link rides beside the message, never in it: the message may reach --json, the link only stderr.
    const link = outcome.status === 'not-completed' ? { loginLink: outcome.link } : {};
    deps.onFatal(new LoginRequiredError(`Kite login not completed${waited}.`, link));
  }
  return outcome;
}

async function loginInstead(state: LoginState, name: string, first: ToolOutcome, signal: AbortSignal): Promise<ToolOutcome> {
  const outcome = await runLogin(state, signal);
  if (outcome.status === 'already') return first; // the failure was something else; the model sees it as it is
  if (state.deps.mode === 'ask') endIfLoginCannotStart(state.deps, outcome);
  const again = outcome.status === 'logged-in' ? ` Call ${name} again to get the data.` : '';
  return { text: `${name} needed a Kite login. ${loginMessageForModel(outcome)}${again}`, isError: true };
}

/**
 * --ask: a read that needs a login cannot get one when the server's answer held no usable link, so the run ends with
 * exit 3 (CONTRACT.md: login needed and not completed) rather than a model's apology a script would take for an
 * answer. The user has already seen why and what to do. When the model calls `login` by itself, its answer stands:
 * the text may be an "already logged in" in words kite-chat does not know yet.
 */
function endIfLoginCannotStart(deps: LoginRunnerDeps, outcome: LoginOutcome): void {
  if (outcome.status === 'refused' || outcome.status === 'no-link') deps.onFatal(new LoginRequiredError(LOGIN_NOT_STARTED));
}

/**
 * A write on a session that is not logged in could only fail at Kite after the person had confirmed it, so the
 * login comes first (the one a parallel read started, if any), and only then the preview (which can now look up the
 * last price) and the question.
 */
async function loginBeforeWrite(state: LoginState, signal: AbortSignal): Promise<LoginOutcome | undefined> {
  if (state.deps.catalog !== 'kite') return undefined;
  if (state.pending === undefined) {
    // A probe that fails for another reason changes nothing: the gate asks, and Kite answers the write itself.
    const probe = await state.deps.call('get_profile', {}, { signal, toolClass: 'read' }).catch(() => signal.throwIfAborted());
    if (probe === undefined || !probe.isError || !needsLogin('get_profile', probe.text)) return undefined;
  }
  const outcome = await runLogin(state, signal);
  return outcome.status === 'logged-in' || outcome.status === 'already' ? undefined : outcome;
}

/**
 * PEERS.md R20: the REPL's prompt names the account; a session resumed from an earlier run is often logged in. Asked
 * with the catalog's own profile call (the next server has no get_profile); a server that is not Kite's is not asked.
 */
async function currentUser(deps: LoginRunnerDeps, signal: AbortSignal): Promise<string | undefined> {
  if (deps.catalog === 'other') return undefined;
  const { name, args } = PROFILE_CALLS[deps.catalog];
  try {
    return userNameFromAnswer(await probeOn(deps, await deps.connection.session(), name, args, signal));
  } catch {
    return undefined; // not logged in yet, or the server is slow: the prompt says "not logged in" until a login says otherwise
  }
}
