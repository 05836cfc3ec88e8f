/**
 * The pre-trade gate for --trading in the REPL (CONTRACT.md "Trading safety", PEERS.md R4): every write call is
 * shown in full with an estimated value from get_ltp (and, for modify/cancel, the order it changes, from
 * get_orders), refused above KITE_CHAT_MAX_ORDER_VALUE, and run only after the user types the symbol and quantity
 * back. The same order again within 30 s needs a second confirmation that says so. Decides; never calls the write.
 */
import { describeWriteCall, checkOrderValue, isConfirmation, orderFingerprint, type OrderPreview } from './order-preview.js';
import type { Runtime } from './runtime.js';
import { refusalText } from './tool-policy.js';
import { toolResultText } from './tool-schema.js';
import type { WriteGate } from './tool-executor.js';
import type { Ui } from './ui.js';

/** PEERS.md R4: a repeated order inside this window is more likely a model loop or a double tap than intent. */
export const DUPLICATE_WINDOW_MS = 30_000;
/** The price and order look-ups are a courtesy; they must not hold the confirmation up for long. */
const LOOKUP_TIMEOUT_MS = 10_000;
const DUPLICATE_PHRASE = 'AGAIN';

export interface WriteGateDeps {
  runtime: Runtime;
  ui: Ui;
  ask: (prompt: string, signal: AbortSignal) => Promise<string>;
  now?: () => number;
}

export function createWriteGate(deps: WriteGateDeps): WriteGate {
  const now = deps.now ?? Date.now;
  const confirmedAt = new Map<string, number>();

  return async (call, signal) => {
    const existingOrder = await lookUpOrder(deps.runtime, call.arguments['order_id'], signal);
    let preview = describeWriteCall(call.name, call.arguments, { existingOrder });
    if (preview.instrument !== undefined) {
      const ltp = await lookUpLtp(deps.runtime, preview.instrument, signal);
      preview = describeWriteCall(call.name, call.arguments, { ltp, existingOrder });
    }
    show(deps.ui, preview);
    const value = checkOrderValue(preview, deps.runtime.config.maxOrderValueRupees);
    if (!value.ok) {
      deps.ui.warn(`Refused: ${value.reason}`);
      return refusalText(call.name, 'over-cap', value.reason);
    }
    const typed = await deps.ask(`Type "${preview.confirmPhrase}" to confirm, anything else cancels: `, signal);
    if (!isConfirmation(typed, preview)) {
      deps.ui.warn('Not confirmed; nothing was sent to Kite.');
      return refusalText(call.name, 'declined');
    }
    const fingerprint = orderFingerprint(call.name, call.arguments);
    const previous = confirmedAt.get(fingerprint);
    if (previous !== undefined && now() - previous < DUPLICATE_WINDOW_MS) {
      const seconds = Math.round((now() - previous) / 1000);
      deps.ui.warn(`You confirmed this same order ${seconds} s ago. Confirming again sends it a SECOND time.`);
      const again = await deps.ask(`Type ${DUPLICATE_PHRASE} to send it again, anything else cancels: `, signal);
      if (again.trim().toUpperCase() !== DUPLICATE_PHRASE) {
        deps.ui.warn('Not confirmed; the repeated order was not sent.');
        return refusalText(call.name, 'duplicate-declined');
      }
    }
    confirmedAt.set(fingerprint, now());
    return undefined;
  };
}

function show(ui: Ui, preview: OrderPreview): void {
  ui.warn(`About to send to Kite: ${preview.title}`);
  for (const line of preview.lines) ui.status(`  ${line}`);
}

async function lookUpOrder(runtime: Runtime, orderId: unknown, signal: AbortSignal) {
  if (typeof orderId !== 'string' && typeof orderId !== 'number') return undefined;
  const rows = await readJson(runtime, 'get_orders', {}, signal);
  if (!Array.isArray(rows)) return undefined;
  const order: unknown = rows.find((row: { order_id?: unknown }) => String(row?.order_id) === String(orderId));
  return isRecord(order) ? order : undefined;
}

async function lookUpLtp(runtime: Runtime, instrument: string, signal: AbortSignal): Promise<number | undefined> {
  const quotes = await readJson(runtime, 'get_ltp', { instruments: [instrument] }, signal);
  if (!isRecord(quotes)) return undefined;
  const quote = quotes[instrument];
  return isRecord(quote) && typeof quote['last_price'] === 'number' ? quote['last_price'] : undefined;
}

/** A read on the live session, parsed as JSON; undefined when it fails in any way (the preview then says so). */
async function readJson(runtime: Runtime, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  if (!runtime.classes.has(tool)) return undefined;
  try {
    const session = await runtime.connection.session();
    const result = await session.callTool(tool, args, { signal, timeoutMs: LOOKUP_TIMEOUT_MS });
    if (result.isError) return undefined;
    return JSON.parse(toolResultText(result)) as unknown;
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
