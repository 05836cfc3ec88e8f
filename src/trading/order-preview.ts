/**
 * The pre-trade preview for --trading (PEERS.md R4): one write call in a few lines, with the values Kite MCP will
 * actually use: a leading sentence (what, how priced, which product, about how much), then only the fields that are
 * set or that change what happens (a change shown as before → after), then any warnings, and the question with the
 * phrase the user must type back. Kite MCP coerces arguments silently (text where a number belongs becomes 0, or 1
 * for quantity; mcp/common.go SafeAssert*), so every such mismatch is a problem and checkOrderValue refuses the
 * call. Pure: look-ups are trading/write-gate.ts's job.
 */
import { formatAnyRupees } from '../inr.js';
import { canonicalJson } from '../json.js';
import {
  changeLine,
  count,
  field,
  gttFields,
  money,
  orderFields,
  orderSentence,
  pricingText,
  productText,
  readArguments,
  sameRecord,
  show,
  usesPrice,
  usesTrigger,
  type ArgumentReader,
} from './order-fields.js';

/** ₹50,000: a real delivery order for a retail account, yet a model's mistake of that size is survivable. */
export const DEFAULT_MAX_ORDER_VALUE_RUPEES = 50_000;
/** Kite counts quantity in shares or units here; on MCX and CDS it counts lots, which we cannot value. */
const UNIT_QUANTITY_EXCHANGES = new Set(['NSE', 'BSE', 'NFO', 'BFO']);
/** Exchange and symbol for get_ltp: plain capitals and digits only, so a crafted symbol never reaches a look-up. */
const INSTRUMENT_PATTERN = /^[A-Z]{2,6}:[A-Z0-9][A-Z0-9&_.-]*$/;
const ORDER_NOT_FOUND = "not found among today's orders; symbol and side unknown";
/**
 * A limit price further than this from the last trade is flagged: a day's move is rarely beyond it (Kite's circuit
 * bands are mostly 5–20 %), and a price that far off is more often a slip (₹1 for ₹1,074) than a plan.
 */
const PRICE_DEVIATION_FLAG = 0.1;
const GTT_NOT_FOUND = 'not found among the active GTTs; its terms are unknown';
/** What declining means when the call itself takes something away (a cancel, a delete). */
const KEEPS_IT = 'anything else keeps it';
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

type Describer = (args: Record<string, unknown>, context: PreviewContext) => OrderPreview;

const DESCRIBERS: Readonly<Record<string, Describer>> = {
  place_order: describePlaceOrder,
  modify_order: describeModifyOrder,
  cancel_order: describeCancelOrder,
  place_gtt_order: (args, context) => describeGtt('place', args, context),
  modify_gtt_order: (args, context) => describeGtt('modify', args, context),
  delete_gtt_order: describeDeleteGtt,
};

/** The next server's mode tools (SERVER.md §6) take the v0.3 arguments plus `mode`; best effort until it ships. */
const MODE_DESCRIBERS: Readonly<Record<string, string>> = {
  'orders place': 'place_order',
  'orders modify': 'modify_order',
  'orders cancel': 'cancel_order',
  'gtt place': 'place_gtt_order',
  'gtt modify': 'modify_gtt_order',
  'gtt delete': 'delete_gtt_order',
};

/** Mode tools that move no money: the user still confirms them, but no value is needed. */
const NO_VALUE_TOOLS = new Set(['alerts', 'session']);

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

type Estimate = { value: number | undefined; note: string };

function describePlaceOrder(args: Record<string, unknown>, context: PreviewContext): OrderPreview {
  const read = readArguments(args);
  const variety = read.text('variety', { fallback: 'regular', required: true });
  const exchange = read.text('exchange', { fallback: 'NSE', required: true });
  const symbol = read.symbol('tradingsymbol');
  const side = read.text('transaction_type', { required: true });
  const quantity = read.quantity('quantity', 'quantity is missing.');
  const product = read.text('product', { required: true });
  const orderType = read.text('order_type', { required: true });
  const price = read.number('price');
  const trigger = read.number('trigger_price');
  const validity = read.text('validity');
  const validityMinutes = read.number('validity_ttl', { whole: true });
  const disclosed = read.number('disclosed_quantity', { whole: true });
  const icebergLegs = read.number('iceberg_legs', { whole: true });
  const icebergQuantity = read.number('iceberg_quantity', { whole: true });
  const tag = read.text('tag');
  const limit = usesPrice(orderType) ? price : 0;
  return build(read, {
    title: orderSentence({ side, quantity, exchange, symbol, product, orderType, price, trigger }),
    lines: [
      ...(price > 0 && !usesPrice(orderType) ? [field('Price', `${money(price)} (not used by ${show(orderType)} orders)`)] : []),
      ...(trigger > 0 && !usesTrigger(orderType)
        ? [field('Trigger price', `${money(trigger)} (not used by ${show(orderType)} orders)`)]
        : []),
      ...(validity === '' ? [] : [field('Validity', show(validity))]),
      ...(validityMinutes > 0 ? [field('Validity minutes', count(validityMinutes))] : []),
      ...(disclosed > 0 ? [field('Disclosed quantity', count(disclosed))] : []),
      ...(icebergLegs > 0 || icebergQuantity > 0 ? [field('Iceberg', `${icebergLegs} legs of ${icebergQuantity}`)] : []),
      ...varietyLine(variety),
      ...(tag === '' ? [] : [field('Tag', show(tag))]),
    ],
    confirmPhrase: `${symbol} ${quantity}`,
    action: 'place this order',
    estimate: estimateValue(exchange, quantity, { limit, trigger, ltp: context.ltp, side }),
    instrument: instrumentOf(exchange, symbol),
    warnings: priceWarnings(limit, context.ltp),
  });
}

/**
 * Kite MCP always sends quantity and order type, but leaves a zero price, trigger or disclosed quantity and an empty
 * validity out of the request (gokiteconnect `omitempty`), so Kite keeps the order's current value for each of those.
 */
function describeModifyOrder(args: Record<string, unknown>, context: PreviewContext): OrderPreview {
  const read = readArguments(args);
  const variety = read.text('variety', { fallback: 'regular', required: true });
  const orderId = read.text('order_id', { required: true });
  const quantity = read.quantity('quantity', 'quantity is missing, and Kite MCP would then change the order to 1: ' +
    'send the quantity the order should have, even if it stays the same.');
  const price = read.number('price');
  const orderType = read.text('order_type', { required: true });
  const trigger = read.number('trigger_price');
  const validity = read.text('validity');
  const disclosed = read.number('disclosed_quantity', { whole: true });
  const old = orderFields(sameRecord(context.existingOrder, 'order_id', orderId));
  const newPrice = price > 0 ? price : old.price ?? 0;
  const newTrigger = trigger > 0 ? trigger : old.trigger ?? 0;
  const limit = usesPrice(orderType) ? newPrice : 0;
  const found = old.symbol !== undefined && old.exchange !== undefined;
  const changes = [
    ...changeLine('Quantity', old.quantity, quantity, String),
    ...changeLine('Order type', old.orderType, orderType, show),
    ...(price > 0 ? changeLine('Price', old.price, price, money) : []),
    ...(trigger > 0 ? changeLine('Trigger price', old.trigger, trigger, money) : []),
    ...(validity === '' ? [] : changeLine('Validity', old.validity, validity, show)),
    ...(disclosed > 0 ? changeLine('Disclosed quantity', old.disclosed, disclosed, count) : []),
  ];
  return build(read, {
    title: `MODIFY order ${show(orderId)}: ` + (found
      ? orderSentence({ ...old, quantity, orderType, price: newPrice, trigger: newTrigger })
      : `quantity ${quantity}, ${pricingText(orderType, price, trigger)}`),
    lines: [
      ...(found ? [] : [field('Order now', ORDER_NOT_FOUND)]),
      ...(changes.length === 0 ? [field('Changes', 'none; the order stays as it is')] : changes),
      ...varietyLine(variety),
    ],
    confirmPhrase: found ? `${old.symbol} ${quantity}` : `MODIFY ${orderId}`,
    action: 'change this order',
    estimate: found
      ? estimateValue(old.exchange ?? '', quantity, { limit, trigger: newTrigger, ltp: context.ltp, side: old.side ?? '' })
      : { value: undefined, note: 'the order was not found, so what it trades is unknown' },
    instrument: instrumentOf(old.exchange ?? '', old.symbol ?? ''),
    warnings: found ? priceWarnings(limit, context.ltp) : [],
  });
}

function describeCancelOrder(args: Record<string, unknown>, context: PreviewContext): OrderPreview {
  const read = readArguments(args);
  const variety = read.text('variety', { fallback: 'regular', required: true });
  const orderId = read.text('order_id', { required: true });
  const old = orderFields(sameRecord(context.existingOrder, 'order_id', orderId));
  const found = old.symbol !== undefined && old.quantity !== undefined;
  return build(read, {
    title: `CANCEL order ${show(orderId)}${found ? `: ${orderSentence(old)}` : ''}`,
    lines: [
      found ? field('Status', `${show(old.status ?? 'unknown')} → cancelled`) : field('Order now', ORDER_NOT_FOUND),
      ...varietyLine(variety),
    ],
    confirmPhrase: found ? `${old.symbol} ${old.quantity}` : `CANCEL ${orderId}`,
    action: 'cancel this order',
    otherwise: KEEPS_IT,
  });
}

/** place_gtt_order and modify_gtt_order: one trigger, or two legs of which only one can execute. */
function describeGtt(action: 'place' | 'modify', args: Record<string, unknown>, context: PreviewContext): OrderPreview {
  const read = readArguments(args);
  const triggerId = action === 'modify' ? read.number('trigger_id', { whole: true, required: true }) : 0;
  const exchange = read.text('exchange', { fallback: 'NSE', required: true });
  const symbol = read.symbol('tradingsymbol');
  const lastPrice = read.number('last_price', { required: true });
  const side = read.text('transaction_type', { required: true });
  const product = action === 'place' ? read.text('product', { required: true }) : undefined;
  const triggerType = read.text('trigger_type', { required: true });
  const prefixes = triggerType === 'single' ? [''] : triggerType === 'two-leg' ? ['upper_', 'lower_'] : [];
  if (triggerType !== '' && prefixes.length === 0) {
    read.problems.push(`trigger_type must be single or two-leg, not ${show(triggerType)}.`);
  }
  const legs = prefixes.map((prefix) => ({
    name: prefix === '' ? 'Trigger' : prefix === 'upper_' ? 'Upper leg' : 'Lower leg',
    trigger: read.number(`${prefix}trigger_value`, { required: true }),
    quantity: read.quantity(`${prefix}quantity`, `${prefix}quantity is missing.`),
    limit: read.number(`${prefix}limit_price`, { required: true }),
  }));
  const legText = (leg: (typeof legs)[number]) => `${leg.quantity} at limit ${money(leg.limit)} once the price reaches ${money(leg.trigger)}`;
  const ltp = context.ltp ?? (lastPrice > 0 ? lastPrice : undefined);
  const quantity = Math.max(0, ...legs.map((leg) => leg.quantity));
  const heading = action === 'place' ? 'GTT' : `MODIFY GTT ${triggerId}:`;
  const terms = legs.length === 1 && legs[0] !== undefined ? legText(legs[0])
    : legs.length > 1 ? 'whichever leg triggers first' : 'no trigger';
  const productPart = product === undefined ? '' : `, ${productText(product)}`;
  return build(read, {
    title: `${heading} ${show(side)} ${show(exchange)}:${show(symbol)}${productPart}, ${terms}`,
    lines: [
      ...(action === 'modify' ? gttChangeLines(gttFields(sameRecord(context.existingOrder, 'id', triggerId)), legs) : []),
      ...(action === 'place' && legs.length > 1 ? legs.map((leg) => field(leg.name, legText(leg))) : []),
      field('Last price sent', money(lastPrice)),
    ],
    confirmPhrase: `${symbol} ${quantity}`,
    action: action === 'place' ? 'place this GTT' : 'change this GTT',
    estimate: largestEstimate(legs.map((leg) => estimateValue(exchange, leg.quantity, { ...leg, ltp, side }))),
    instrument: instrumentOf(exchange, symbol),
  });
}

/** A GTT modify as before → after, leg by leg: triggers, quantities and limit prices. */
function gttChangeLines(
  existing: ReturnType<typeof gttFields>,
  legs: readonly { trigger: number; quantity: number; limit: number }[],
): string[] {
  const plural = legs.length > 1 ? 's' : '';
  const list = (format: (value: number) => string) => (values: number[]) => values.map(format).join(' / ');
  return [
    ...(existing.text === undefined ? [field('GTT now', GTT_NOT_FOUND)] : []),
    ...changeLine(`Trigger${plural}`, existing.triggers, legs.map((leg) => leg.trigger), list(money)),
    ...changeLine(`Quantit${plural === '' ? 'y' : 'ies'}`, existing.quantities, legs.map((leg) => leg.quantity), list(String)),
    ...changeLine(`Limit price${plural}`, existing.limits, legs.map((leg) => leg.limit), list(money)),
  ];
}

function describeDeleteGtt(args: Record<string, unknown>, context: PreviewContext): OrderPreview {
  const read = readArguments(args);
  const triggerId = read.number('trigger_id', { whole: true, required: true });
  const existing = gttFields(sameRecord(context.existingOrder, 'id', triggerId));
  const found = existing.symbol !== undefined && existing.quantity !== undefined;
  return build(read, {
    title: `DELETE GTT ${triggerId}${existing.text === undefined ? '' : `: ${existing.text}`}`,
    lines: [existing.text === undefined ? field('GTT now', GTT_NOT_FOUND) : field('Status', 'active → deleted')],
    confirmPhrase: found ? `${existing.symbol} ${existing.quantity}` : `DELETE ${triggerId}`,
    action: 'delete this GTT',
    otherwise: KEEPS_IT,
  });
}

/** Any other write: every argument as sent. A tool we do not know may move money, so it needs a value we lack. */
function describeOtherCall(toolName: string, args: Record<string, unknown>, mode: string | undefined): OrderPreview {
  const read = readArguments(args);
  const name = mode === undefined ? toolName : `${toolName} ${mode}`;
  return build(read, {
    title: `${show(name)} with ${Object.keys(args).length} argument(s)`,
    lines: [field('Tool', show(toolName))],
    confirmPhrase: mode === undefined ? `RUN ${toolName}` : name,
    action: 'run this call',
    ...(NO_VALUE_TOOLS.has(toolName)
      ? {}
      : { estimate: { value: undefined, note: `kite-chat does not know what ${show(toolName)} buys or sells` } }),
  });
}

/** A variety other than regular (amo, co, iceberg, auction) changes when and how the order reaches the exchange. */
function varietyLine(variety: string): string[] {
  return variety === 'regular' ? [] : [field('Variety', show(variety))];
}

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
function build(read: ArgumentReader, parts: PreviewParts): OrderPreview {
  const { estimate } = parts;
  const confirmPhrase = parts.confirmPhrase.toUpperCase();
  // A symbol or id from the server could hold anything; a phrase nobody can read is never asked for.
  if (read.problems.length === 0 && !/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(confirmPhrase)) {
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
function estimateValue(
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
function largestEstimate(estimates: Estimate[]): Estimate {
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
function priceWarnings(limit: number, ltpValue: number | undefined): string[] {
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

function instrumentOf(exchange: string, symbol: string): string | undefined {
  const instrument = `${exchange}:${symbol}`;
  return INSTRUMENT_PATTERN.test(instrument) ? instrument : undefined;
}
