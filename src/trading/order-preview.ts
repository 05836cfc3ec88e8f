/**
 * The pre-trade preview for --trading (PEERS.md R4): one write call in a few lines, with the values Kite MCP will
 * actually use: a leading sentence (what, how priced, which product, about how much), then only the fields that are
 * set or that change what happens (a change shown as before → after), then any warnings, and the question with the
 * phrase the user must type back. Kite MCP coerces arguments silently (text where a number belongs becomes 0, or 1
 * for quantity; mcp/common.go SafeAssert*), so every such mismatch is a problem and checkOrderValue refuses the
 * call. This module picks the tool's describer (trading/order-describers.ts; preview-build.ts makes the parts whole)
 * and decides: the value cap, the typed phrase, the duplicate's fingerprint. Pure: look-ups are trading/write-gate.ts's.
 */
import { canonicalJson } from '../json.js';
import { formatAnyRupees } from '../inr.js';
import { DESCRIBERS, describeOtherCall, type Describer } from './order-describers.js';
import { field } from './order-fields.js';
import type { OrderPreview, PreviewContext } from './preview-build.js';

export type { OrderPreview } from './preview-build.js';


/** The next server's mode tools (SERVER.md §6) take the v0.3 arguments plus `mode`; best effort until it ships. */
const MODE_DESCRIBERS: Readonly<Record<string, string>> = {
  'orders place': 'place_order',
  'orders modify': 'modify_order',
  'orders cancel': 'cancel_order',
  'gtt place': 'place_gtt_order',
  'gtt modify': 'modify_gtt_order',
  'gtt delete': 'delete_gtt_order',
};

export function describeWriteCall(
  toolName: string,
  args: Record<string, unknown>,
  context: PreviewContext,
): OrderPreview {
  const mode = typeof args['mode'] === 'string' ? args['mode'] : undefined;
  const alias = mode === undefined ? undefined : MODE_DESCRIBERS[`${toolName} ${mode}`];
  if (alias !== undefined) {
    const { mode: _mode, ...rest } = args;
    const preview = (DESCRIBERS[alias] as Describer)(rest, context);
    return { ...preview, lines: [field('Tool', `${toolName} (mode ${mode})`), ...preview.lines] };
  }
  const describe = Object.hasOwn(DESCRIBERS, toolName) ? DESCRIBERS[toolName] : undefined;
  return describe === undefined ? describeOtherCall(toolName, args, mode) : describe(args, context);
}

/**
 * Refuses a call whose arguments have problems, that is estimated above the cap, or that can trade but could not be
 * valued (a MARKET order without a last price, anything on MCX): a cap that an unknown value slips past is no cap.
 * `refusal` names the refusalText reason that fits.
 */
export function checkOrderValue(
  preview: OrderPreview,
  maxOrderValueRupees: number,
): { ok: true } | { ok: false; reason: string; refusal: 'over-cap' | 'invalid-arguments' } {
  if (preview.problems.length > 0) {
    const reason = `The arguments need fixing first: ${preview.problems.join(' ')}`;
    return { ok: false, reason, refusal: 'invalid-arguments' };
  }
  if (!preview.valueRequired) return { ok: true };
  const limit = formatAnyRupees(maxOrderValueRupees);
  const value = preview.estimatedValueRupees;
  if (value === undefined) {
    const reason = `Its value could not be estimated (${preview.valueNote}), so the ${limit} limit cannot be checked.`;
    return { ok: false, reason, refusal: 'over-cap' };
  }
  if (value > maxOrderValueRupees) {
    return {
      ok: false,
      reason: `Its estimated value ${formatAnyRupees(value)} (${preview.valueNote}) is above the ${limit} limit per order; ` +
        'the user can raise it with KITE_CHAT_MAX_ORDER_VALUE.',
      refusal: 'over-cap',
    };
  }
  return { ok: true };
}

/** The typed phrase, compared without regard to case and spacing. "y" and "yes" never confirm anything. */
export function isConfirmation(typed: string, preview: OrderPreview): boolean {
  if (preview.problems.length > 0) return false;
  const normalize = (text: string) => text.trim().replace(/\s+/g, ' ').toUpperCase();
  const expected = normalize(preview.confirmPhrase);
  return expected !== '' && normalize(typed) === expected;
}

/** The same tool with the same arguments, whatever their key order: for the 30 s duplicate window. */
export function orderFingerprint(toolName: string, args: Record<string, unknown>): string {
  // Null and absent are the same to Kite, so they are the same order here.
  return `${toolName} ${canonicalJson(args, { omitNull: true })}`;
}
