/**
 * The seven mode tools of Kite's next server (SERVER.md §6; `mcp/mcp.go` @ 60976dd4): each a raw JSON schema with a
 * required `mode` enum and no annotations, listed in registration order. `portfolio` and `orders` follow the
 * rewrite's schemas as read; the other five are rebuilt from SERVER.md's table (modes exact, parameters trimmed to
 * what their modes need). Pure data: tools.ts answers them.
 */

export interface ModeTool {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties: Record<string, unknown>; required: string[] };
}

const text = (description: string) => ({ type: 'string', description });
const number = (description: string) => ({ type: 'number', description });
const choice = (description: string, values: string[]) => ({ type: 'string', description, enum: values });
const mode = (values: string[]) => choice(`Operation mode: one of ${values.join(', ')}`, values);
const from = number('Starting index for pagination (0-based). Default: 0');
const limit = number('Maximum number of items to return. When specified, response includes pagination metadata');

function tool(name: string, description: string, modes: string[], properties: Record<string, unknown>): ModeTool {
  return { name, description, inputSchema: { type: 'object', properties: { mode: mode(modes), ...properties }, required: ['mode'] } };
}

/** The modes of each tool, in schema order: tools.ts answers exactly these, and says so for anything else. */
export const MODES: Readonly<Record<string, readonly string[]>> = {
  portfolio: ['profile', 'margins', 'holdings', 'positions'],
  orders: ['list', 'history', 'trades', 'all_trades', 'place', 'modify', 'cancel'],
  gtt: ['list', 'place', 'modify', 'delete'],
  market: ['quote', 'ltp', 'ohlc', 'historical', 'search'],
  alerts: ['get', 'create', 'modify', 'delete'],
  mutual_funds: ['holdings'],
  session: ['status', 'logout'],
};

const modesOf = (name: string): string[] => [...(MODES[name] ?? [])];

export const NEXT_TOOLS: ModeTool[] = [
  tool(
    'portfolio',
    'Retrieve portfolio and account information. Use mode=profile for user details, mode=margins for funds and margins, mode=holdings for demat holdings with P&L, mode=positions for open positions.',
    modesOf('portfolio'),
    {
      type: { ...choice("Holdings data type (only for mode=holdings): 'full', 'summary' or 'compact'", ['full', 'summary', 'compact']), default: 'full' },
      from,
      limit,
    },
  ),
  tool(
    'orders',
    'Manage orders. mode=list for today’s orders, history for an order’s status trail, trades for fills on an order, all_trades for today’s trades, place, modify or cancel to change orders.',
    modesOf('orders'),
    {
      order_id: text('Order ID (required for history, trades, modify, cancel modes)'),
      variety: { ...choice('Order variety (required for place, modify, cancel modes)', ['regular', 'co', 'amo', 'iceberg', 'auction']), default: 'regular' },
      exchange: { ...choice('Exchange (required for place mode)', ['NSE', 'BSE', 'MCX', 'NFO', 'BFO']), default: 'NSE' },
      tradingsymbol: text('Trading symbol (required for place mode)'),
      transaction_type: choice('BUY or SELL (required for place mode)', ['BUY', 'SELL']),
      quantity: { ...number('Number of shares or lots (required for place mode)'), default: 1, minimum: 1 },
      product: choice('Product type (required for place mode)', ['CNC', 'NRML', 'MIS', 'MTF']),
      order_type: choice('Order type (required for place and modify modes)', ['MARKET', 'LIMIT', 'SL', 'SL-M']),
      price: number('Limit price (required for LIMIT and SL order types)'),
      trigger_price: number('Trigger price (required for SL and SL-M order types)'),
      validity: choice('Order validity', ['DAY', 'IOC', 'TTL']),
      validity_ttl: number('Order life span in minutes (required when validity=TTL)'),
      disclosed_quantity: number('Quantity disclosed to the market'),
      iceberg_legs: number('Number of legs for iceberg orders'),
      iceberg_quantity: number('Quantity per leg for iceberg orders'),
      tag: { ...text('Optional alphanumeric label (max 20 characters)'), maxLength: 20 },
      market_protection: number('Market protection percentage for MARKET and SL-M orders. 0=disabled, 1-100=custom %, -1=auto'),
      from,
      limit,
    },
  ),
  tool('gtt', 'Manage GTT (good till triggered) orders: mode=list, place, modify or delete.', modesOf('gtt'), {
    trigger_id: number('GTT trigger ID (required for modify and delete modes)'),
    exchange: text('Exchange (required for place and modify modes)'),
    tradingsymbol: text('Trading symbol (required for place and modify modes)'),
    last_price: number('Last traded price of the instrument (required for place and modify modes)'),
    transaction_type: choice('BUY or SELL', ['BUY', 'SELL']),
    product: choice('Product type', ['CNC', 'NRML', 'MIS', 'MTF']),
    trigger_type: choice('single or two-leg', ['single', 'two-leg']),
    trigger_value: number('Trigger price (single)'),
    quantity: number('Quantity (single)'),
    limit_price: number('Limit price (single)'),
    upper_trigger_value: number('Upper trigger price (two-leg)'),
    lower_trigger_value: number('Lower trigger price (two-leg)'),
    from,
    limit,
  }),
  tool('market', 'Market data: mode=quote, ltp or ohlc for instruments, historical for candles, search for instruments.', modesOf('market'), {
    instruments: { type: 'array', items: { type: 'string' }, description: 'EXCH:SYMBOL list (quote, ltp, ohlc modes)' },
    instrument_token: number('Instrument token (historical mode)'),
    from_date: text('YYYY-MM-DD HH:MM:SS (historical mode)'),
    to_date: text('YYYY-MM-DD HH:MM:SS (historical mode)'),
    interval: choice('Candle interval (historical mode)', ['minute', 'day', '3minute', '5minute', '10minute', '15minute', '30minute', '60minute']),
    oi: { type: 'boolean', description: 'Include open interest (historical mode)' },
    query: text('Search text (search mode)'),
    search_mode: choice('What the query matches (search mode)', ['id', 'name', 'isin', 'tradingsymbol', 'underlying']),
    verbosity: choice('compact or full rows (search mode)', ['compact', 'full']),
    include_live_quote: { type: 'boolean', description: 'Add the live quote to each result (search mode)' },
    from,
    limit,
  }),
  tool('alerts', 'Price alerts: mode=get, create, modify or delete.', modesOf('alerts'), {
    uuids: { type: 'array', items: { type: 'string' }, description: 'Alert UUIDs (required for delete mode; a filter for get)' },
    uuid: text('Alert UUID (required for modify mode)'),
    name: text('Alert name (create and modify modes)'),
    lhs_exchange: text('Exchange of the watched instrument'),
    lhs_tradingsymbol: text('Trading symbol of the watched instrument'),
    operator: choice('Comparison', ['<=', '>=', '<', '>', '==']),
    rhs_constant: number('The price to compare with'),
  }),
  tool('mutual_funds', 'Mutual fund holdings: mode=holdings.', modesOf('mutual_funds'), { from, limit }),
  tool('session', 'The Kite session: mode=status shows who is logged in, mode=logout ends the session.', modesOf('session'), {}),
];
