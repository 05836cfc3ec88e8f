/**
 * What a write's preview is made of (OrderPreview) and how one is completed from its parts: the leading sentence with
 * the estimated value, the lines, the arguments nobody read, the warnings and the question. The value is estimated
 * the way Kite will trade it (quantity × the price that bounds it), and a limit price far from the last trade is
 * flagged. Pure; trading/order-describers.ts supplies the parts of each tool.
 */
import { formatAnyRupees } from '../inr.js';
import { isPlainText, show, type ArgumentReader } from './order-fields.js';

/** Kite counts quantity in shares or units here; on MCX and CDS it counts lots, which we cannot value. */
const UNIT_QUANTITY_EXCHANGES = new Set(['NSE', 'BSE', 'NFO', 'BFO']);
/** Exchange and symbol for get_ltp: plain capitals and digits only, so a crafted symbol never reaches a look-up. */
const INSTRUMENT_PATTERN = /^[A-Z]{2,6}:[A-Z0-9][A-Z0-9&_.-]*$/;
/**
 * A limit price further than this from the last trade is flagged: a day's move is rarely beyond it (Kite's circuit
 * bands are mostly 5–20 %), and a price that far off is more often a slip (₹1 for ₹1,074) than a plan.
 */
const PRICE_DEVIATION_FLAG = 0.1;
const CANCELS_IT = 'anything else cancels';

export interface OrderPreview {
  /** The leading sentence, e.g. "BUY 10 × NSE:SBIN at market, delivery (CNC) — about ₹8,123.50". */
  title: string;
  /**
   * Only what is set or changes what happens, one "Label: value" (or "Label: before → after") a line, with the value
   * Kite MCP will use; unset fields are left out. No line contains a newline or control.
   */
  lines: string[];
  /** Lines the person must not miss, shown after `lines` (a limit price far from the last traded price); often none. */
  warnings: string[];
  /** What the user must type back: "<SYMBOL> <QUANTITY>" (e.g. "INFY 10"), else e.g. "CANCEL <order_id>". */
  confirmPhrase: string;
  /** The question that ends the preview: `Type "INFY 10" to place this order, anything else cancels: `. */
  question: string;
  estimatedValueRupees: number | undefined;
  /** "NSE:INFY": whose last price (get_ltp) would let the value be estimated. */
  instrument: string | undefined;
  /** Whether the call can buy or sell, so that checkOrderValue needs a value to let it through. */
  valueRequired: boolean;
  /** How the value was estimated, or why it could not be (also among `lines`). */
  valueNote: string;
  /** Arguments Kite MCP would read differently from what they say, or that are missing: each refuses the call. */
  problems: string[];
}

export interface PreviewContext {
  ltp?: number | undefined;
  /** For modify/cancel: the order as get_orders shows it; for GTT modify/delete: the GTT as get_gtts shows it. */
  existingOrder?: Record<string, unknown> | undefined;
}

type Estimate = { value: number | undefined; note: string };

interface PreviewParts {
  /** The leading sentence without its value; build adds "— about ₹…" when the call buys or sells. */
  title: string;
  lines: string[];
  warnings?: string[];
  confirmPhrase: string;
  /** What typing the phrase does, for the question: "place this order". */
  action: string;
  /** What any other answer does; "anything else cancels" unless given. */
  otherwise?: string;
  /** Present for a call that can buy or sell: it then needs a known value to pass checkOrderValue. */
  estimate?: Estimate;
  instrument?: string | undefined;
}

/** Completes a preview: the arguments nobody read are listed, and the confirm phrase must be plain to type. */
export function build(read: ArgumentReader, parts: PreviewParts): OrderPreview {
  const { estimate } = parts;
  const confirmPhrase = parts.confirmPhrase.toUpperCase();
  // A symbol or id from the server could hold anything; a phrase nobody can read is never asked for.
  if (read.problems.length === 0 && !isPlainText(confirmPhrase)) {
    read.problems.push(`The confirmation phrase ${show(confirmPhrase, { quoted: true })} is not plain text.`);
  }
  return {
    title: estimate === undefined ? parts.title : `${parts.title} — ${valueText(estimate)}`,
    lines: [...parts.lines, ...read.unreadLines()],
    warnings: parts.warnings ?? [],
    confirmPhrase,
    question: `Type "${confirmPhrase}" to ${parts.action}, ${parts.otherwise ?? CANCELS_IT}: `,
    estimatedValueRupees: estimate?.value,
    instrument: parts.instrument,
    valueRequired: estimate !== undefined,
    valueNote: estimate?.note ?? 'buys and sells nothing',
    problems: read.problems,
  };
}

/**
 * quantity × price. A buy with a limit price (LIMIT, SL, GTT legs) costs at most that; a sell with one fetches at
 * least that, so it is valued at the larger of the limit and the last traded price (a SELL LIMIT ₹1 is worth what the
 * shares are). Without a limit price: the larger of the trigger price and the last traded price, which errs high.
 */
export function estimateValue(
  exchange: string,
  quantity: number,
  prices: { limit: number; trigger: number; ltp: number | undefined; side: string },
): Estimate {
  if (!UNIT_QUANTITY_EXCHANGES.has(exchange)) {
    return { value: undefined, note: `quantity on ${show(exchange)} may count lots rather than units` };
  }
  if (!(quantity > 0)) return { value: undefined, note: 'there is no valid quantity' };
  const ltp = knownPrice(prices.ltp) ?? 0;
  const sellsAtLimit = prices.side === 'SELL' && prices.limit > 0;
  if (sellsAtLimit && ltp === 0) {
    return { value: undefined, note: 'a sell is valued at the last traded price when it is above the limit price, and that price is not known' };
  }
  const [basis, name] =
    sellsAtLimit && ltp > prices.limit ? [ltp, 'last traded price, above the limit price']
    : prices.limit > 0 ? [prices.limit, 'limit price']
    : prices.trigger > ltp ? [prices.trigger, 'trigger price']
    : [ltp, 'last traded price'];
  if (basis > 0) return { value: quantity * basis, note: `${quantity} × ${name} ${formatAnyRupees(basis)}` };
  return { value: undefined, note: 'there is no limit price and the last traded price is not known' };
}

/** Of several legs only one executes: the largest is the value, and one unknown leg makes the whole unknown. */
export function largestEstimate(estimates: Estimate[]): Estimate {
  const unknown = estimates.find((estimate) => estimate.value === undefined);
  if (unknown !== undefined) return unknown;
  if (estimates.length === 0) return { value: undefined, note: 'there is no trigger' };
  return estimates.reduce((largest, next) => ((next.value ?? 0) > (largest.value ?? 0) ? next : largest));
}

/** "about ₹8,123.50"; how it was estimated is in `valueNote`, for a refusal that needs to say. */
function valueText(estimate: Estimate): string {
  return estimate.value === undefined ? `value unknown: ${estimate.note}` : `about ${formatAnyRupees(estimate.value)}`;
}

/** A warning when the limit price is further than PRICE_DEVIATION_FLAG from the last traded price. */
export function priceWarnings(limit: number, ltpValue: number | undefined): string[] {
  const ltp = knownPrice(ltpValue);
  if (!(limit > 0) || ltp === undefined) return [];
  const deviation = (limit - ltp) / ltp;
  if (Math.abs(deviation) <= PRICE_DEVIATION_FLAG) return [];
  const percent = `${(Math.abs(deviation) * 100).toFixed(1)} %`;
  return [
    `WARNING: the limit price ${formatAnyRupees(limit)} is ${percent} ${deviation < 0 ? 'BELOW' : 'ABOVE'} the last traded price ` +
      `${formatAnyRupees(ltp)}. Check that this is the price you mean before you confirm.`,
  ];
}

function knownPrice(price: number | undefined): number | undefined {
  return price !== undefined && Number.isFinite(price) && price > 0 ? price : undefined;
}

export function instrumentOf(exchange: string, symbol: string): string | undefined {
  const instrument = `${exchange}:${symbol}`;
  return INSTRUMENT_PATTERN.test(instrument) ? instrument : undefined;
}
