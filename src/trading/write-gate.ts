/**
 * The pre-trade gate for --trading in the REPL (CONTRACT.md "Trading safety", PEERS.md R4): every write call is
 * previewed in a few lines (trading/order-preview.ts) with an estimated value from get_ltp (and, for modify/cancel, the order
 * or GTT it changes, from get_orders / get_gtts), refused above KITE_CHAT_MAX_ORDER_VALUE or when an argument is not
 * one the tool declares (spelled exactly so), and run only after the user types the symbol and quantity back. The same order again within 30 s needs a second confirmation that says
 * so. Questions go through the person-questions queue (one on screen at a time, the last line, nothing drawn over
 * it); each order's preview and questions also take their turn whole, so parallel write calls from one model
 * response are previewed and confirmed one after the other. Decides; never calls the write.
 */
import { describeWriteCall, checkOrderValue, isConfirmation, orderFingerprint, type OrderPreview } from './order-preview.js';
import type { ToolResult } from '../tools/tool.js';
import type { Runtime } from '../session.js';
import { refusalText } from '../tools/policy.js';
import { toolResultText } from '../tools/schema.js';
import type { WriteGate } from '../tools/executor.js';
import type { Ui } from '../terminal/ui.js';
import { isRecord } from '../json.js';
import { normaliseSchema, undeclaredKeyProblems } from '../tools/json-schema.js';

/** PEERS.md R4: a repeated order inside this window is more likely a model loop or a double tap than intent. */
export const DUPLICATE_WINDOW_MS = 30_000;
/** The price and order look-ups are a courtesy; they must not hold the confirmation up for long. */
const LOOKUP_TIMEOUT_MS = 10_000;
const DUPLICATE_PHRASE = 'AGAIN';
/** Writes that change an existing GTT: the preview shows it as get_gtts lists it, found by its `id`. */
const GTT_CHANGES = new Set(['modify_gtt_order', 'delete_gtt_order']);

export interface WriteGateDeps {
  runtime: Runtime;
  ui: Ui;
  /** One question to the person (terminal/questions.ts): resolves with the typed line. */
  ask: (question: string, signal: AbortSignal) => Promise<string>;
  now?: () => number;
}

export function createWriteGate(deps: WriteGateDeps): WriteGate {
  const now = deps.now ?? Date.now;
  const confirmedAt = new Map<string, number>();
  // Two previews at once cannot be read, and an order's "AGAIN" must follow its own confirmation.
  let previous: Promise<unknown> = Promise.resolve();

  const decide: WriteGate = async (call, signal) => {
    // Every key must be one the tool declares, exactly: `Mode` beside `mode` could be the one a Go server acts on.
    const tool = deps.runtime.tools.find((candidate) => candidate.name === call.name);
    const keyProblems = undeclaredKeyProblems(call.arguments, normaliseSchema(tool?.inputSchema ?? {}), { closed: true });
    if (keyProblems.length > 0) {
      const reason = keyProblems.join(' ');
      deps.ui.warn(`Refused ${call.name} before asking you: ${reason}`);
      return refusalText(call.name, 'invalid-arguments', reason);
    }
    const existingOrder = await lookUpExisting(deps.runtime, call, signal);
    let preview = describeWriteCall(call.name, call.arguments, { existingOrder });
    if (preview.instrument !== undefined) {
      const ltp = await lookUpLtp(deps.runtime, preview.instrument, signal);
      preview = describeWriteCall(call.name, call.arguments, { ltp, existingOrder });
    }
    show(deps.ui, preview);
    const value = checkOrderValue(preview, deps.runtime.config.maxOrderValueRupees);
    if (!value.ok) {
      deps.ui.warn(`Refused: ${value.reason}`);
      return refusalText(call.name, value.refusal, value.reason);
    }
    const typed = await deps.ask(preview.question, signal);
    if (!isConfirmation(typed, preview)) {
      deps.ui.warn('Not confirmed; nothing was sent to Kite.');
      return refusalText(call.name, 'declined');
    }
    const fingerprint = orderFingerprint(call.name, call.arguments);
    const confirmedBefore = confirmedAt.get(fingerprint);
    if (confirmedBefore !== undefined && now() - confirmedBefore < DUPLICATE_WINDOW_MS) {
      const seconds = Math.round((now() - confirmedBefore) / 1000);
      deps.ui.warn(`You confirmed this same order ${seconds} s ago. Confirming again sends it a SECOND time.`);
      const again = await deps.ask(`Type "${DUPLICATE_PHRASE}" to send this order a second time, anything else cancels: `, signal);
      if (again.trim().toUpperCase() !== DUPLICATE_PHRASE) {
        deps.ui.warn('Not confirmed; the repeated order was not sent.');
        return refusalText(call.name, 'duplicate-declined');
      }
    }
    confirmedAt.set(fingerprint, now());
    return undefined;
  };

  return (call, signal) => {
    const turn = previous.then(() => {
      signal.throwIfAborted();
      return decide(call, signal);
    });
    previous = turn.catch(() => {});
    return turn;
  };
}

/** The leading sentence, the fields that matter, then any warnings; the question follows as the last line. */
function show(ui: Ui, preview: OrderPreview): void {
  ui.warn(preview.title);
  for (const line of preview.lines) ui.status(`  ${line}`);
  for (const warning of preview.warnings) ui.warn(`  ${warning}`);
}

/** The order (get_orders, by order_id) or GTT (get_gtts, by id = trigger_id) the call would change, if any. */
async function lookUpExisting(
  runtime: Runtime,
  call: { name: string; arguments: Record<string, unknown> },
  signal: AbortSignal,
): Promise<Record<string, unknown> | undefined> {
  if (GTT_CHANGES.has(call.name)) return lookUpRecord(runtime, 'get_gtts', 'id', call.arguments['trigger_id'], signal);
  return lookUpRecord(runtime, 'get_orders', 'order_id', call.arguments['order_id'], signal);
}

async function lookUpRecord(
  runtime: Runtime,
  tool: string,
  key: string,
  id: unknown,
  signal: AbortSignal,
): Promise<Record<string, unknown> | undefined> {
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const listed = await readJson(runtime, tool, {}, signal);
  // Without `limit` Kite MCP returns the bare array; a paginated reply keeps it under `data`.
  const rows: unknown = isRecord(listed) ? listed['data'] : listed;
  if (!Array.isArray(rows)) return undefined;
  const found: unknown = rows.find((row: unknown) => isRecord(row) && String(row[key]) === String(id));
  return isRecord(found) ? found : undefined;
}

async function lookUpLtp(runtime: Runtime, instrument: string, signal: AbortSignal): Promise<number | undefined> {
  const quotes = await readJson(runtime, 'get_ltp', { instruments: [instrument] }, signal);
  if (!isRecord(quotes)) return undefined;
  const quote = quotes[instrument];
  return isRecord(quote) && typeof quote['last_price'] === 'number' ? quote['last_price'] : undefined;
}

/**
 * A read on the live session, parsed as JSON; undefined when it fails in any way (the preview then says so).
 * Audited like the model's calls, so the log shows what kite-chat itself read before an order.
 */
async function readJson(runtime: Runtime, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  if (runtime.classes.get(tool) !== 'read') return undefined;
  const started = Date.now();
  const audit = (outcome: string) =>
    runtime.audit({ mode: 'repl', by: 'order-preview', name: tool, arguments: args, toolClass: 'read', outcome, durationMs: Date.now() - started });
  let result: ToolResult;
  try {
    const session = await runtime.connection.session();
    result = await session.callTool(tool, args, { signal, timeoutMs: LOOKUP_TIMEOUT_MS });
  } catch (error) {
    signal.throwIfAborted();
    audit(`error: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  audit(result.isError ? 'error' : 'ok');
  if (result.isError) return undefined;
  try {
    return JSON.parse(toolResultText(result)) as unknown;
  } catch {
    return undefined;
  }
}

