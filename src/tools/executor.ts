/**
 * Runs one tool call for the agent loop: the read/write gate, the program-owned Kite login, the call itself on the
 * live MCP session, and the result made compact for the model. The loop sees only `{ text, isError }`. A read may be
 * repeated once on a new session when the server ended the old one; a write is never repeated (PEERS.md R17).
 */
import type { CallTool } from '../agent/loop.js';
import type { ToolOutcome } from './tool.js';
import { compactToolResult, DEFAULT_RESULT_BUDGET_CHARS } from './compact-result.js';
import { LoginRequiredError, type CliError } from '../errors.js';
import { completeLogin, showUnreadableAnswer, userNameFromProfile, type LoginDeps } from '../login/kite-login.js';
import { loginMessageForModel, type LoginOutcome } from '../login/outcome.js';
import type { LocalTool } from '../portfolio/tools.js';
import type { McpConnection } from '../mcp/connection.js';
import { McpSessionGoneError, type McpSession } from '../mcp/session.js';
import { classifyCall, refusalText, type Catalog, type ToolClass } from './policy.js';
import { toolResultText } from './schema.js';

/** SERVER.md §2: the first Kite call on a session that is not logged in answers this. */
const LOGIN_FIRST = /Please log in first using the login tool/;
/** SERVER.md §2: after Kite's daily token expiry every Kite-backed tool answers a generic "Failed to …". */
const GENERIC_KITE_FAILURE = /^Failed to /;
/** Tools that never touch the Kite session, so their failures say nothing about the login. */
const NO_LOGIN_TOOLS = new Set(['login', 'search_instruments']);
/** A server that keeps losing the session within one call is broken; stop rather than loop. */
const MAX_LOGIN_ATTEMPTS = 3;
/**
 * SERVER.md §3: without `limit` Kite's paginated tools return every item (a broad search: thousands). When the model
 * gives none, this many are asked for: for account lists, what the result budget surely holds as a table (~190
 * holdings); for a search, more than 50 matches means the query is too broad.
 */
const DEFAULT_PAGE_LIMITS: Readonly<Record<string, number>> = {
  get_holdings: 150, get_positions: 150, get_orders: 150, get_trades: 150, get_gtts: 150, get_mf_holdings: 150,
  search_instruments: 50,
};

export interface WriteGate {
  /** Asks the user to confirm a write; resolves to the refusal text for the model, or undefined to go ahead. */
  (call: { name: string; arguments: Record<string, unknown> }, signal: AbortSignal): Promise<string | undefined>;
}

export interface ToolExecutorDeps {
  connection: McpConnection;
  catalog: Catalog;
  /** Class of each server tool by its server name. */
  classes: ReadonlyMap<string, ToolClass>;
  mode: 'ask' | 'repl';
  trading: boolean;
  /** Present with --trading in the REPL; without it every write is refused. */
  confirmWrite: WriteGate | undefined;
  login: Omit<LoginDeps, 'probe' | 'signal' | 'sessionLost' | 'serverUrl'>;
  serverUrl: URL;
  toolTimeoutMs: number;
  resultBudgetChars?: number;
  /** kite-chat's own read-only tools, run here instead of on the server. */
  localTools?: readonly LocalTool[];
  /** Called with an error that must end the whole run (--ask: a login that did not complete → exit 3). */
  onFatal: (error: CliError) => void;
  /** Told about every login outcome (the REPL shows who is logged in). */
  onLogin?: (outcome: LoginOutcome) => void;
  /** Told about every call that reached the server or was refused (the audit log). */
  onAudit?: (entry: { name: string; arguments: Record<string, unknown>; toolClass: ToolClass; outcome: string; durationMs: number }) => void;
}

export interface ToolExecutor {
  callTool: CallTool;
  /** Runs the login flow now (the REPL's /login). */
  login(signal: AbortSignal): Promise<LoginOutcome>;
}

export function createToolExecutor(deps: ToolExecutorDeps): ToolExecutor {
  const budget = deps.resultBudgetChars ?? DEFAULT_RESULT_BUDGET_CHARS;

  /** Calls on the live session; when the server has ended it, starts a new one and (reads only) asks once more. */
  async function callOnSession(name: string, args: Record<string, unknown>, signal: AbortSignal, toolClass: ToolClass) {
    const session = await deps.connection.session();
    try {
      return narrow(await session.callTool(name, args, { signal, timeoutMs: deps.toolTimeoutMs }));
    } catch (error) {
      if (!(error instanceof McpSessionGoneError)) throw error;
      const replaced = await deps.connection.replace('The Kite MCP session has ended on the server.');
      if (toolClass === 'write') throw new Error('The Kite session ended before the order reached Kite; it was not placed.');
      return narrow(await replaced.callTool(name, args, { signal, timeoutMs: deps.toolTimeoutMs }));
    }
  }

  /** One login at a time: parallel calls that all found the user logged out share the same link and wait. */
  let pendingLogin: Promise<LoginOutcome> | undefined;
  function runLogin(signal: AbortSignal): Promise<LoginOutcome> {
    if (deps.catalog === 'kite-modes') return whoIsLoggedIn(signal);
    pendingLogin ??= loginOnce(signal).finally(() => {
      pendingLogin = undefined;
    });
    return pendingLogin;
  }

  /**
   * Kite's next server has no `login` tool: connecting is the login (OAuth, done by the MCP session), so "logging
   * in" means asking who the token belongs to.
   */
  async function whoIsLoggedIn(signal: AbortSignal): Promise<LoginOutcome> {
    const session = await deps.connection.session();
    const result = narrow(await session.callTool('portfolio', { mode: 'profile' }, { signal, timeoutMs: deps.toolTimeoutMs }));
    const unreadable = () => report(showUnreadableAnswer(result.text, { screen: deps.login.screen, serverUrl: deps.serverUrl }));
    if (result.isError) return unreadable();
    try {
      return report({ status: 'already', userName: userNameFromProfile(result.text) });
    } catch {
      return unreadable();
    }
  }

  async function loginOnce(signal: AbortSignal): Promise<LoginOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      const session = await deps.connection.session();
      const lost = deps.connection.lost;
      const result = narrow(await session.callTool('login', {}, { signal, timeoutMs: deps.toolTimeoutMs }));
      const outcome = await completeLogin(result, {
        ...deps.login,
        probe: (probeName, probeSignal) => probeOn(session, probeName, probeSignal),
        serverUrl: deps.serverUrl,
        signal,
        sessionLost: lost,
      });
      if (outcome.status !== 'session-lost' || attempt >= MAX_LOGIN_ATTEMPTS) return report(outcome);
      deps.login.screen.warn('The connection dropped before the login finished; Kite needs a new link for the new connection.');
    }
  }

  function report(outcome: LoginOutcome): LoginOutcome {
    deps.onLogin?.(outcome);
    if (deps.mode === 'ask' && (outcome.status === 'not-completed' || outcome.status === 'session-lost')) {
      const waited = deps.login.timeoutMs > 0 ? ` within ${Math.round(deps.login.timeoutMs / 1000)} s` : '';
      // The signed link rides beside the message, never in it: the message may reach --json, the link only stderr.
      const link = outcome.status === 'not-completed' ? { loginLink: outcome.link } : {};
      deps.onFatal(new LoginRequiredError(`Kite login not completed${waited}.`, link));
    }
    return outcome;
  }

  async function probeOn(session: McpSession, name: string, signal: AbortSignal): Promise<ToolOutcome> {
    return narrow(await session.callTool(name, {}, { signal, timeoutMs: deps.toolTimeoutMs }));
  }

  /**
   * A read that failed for want of a login: the program logs the user in on this session and tells the model, which
   * asks again. The read is not repeated here, so the model's view of the conversation stays what really happened.
   */
  async function loginInstead(name: string, first: ToolOutcome, signal: AbortSignal): Promise<ToolOutcome> {
    const outcome = await runLogin(signal);
    if (outcome.status === 'already') return first; // the failure was something else; the model sees it as it is
    const again = outcome.status === 'logged-in' ? ` Call ${name} again to get the data.` : '';
    return { text: `${name} needed a Kite login. ${loginMessageForModel(outcome)}${again}`, isError: true };
  }

  function compact(outcome: ToolOutcome): ToolOutcome {
    if (outcome.isError) return outcome;
    return { text: compactToolResult(outcome.text, { maxChars: budget }).text, isError: false };
  }

  const callTool: CallTool = async (call, { signal }) => {
    const started = Date.now();
    const local = deps.localTools?.find((tool) => tool.name === call.name);
    const toolClass = local !== undefined ? 'read' : classifyCall(call.name, call.arguments, deps.classes.get(call.name) ?? 'write', deps.catalog);
    const audit = (outcome: string) =>
      deps.onAudit?.({ name: call.name, arguments: call.arguments, toolClass, outcome, durationMs: Date.now() - started });
    try {
      return await (local === undefined ? runCall(call, signal, toolClass, audit) : runLocal(local, call, signal, audit));
    } catch (error) {
      // Every path of runCall audits before it returns; one that throws (a transport failure, Ctrl-C) must too.
      const failed = toolClass === 'write' ? 'failed' : 'error';
      audit(signal.aborted ? 'cancelled' : `${failed}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

  async function runCall(
    call: { name: string; arguments: Record<string, unknown> },
    signal: AbortSignal,
    toolClass: ToolClass,
    audit: (outcome: string) => void,
  ): Promise<ToolOutcome> {
    if (toolClass === 'write') {
      const refusal = await gateWrite(call, signal);
      if (refusal !== undefined) {
        audit('refused');
        return { text: refusal, isError: true };
      }
      const result = await callOnSession(call.name, call.arguments, signal, 'write');
      audit(result.isError ? 'failed' : 'ok');
      return result; // never retried, whatever happened
    }
    if (call.name === 'login') {
      const outcome = await runLogin(signal);
      audit(outcome.status);
      return { text: loginMessageForModel(outcome), isError: outcome.status !== 'logged-in' && outcome.status !== 'already' };
    }
    const limit = deps.catalog === 'kite' && call.arguments['limit'] === undefined ? DEFAULT_PAGE_LIMITS[call.name] : undefined;
    const args = limit === undefined ? call.arguments : { ...call.arguments, limit };
    let result = await callOnSession(call.name, args, signal, 'read');
    if (result.isError && deps.catalog === 'kite' && needsLogin(call.name, result.text)) {
      result = await loginInstead(call.name, result, signal);
    }
    audit(result.isError ? 'error' : 'ok');
    const notice = limit === undefined || result.isError ? undefined : defaultLimitNotice(call.name, args, result.text);
    if (notice === undefined) return compact(result);
    const compacted = compactToolResult(result.text, { maxChars: Math.max(0, budget - notice.length - 1) }).text;
    return { text: `${compacted}\n${notice}`, isError: false };
  }

  /** kite-chat's own tools (portfolio figures): they read the server on this session and never write. */
  async function runLocal(
    tool: LocalTool,
    call: { name: string; arguments: Record<string, unknown> },
    signal: AbortSignal,
    audit: (outcome: string) => void,
  ): Promise<ToolOutcome> {
    const read = (name: string, args: Record<string, unknown>, readSignal: AbortSignal) =>
      callOnSession(name, args, readSignal, 'read');
    let result = await tool.run(call.arguments, read, signal, new Date());
    if (result.isError && deps.catalog === 'kite' && needsLogin(call.name, result.text)) {
      result = await loginInstead(call.name, result, signal);
    }
    audit(result.isError ? 'error' : 'ok');
    return result; // already compact: labelled figures, not raw JSON
  }

  async function gateWrite(call: { name: string; arguments: Record<string, unknown> }, signal: AbortSignal) {
    if (deps.mode === 'ask') return refusalText(call.name, 'read-only-ask');
    if (!deps.trading || deps.confirmWrite === undefined) return refusalText(call.name, 'read-only-repl');
    const login = await loginBeforeWrite(signal);
    if (login !== undefined) return refusalText(call.name, 'not-logged-in', loginMessageForModel(login));
    return deps.confirmWrite(call, signal);
  }

  /**
   * A write on a session that is not logged in could only fail at Kite after the person had confirmed it, so the
   * login comes first (the one a parallel read started, if any), and only then the preview (which can now look up the
   * last price) and the question. Resolves to the login's outcome only when it did not end logged in.
   */
  async function loginBeforeWrite(signal: AbortSignal): Promise<LoginOutcome | undefined> {
    if (deps.catalog !== 'kite') return undefined;
    if (pendingLogin === undefined) {
      // A probe that fails for another reason changes nothing: the gate asks, and Kite answers the write itself.
      const probe = await callOnSession('get_profile', {}, signal, 'read').catch(() => signal.throwIfAborted());
      if (probe === undefined || !probe.isError || !needsLogin('get_profile', probe.text)) return undefined;
    }
    const outcome = await runLogin(signal);
    return outcome.status === 'logged-in' || outcome.status === 'already' ? undefined : outcome;
  }

  return { callTool, login: runLogin };
}

/** Said when kite-chat chose the page size and there is more: how many in all, and how to get the next page. */
function defaultLimitNotice(name: string, args: Record<string, unknown>, text: string): string | undefined {
  let pagination: { total?: unknown; has_more?: unknown } | undefined;
  try {
    pagination = (JSON.parse(text) as { pagination?: typeof pagination }).pagination;
  } catch {
    return undefined;
  }
  if (pagination?.has_more !== true) return undefined;
  const from = typeof args['from'] === 'number' ? args['from'] : 0;
  const next = from + Number(args['limit']);
  const total = typeof pagination.total === 'number' ? ` of ${pagination.total}` : '';
  return `[kite-chat asked ${name} for ${String(args['limit'])} items${total} because the call gave no limit. `
    + `Call it again with from=${next} for the next page, or narrow the question.]`;
}

function needsLogin(name: string, text: string): boolean {
  if (LOGIN_FIRST.test(text)) return true;
  return !NO_LOGIN_TOOLS.has(name) && GENERIC_KITE_FAILURE.test(text.trim());
}

function narrow(result: { isError: boolean; content: readonly { type: string }[] }): ToolOutcome {
  return { text: toolResultText(result), isError: result.isError };
}
