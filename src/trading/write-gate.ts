/**
 * The pre-trade gate for --trading in the REPL (CONTRACT.md "Trading safety", PEERS.md R4): every write call is
 * previewed in a few lines (trading/order-preview.ts) with an estimated value from get_ltp (and, for modify/cancel, the order
 * or GTT it changes, from get_orders / get_gtts), refused above KITE_CHAT_MAX_ORDER_VALUE or when an argument is not
 * one the tool declares (spelled exactly so), and run only after the user types the symbol and quantity back. The same order again within 30 s needs a second confirmation that says
 * so. Questions go through the person-questions queue (one on screen at a time, the last line, nothing drawn over
 * it); each order's preview and questions also take their turn whole, so parallel write calls from one model
 * response are previewed and confirmed one after the other. Decides; never calls the write. Its look-ups go through
 * the executor's own path (the LookUp it is handed with each call: audited, a gone session replaced).
 */
import { describeWriteCall, checkOrderValue, isConfirmation, orderFingerprint, type OrderPreview } from './order-preview.js';
import { isRecord, tryParseJson } from '../json.js';
import type { LookUp, WriteGate } from '../tools/executor.js';
import { refusalText } from '../tools/policy.js';
import { undeclaredKeyProblems } from '../tools/json-schema-check.js';
import { normaliseSchema } from '../tools/json-schema.js';

/** PEERS.md R4: a repeated order inside this window is more likely a model loop or a double tap than intent. */
const DUPLICATE_WINDOW_MS = 30_000;
/** The price and order look-ups are a courtesy; they must not hold the confirmation up for long. */
const LOOKUP_TIMEOUT_MS = 10_000;
const DUPLICATE_PHRASE = 'AGAIN';
/** Writes that change an existing GTT: the preview shows it as get_gtts lists it, found by its `id`. */
const GTT_CHANGES = new Set(['modify_gtt_order', 'delete_gtt_order']);

type Call = { name: string; arguments: Record<string, unknown> };

interface WriteGateDeps {
  /** Where the preview and the refusals are shown (the Ui). */
  ui: { status(line: string): void; warn(line: string): void };
  /** One question to the person (terminal/questions.ts): resolves with the typed line. */
  ask: (question: string, signal: AbortSignal) => Promise<string>;
  /** KITE_CHAT_MAX_ORDER_VALUE: no call estimated above it is put to the person. */
  maxOrderValueRupees: number;
  /** The input schema a server tool declares, by name: a call's keys must be its keys exactly. */
  inputSchemaOf: (name: string) => Record<string, unknown> | undefined;
  now?: () => number;
}

export function createWriteGate(deps: WriteGateDeps): WriteGate {
  const now = deps.now ?? Date.now;
  const confirmedAt = new Map<string, number>();
  // Two previews at once cannot be read, and an order's "AGAIN" must follow its own confirmation.
  let previous: Promise<unknown> = Promise.resolve();

  const decide = async (call: Call, signal: AbortSignal, lookUp: LookUp): Promise<string | undefined> => {
    // Every key must be one the tool declares, exactly: `Mode` beside `mode` could be the one a Go server acts on.
    const keyProblems = undeclaredKeyProblems(call.arguments, normaliseSchema(deps.inputSchemaOf(call.name) ?? {}), { closed: true });
    if (keyProblems.length > 0) {
      const reason = keyProblems.join(' ');
      deps.ui.warn(`Refused ${call.name} before asking you: ${reason}`);
      return refusalText(call.name, 'invalid-arguments', reason);
    }
    const existingOrder = await lookUpExisting(lookUp, call, signal);
    let preview = describeWriteCall(call.name, call.arguments, { existingOrder });
    if (preview.instrument !== undefined) {
      const ltp = await lookUpLtp(lookUp, preview.instrument, signal);
      preview = describeWriteCall(call.name, call.arguments, { ltp, existingOrder });
    }
    show(deps.ui, preview);
    const value = checkOrderValue(preview, deps.maxOrderValueRupees);
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

  return (call, { signal, lookUp }) => {
    const turn = previous.then(() => {
      signal.throwIfAborted();
      return decide(call, signal, lookUp);
    });
    previous = turn.catch(() => {});
    return turn;
  };
}

/** The leading sentence, the fields that matter, then any warnings; the question follows as the last line. */
function show(ui: WriteGateDeps['ui'], preview: OrderPreview): void {
  ui.warn(preview.title);
  for (const line of preview.lines) ui.status(`  ${line}`);
  for (const warning of preview.warnings) ui.warn(`  ${warning}`);
}

/** The order (get_orders, by order_id) or GTT (get_gtts, by id = trigger_id) the call would change, if any. */
async function lookUpExisting(lookUp: LookUp, call: Call, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
  if (GTT_CHANGES.has(call.name)) return lookUpRecord(lookUp, 'get_gtts', 'id', call.arguments['trigger_id'], signal);
  return lookUpRecord(lookUp, 'get_orders', 'order_id', call.arguments['order_id'], signal);
}

async function lookUpRecord(
  lookUp: LookUp,
  tool: string,
  key: string,
  id: unknown,
  signal: AbortSignal,
): Promise<Record<string, unknown> | undefined> {
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const listed = await readJson(lookUp, tool, {}, signal);
  // Without `limit` Kite MCP returns the bare array; a paginated reply keeps it under `data`.
  const rows: unknown = isRecord(listed) ? listed['data'] : listed;
  if (!Array.isArray(rows)) return undefined;
  const found: unknown = rows.find((row: unknown) => isRecord(row) && String(row[key]) === String(id));
  return isRecord(found) ? found : undefined;
}

async function lookUpLtp(lookUp: LookUp, instrument: string, signal: AbortSignal): Promise<number | undefined> {
  const quotes = await readJson(lookUp, 'get_ltp', { instruments: [instrument] }, signal);
  if (!isRecord(quotes)) return undefined;
  const quote = quotes[instrument];
  return isRecord(quote) && typeof quote['last_price'] === 'number' ? quote['last_price'] : undefined;
}

/** A look-up parsed as JSON; undefined when it fails in any way (the preview then says so). Ctrl-C still cancels. */
async function readJson(lookUp: LookUp, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  try {
    const result = await lookUp(tool, args, { signal, timeoutMs: LOOKUP_TIMEOUT_MS });
    return result.isError ? undefined : tryParseJson(result.text);
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
}
