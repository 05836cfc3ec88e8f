/**
 * The preview of each write tool Kite MCP offers: place, modify and cancel an order, place, modify and delete a GTT,
 * and any other write shown argument by argument. Each reads its arguments the way Kite MCP will
 * (trading/order-fields.ts) and shows a change as before → after against the order or GTT it is about. Pure.
 */
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
} from './order-fields.js';
import {
  build, estimateValue, instrumentOf, largestEstimate, priceWarnings, type OrderPreview, type PreviewContext,
} from './preview-build.js';

const ORDER_NOT_FOUND = "not found among today's orders; symbol and side unknown";
const GTT_NOT_FOUND = 'not found among the active GTTs; its terms are unknown';
/** What declining means when the call itself takes something away (a cancel, a delete). */
const KEEPS_IT = 'anything else keeps it';

export type Describer = (args: Record<string, unknown>, context: PreviewContext) => OrderPreview;

export const DESCRIBERS: Readonly<Record<string, Describer>> = {
  place_order: describePlaceOrder,
  modify_order: describeModifyOrder,
  cancel_order: describeCancelOrder,
  place_gtt_order: (args, context) => describeGtt('place', args, context),
  modify_gtt_order: (args, context) => describeGtt('modify', args, context),
  delete_gtt_order: describeDeleteGtt,
};

/** Mode tools that move no money: the user still confirms them, but no value is needed. */
const NO_VALUE_TOOLS = new Set(['alerts', 'session']);

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
export function describeOtherCall(toolName: string, args: Record<string, unknown>, mode: string | undefined): OrderPreview {
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
