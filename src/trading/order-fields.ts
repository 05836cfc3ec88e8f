/**
 * The values of an order as Kite will see them, and each shown safely on one line. Arguments are read the way Kite
 * MCP reads them (mcp/common.go SafeAssert*): text where a number belongs silently becomes the fallback (0, or 1 for
 * quantity), a fraction is cut to a whole number; each such mismatch is recorded as a problem. Existing orders and
 * GTTs come from get_orders / get_gtts. Pure; trading/order-preview.ts builds the preview from these pieces.
 */
import { formatAnyRupees } from '../inr.js';
import { isRecord } from '../json.js';

/** What a Kite trading symbol is made of (M&M, BAJAJ-AUTO, NIFTY25AUG24500CE); anything else is refused. */
const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9&_.-]*$/;
/** A model can send a megabyte as one argument; the preview shows the start and says how much is left out. */
const MAX_SHOWN_VALUE_CHARS = 200;
/** Labels are padded to this width so the values line up in the terminal. */
const LABEL_WIDTH = 20;
/** Kite's product codes in words, so the leading sentence says what the order is for. */
const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  CNC: 'delivery',
  MIS: 'intraday',
  NRML: 'carry forward',
  MTF: 'margin trading',
};

export interface ArgumentReader {
  /** A text argument; a non-text value is a problem (Kite MCP would format it with Go's %v). */
  text(key: string, options?: { fallback?: string; required?: boolean }): string;
  /** A required trading symbol, in capitals as Kite lists it. */
  symbol(key: string): string;
  /** A number argument; text, a negative number, or a fraction where a whole number belongs is a problem. */
  number(key: string, options?: { fallback?: number; required?: boolean; whole?: boolean }): number;
  /** A required whole quantity of at least 1; `missing` explains what a missing one would do. */
  quantity(key: string, missing: string): number;
  /** One line for each argument nothing asked for (marked "extra" if others were): the user sees all that is sent. */
  unreadLines(): string[];
  readonly problems: string[];
}

export function readArguments(args: Record<string, unknown>): ArgumentReader {
  const problems: string[] = [];
  const read = new Set<string>();
  const raw = (key: string): unknown => {
    read.add(key);
    return args[key] ?? undefined; // Kite MCP treats null as absent
  };

  function text(key: string, options: { fallback?: string; required?: boolean } = {}): string {
    const value = raw(key);
    if (value === undefined || value === '') {
      if (options.required === true) problems.push(`${key} is missing.`);
      return options.fallback ?? '';
    }
    if (typeof value === 'string') return value;
    problems.push(`${key} must be text, but the model sent ${show(value)}.`);
    return options.fallback ?? '';
  }

  function number(key: string, options: { fallback?: number; required?: boolean; whole?: boolean } = {}): number {
    const value = raw(key);
    const fallback = options.fallback ?? 0;
    if (value === undefined) {
      if (options.required === true) problems.push(`${key} is missing.`);
      return fallback;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const sent = typeof value === 'string' ? `the text ${show(value, { quoted: true })}` : show(value);
      problems.push(`${key} must be a number, but the model sent ${sent}, which Kite MCP would read as ${fallback}.`);
      return fallback;
    }
    if (value < 0) problems.push(`${key} must not be negative (${value}).`);
    if (options.whole === true && !Number.isInteger(value)) {
      const whole = Math.trunc(value);
      problems.push(`${key} must be a whole number, but the model sent ${value}, which Kite MCP would cut to ${whole}.`);
      return Math.trunc(value);
    }
    return value;
  }

  function symbol(key: string): string {
    const value = text(key, { required: true });
    if (value !== '' && !SYMBOL_PATTERN.test(value)) {
      problems.push(`${key} ${show(value)} is not a Kite trading symbol (capital letters, digits, & _ . - only).`);
    }
    return value;
  }

  function quantity(key: string, missing: string): number {
    if (raw(key) === undefined) {
      problems.push(missing);
      return 1;
    }
    const value = number(key, { fallback: 1, whole: true });
    if (value < 1) problems.push(`${key} must be at least 1, not ${value}.`);
    return value;
  }

  function unreadLines(): string[] {
    const unread = Object.keys(args).filter((key) => !read.has(key) && args[key] !== undefined);
    const suffix = read.size === 0 ? '' : ' (extra)';
    return unread.sort().map((key) => field(`${show(key)}${suffix}`, show(args[key])));
  }

  return { text, symbol, number, quantity, unreadLines, problems };
}

/** Any value on one line of printable ASCII: plain words as they are (unless `quoted`), else JSON with escapes. */
export function show(value: unknown, options: { quoted?: boolean } = {}): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const plain = options.quoted !== true && typeof value === 'string' && isPlainText(value);
  const text = plain ? (value as string) : escapeToAscii(JSON.stringify(value) ?? String(value));
  if (text.length <= MAX_SHOWN_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_SHOWN_VALUE_CHARS)}… (${text.length - MAX_SHOWN_VALUE_CHARS} more characters)`;
}

/** Printable ASCII words with single spaces between them: text a person can read and type back exactly. */
export function isPlainText(text: string): boolean {
  return /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(text);
}

export function field(label: string, value: string): string {
  const head = `${label}:`;
  return head.length < LABEL_WIDTH ? `${head.padEnd(LABEL_WIDTH)}${value}` : `${head} ${value}`;
}

/** A price argument: zero means "not sent" to Kite (gokiteconnect `omitempty`). */
export function money(value: number): string {
  return value === 0 ? '(not set)' : formatAnyRupees(value);
}

export function count(value: number): string {
  return value === 0 ? '(not set)' : String(value);
}

/**
 * One line for a field a change sets: "Quantity:  1 → 20"; "20 (current value unknown)" when the current value is
 * not known; nothing when the value stays as it is. Values are compared as shown.
 */
export function changeLine<T>(label: string, before: T | undefined, after: T, format: (value: T) => string): string[] {
  const afterText = format(after);
  if (before === undefined) return [field(label, `${afterText} (current value unknown)`)];
  const beforeText = format(before);
  return beforeText === afterText ? [] : [field(label, `${beforeText} → ${afterText}`)];
}

interface OrderFields {
  symbol: string | undefined;
  exchange: string | undefined;
  side: string | undefined;
  product: string | undefined;
  orderType: string | undefined;
  validity: string | undefined;
  status: string | undefined;
  quantity: number | undefined;
  price: number | undefined;
  trigger: number | undefined;
  disclosed: number | undefined;
}

/** The fields of an order as get_orders returns it; anything missing or mistyped is undefined. */
export function orderFields(order: Record<string, unknown> | undefined): OrderFields {
  const text = (key: string) => {
    const value = order?.[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const number = (key: string) => {
    const value = order?.[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  return {
    symbol: text('tradingsymbol'),
    exchange: text('exchange'),
    side: text('transaction_type'),
    product: text('product'),
    orderType: text('order_type'),
    validity: text('validity'),
    status: text('status'),
    quantity: number('quantity'),
    price: number('price'),
    trigger: number('trigger_price'),
    disclosed: number('disclosed_quantity'),
  };
}

interface GttFields {
  symbol?: string;
  quantity?: number;
  text?: string;
  /** Each leg's trigger, quantity and limit price, in the GTT's order (for a change shown as before → after). */
  triggers?: number[];
  quantities?: number[];
  limits?: number[];
}

/** A GTT as get_gtts returns it: its symbol, the largest leg quantity, its legs, and one line describing it. */
export function gttFields(gtt: Record<string, unknown> | undefined): GttFields {
  const condition = isRecord(gtt?.['condition']) ? gtt['condition'] : {};
  const orders = Array.isArray(gtt?.['orders']) ? gtt['orders'].filter(isRecord) : [];
  const symbol = condition['tradingsymbol'];
  if (typeof symbol !== 'string' || symbol === '' || orders.length === 0) return {};
  const numbers = (values: unknown[]) => values.filter((value): value is number => typeof value === 'number');
  const triggers = numbers(Array.isArray(condition['trigger_values']) ? condition['trigger_values'] : []);
  const quantities = numbers(orders.map((order) => order['quantity']));
  const limits = numbers(orders.map((order) => order['price']));
  const side = orders[0]?.['transaction_type'];
  const quantity = quantities.length === 0 ? undefined : Math.max(...quantities);
  const text = `${show(side ?? '?')} ${show(condition['exchange'] ?? '?')}:${show(symbol)}, ` +
    `trigger ${triggers.map(formatAnyRupees).join(' / ') || '?'}, quantity ${quantities.join(' / ') || '?'}, ` +
    `status ${show(gtt?.['status'] ?? 'unknown')}`;
  return { symbol: symbol.toUpperCase(), ...(quantity === undefined ? {} : { quantity }), text, triggers, quantities, limits };
}

/** "BUY 10 × NSE:SBIN at market, delivery (CNC)", "SELL 5 × NSE:SBIN stop-loss at market, trigger ₹780.00, intraday (MIS)". */
export function orderSentence(
  order: Pick<OrderFields, 'side' | 'quantity' | 'exchange' | 'symbol' | 'product' | 'orderType' | 'price' | 'trigger'>,
): string {
  const instrument = `${show(order.exchange ?? '?')}:${show(order.symbol ?? '?')}`;
  const pricing = pricingText(order.orderType ?? '?', order.price ?? 0, order.trigger ?? 0);
  return `${show(order.side ?? '?')} ${order.quantity ?? '?'} × ${instrument} ${pricing}, ${productText(order.product)}`;
}

/** How an order of this type is priced, in words; a price or trigger of 0 is one Kite was not sent. */
export function pricingText(orderType: string, price: number, trigger: number): string {
  const limit = `limit ${price > 0 ? formatAnyRupees(price) : '(no price)'}`;
  const triggerText = `trigger ${trigger > 0 ? formatAnyRupees(trigger) : '(not set)'}`;
  switch (orderType) {
    case 'MARKET':
      return 'at market';
    case 'LIMIT':
      return `at ${limit}`;
    case 'SL':
      return `stop-loss at ${limit}, ${triggerText}`;
    case 'SL-M':
      return `stop-loss at market, ${triggerText}`;
    default:
      return `order type ${show(orderType)}`;
  }
}

/** Whether an order of this type uses the price (a limit) or the trigger price that was sent. */
export function usesPrice(orderType: string): boolean {
  return orderType === 'LIMIT' || orderType === 'SL';
}

export function usesTrigger(orderType: string): boolean {
  return orderType === 'SL' || orderType === 'SL-M';
}

/** "delivery (CNC)": Kite's product code with what it means, for the codes a retail client meets. */
export function productText(product: string | undefined): string {
  if (product === undefined || product === '') return 'product not set';
  const name = Object.hasOwn(PRODUCT_NAMES, product) ? PRODUCT_NAMES[product] : undefined;
  return name === undefined ? `product ${show(product)}` : `${name} (${product})`;
}

/** The looked-up order or GTT only if it is the one the call names: a mismatched look-up must not lend its symbol. */
export function sameRecord(
  record: Record<string, unknown> | undefined,
  key: string,
  id: string | number,
): Record<string, unknown> | undefined {
  const value = record?.[key];
  return (typeof value === 'string' || typeof value === 'number') && String(value) === String(id) ? record : undefined;
}

function escapeToAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

