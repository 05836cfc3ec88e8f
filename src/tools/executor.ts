/**
 * Runs one tool call for the agent loop: the read/write gate, the program-owned Kite login (tools/login-runner.ts),
 * the call itself on the live MCP session (tools/session-call.ts: a read may be repeated once on a new session when
 * the server ended the old one, a write never), the audit entry, and the result made compact for the model. The loop
 * sees only `{ text, isError }`. session.ts builds the one executor of each command; nothing else assembles one.
 */
import type { CallTool } from '../agent/events.js';
import type { AuditEntry } from '../audit.js';
import type { CliError } from '../errors.js';
import { isRecord, tryParseJson } from '../json.js';
import type { LoginDeps } from '../login/kite-login.js';
import { loginMessageForModel, type LoginOutcome } from '../login/outcome.js';
import type { McpConnection } from '../mcp/connection.js';
import type { LocalTool } from './local-tool.js';
import type { ToolCatalog } from './catalog.js';
import { compactToolResult, DEFAULT_RESULT_BUDGET_CHARS } from './compact-result.js';
import { createLoginRunner, needsLogin, type LoginRunner } from './login-runner.js';
import { classifyCall, refusalText } from './policy.js';
import { createSessionCall, type SessionCall } from './session-call.js';
import type { ToolOutcome } from './tool.js';

/**
 * SERVER.md §3: without `limit` Kite's paginated tools return every item (a broad search: thousands). When the model
 * gives none, this many are asked for: for account lists, what the result budget surely holds as a table (~190
 * holdings); for a search, more than 50 matches means the query is too broad.
 */
const DEFAULT_PAGE_LIMITS: Readonly<Record<string, number>> = {
  get_holdings: 150, get_positions: 150, get_orders: 150, get_trades: 150, get_gtts: 150, get_mf_holdings: 150,
  search_instruments: 50,
};

type Call = { name: string; arguments: Record<string, unknown> };

/**
 * A read the write gate makes before it asks (the last price, the order or GTT a change is about): on the executor's
 * own path, audited `by: 'order-preview'`. A tool that is not a read is refused without a call.
 */
export type LookUp = (
  name: string,
  args: Record<string, unknown>,
  options: { signal: AbortSignal; timeoutMs: number },
) => Promise<ToolOutcome>;

/** Shows a write to the person and asks them to confirm it; resolves to the refusal text for the model, or undefined to go ahead. */
export type WriteGate = (call: Call, options: { signal: AbortSignal; lookUp: LookUp }) => Promise<string | undefined>;

interface ToolExecutorDeps {
  connection: McpConnection;
  catalog: Pick<ToolCatalog, 'kind' | 'classes' | 'localTools'>;
  /** 'ask' refuses every write; 'repl' sends each to confirmWrite. */
  mode: 'ask' | 'repl';
  /** The REPL with --trading; without it every write is refused. */
  confirmWrite: WriteGate | undefined;
  login: Omit<LoginDeps, 'probe' | 'signal' | 'sessionLost' | 'serverUrl'>;
  serverUrl: URL;
  toolTimeoutMs: number;
  resultBudgetChars?: number;
  /** Called with an error that must end the whole run (--ask: a login that did not complete → exit 3). */
  onFatal: (error: CliError) => void;
  /** Told about every login outcome (the REPL shows who is logged in). */
  onLogin?: ((outcome: LoginOutcome) => void) | undefined;
  /**
   * Told about every call that reached the server or was refused, and every look-up (the audit log). The call's
   * answer waits for it, so the record is written before the model (or the person) hears how the call went.
   */
  onAudit?: ((entry: AuditEntry) => void | Promise<void>) | undefined;
}

export interface ToolExecutor {
  callTool: CallTool;
  /** Runs the login flow now (the REPL's /login, `kite-chat login`). */
  login(signal: AbortSignal): Promise<LoginOutcome>;
  /** Who is logged in on the live session, asked quietly; undefined when nobody or unknown. */
  currentUser(signal: AbortSignal): Promise<string | undefined>;
}

interface Executor {
  deps: ToolExecutorDeps;
  call: SessionCall;
  logins: LoginRunner;
  budget: number;
}

type Audit = (outcome: string) => Promise<void>;

export function createToolExecutor(deps: ToolExecutorDeps): ToolExecutor {
  const call = createSessionCall(deps);
  const logins = createLoginRunner({ ...deps, catalog: deps.catalog.kind, call });
  const executor: Executor = { deps, call, logins, budget: deps.resultBudgetChars ?? DEFAULT_RESULT_BUDGET_CHARS };
  return {
    callTool: (toolCall, { signal }) => runToolCall(executor, toolCall, signal),
    login: (signal) => logins.run(signal),
    currentUser: (signal) => logins.currentUser(signal),
  };
}

async function runToolCall(executor: Executor, call: Call, signal: AbortSignal): Promise<ToolOutcome> {
  const { catalog } = executor.deps;
  const local = catalog.localTools.find((tool) => tool.name === call.name);
  const toolClass = local !== undefined ? 'read' : classifyCall(call.name, call.arguments, catalog.classes.get(call.name) ?? 'write', catalog.kind);
  const audit = auditor(executor, { name: call.name, arguments: call.arguments, toolClass });
  try {
    if (local !== undefined) return await runLocal(executor, local, call, signal, audit);
    if (toolClass === 'write') return await runWrite(executor, call, signal, audit);
    if (call.name === 'login') return await runLoginCall(executor, signal, audit);
    return await runRead(executor, call, signal, audit);
  } catch (error) {
    // Every path audits before it returns; one that throws (a transport failure, Ctrl-C) must too.
    const failed = toolClass === 'write' ? 'failed' : 'error';
    await audit(signal.aborted ? 'cancelled' : `${failed}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** The audit entry of one call, written with its outcome and how long it took since now. */
function auditor(executor: Executor, entry: Omit<AuditEntry, 'outcome' | 'durationMs'>): Audit {
  const started = Date.now();
  return async (outcome) => executor.deps.onAudit?.({ ...entry, outcome, durationMs: Date.now() - started });
}

/** Shown and confirmed first (or refused with the reason), then sent once: never retried, whatever happens. */
async function runWrite(executor: Executor, call: Call, signal: AbortSignal, audit: Audit): Promise<ToolOutcome> {
  const refusal = await gateWrite(executor, call, signal);
  if (refusal !== undefined) {
    await audit('refused');
    return { text: refusal, isError: true };
  }
  const result = await executor.call(call.name, call.arguments, { signal, toolClass: 'write' });
  await audit(result.isError ? 'failed' : 'ok');
  return result;
}

async function gateWrite(executor: Executor, call: Call, signal: AbortSignal): Promise<string | undefined> {
  const { mode, confirmWrite } = executor.deps;
  if (mode === 'ask') return refusalText(call.name, 'read-only-ask');
  if (confirmWrite === undefined) return refusalText(call.name, 'read-only-repl');
  const login = await executor.logins.beforeWrite(signal);
  if (login !== undefined) return refusalText(call.name, 'not-logged-in', loginMessageForModel(login));
  return confirmWrite(call, { signal, lookUp: (name, args, options) => lookUp(executor, name, args, options) });
}

async function lookUp(
  executor: Executor,
  name: string,
  args: Record<string, unknown>,
  { signal, timeoutMs }: { signal: AbortSignal; timeoutMs: number },
): Promise<ToolOutcome> {
  if (executor.deps.catalog.classes.get(name) !== 'read') return { text: `${name} is not a read tool; it was not called.`, isError: true };
  const audit = auditor(executor, { by: 'order-preview', name, arguments: args, toolClass: 'read' });
  try {
    const result = await executor.call(name, args, { signal, toolClass: 'read', timeoutMs });
    await audit(result.isError ? 'error' : 'ok');
    return result;
  } catch (error) {
    await audit(signal.aborted ? 'cancelled' : `error: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** The model's own `login` call runs the program's login; the model hears how it ended, never the link. */
async function runLoginCall(executor: Executor, signal: AbortSignal, audit: Audit): Promise<ToolOutcome> {
  const outcome = await executor.logins.run(signal);
  await audit(outcome.status);
  return { text: loginMessageForModel(outcome), isError: outcome.status !== 'logged-in' && outcome.status !== 'already' };
}

async function runRead(executor: Executor, call: Call, signal: AbortSignal, audit: Audit): Promise<ToolOutcome> {
  const { catalog } = executor.deps;
  const limit = catalog.kind === 'kite' && call.arguments['limit'] === undefined ? DEFAULT_PAGE_LIMITS[call.name] : undefined;
  const args = limit === undefined ? call.arguments : { ...call.arguments, limit };
  const first = await executor.call(call.name, args, { signal, toolClass: 'read' });
  const result = await loginIfNeeded(executor, call.name, first, signal, audit);
  if (result.isError) return result;
  const notice = limit === undefined ? undefined : defaultLimitNotice(call.name, args, result.text);
  const room = notice === undefined ? executor.budget : Math.max(0, executor.budget - notice.length - 1);
  const compacted = compactToolResult(result.text, { maxChars: room }).text;
  return { text: notice === undefined ? compacted : `${compacted}\n${notice}`, isError: false };
}

/** kite-chat's own tools (portfolio figures): they read the server on this session and never write. */
async function runLocal(executor: Executor, tool: LocalTool, call: Call, signal: AbortSignal, audit: Audit): Promise<ToolOutcome> {
  const read = (name: string, args: Record<string, unknown>, readSignal: AbortSignal) =>
    executor.call(name, args, { signal: readSignal, toolClass: 'read' });
  const result = await tool.run(call.arguments, read, signal, new Date());
  return loginIfNeeded(executor, call.name, result, signal, audit); // already compact: labelled figures, not raw JSON
}

/**
 * A read's answer as the model gets it, audited: on Kite v0.3 one that failed for want of a login runs the login
 * instead (login-runner's `instead`), and the audit records how that ended.
 */
async function loginIfNeeded(executor: Executor, name: string, first: ToolOutcome, signal: AbortSignal, audit: Audit): Promise<ToolOutcome> {
  const result = first.isError && executor.deps.catalog.kind === 'kite' && needsLogin(name, first.text)
    ? await executor.logins.instead(name, first, signal)
    : first;
  await audit(result.isError ? 'error' : 'ok');
  return result;
}

/** Said when kite-chat chose the page size and there is more: how many in all, and how to get the next page. */
function defaultLimitNotice(name: string, args: Record<string, unknown>, text: string): string | undefined {
  const parsed = tryParseJson(text);
  const pagination = isRecord(parsed) && isRecord(parsed['pagination']) ? parsed['pagination'] : undefined;
  if (pagination?.['has_more'] !== true) return undefined;
  const from = typeof args['from'] === 'number' ? args['from'] : 0;
  const next = from + Number(args['limit']);
  const total = typeof pagination['total'] === 'number' ? ` of ${pagination['total']}` : '';
  return `[kite-chat asked ${name} for ${String(args['limit'])} items${total} because the call gave no limit. `
    + `Call it again with from=${next} for the next page, or narrow the question.]`;
}
