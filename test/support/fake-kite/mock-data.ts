/**
 * What the fake serves, read once from the repository's copy of the Kite fixtures (test/fixtures/kite, see
 * kite-fixtures.ts): the tool catalog (tools.json minus our private `writes` key) and Zerodha's API fixtures (mocks/,
 * their `data` part), plus the pure shaping the Go server does on top of them: pagination, candles as objects,
 * instrument rows, quote maps, a large portfolio.
 */
import { kiteMock, readKiteFixture } from '../kite-fixtures.js';

export interface CatalogTool {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties?: Record<string, unknown>; required?: string[] };
  annotations?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const mock = kiteMock;

/** tools.json exactly as the server lists it: sorted by name, our `writes` annotation removed. */
export const TOOL_CATALOG: CatalogTool[] = (JSON.parse(readKiteFixture('tools.json')) as (CatalogTool & { writes?: boolean })[])
  .map(({ writes: _writes, ...tool }) => tool)
  .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));

export const MOCKS = {
  profile: mock<Json & { user_name: string }>('profile'),
  margins: mock<Json>('margins'),
  holdings: mock<Json[]>('holdings'),
  positions: mock<{ day: Json[]; net: Json[] }>('positions'),
  orders: mock<Json[]>('orders'),
  trades: mock<Json[]>('trades'),
  gtts: mock<Json[]>('gtt_get_orders'),
  mfHoldings: mock<Json[]>('mf_holdings'),
  quote: mock<Record<string, Json>>('quote'),
  ltp: mock<Record<string, Json>>('ltp'),
  ohlc: mock<Record<string, Json>>('ohlc'),
  orderHistory: mock<Json[]>('order_info'),
  orderTrades: mock<Json[]>('order_trades'),
  historical: mock<{ candles: unknown[][] }>('historical_minute'),
  historicalOi: mock<{ candles: unknown[][] }>('historical_oi'),
  placeOrder: mock<Json>('order_response'),
  modifyOrder: mock<Json>('order_modify'),
  cancelOrder: mock<Json>('order_cancel'),
  placeGtt: mock<Json>('gtt_place_order'),
  modifyGtt: mock<Json>('gtt_modify_order'),
  deleteGtt: mock<Json>('gtt_delete_order'),
};

/**
 * kc/instruments Instrument rows from the NSE dump. The CSV has no isin, series or circuit limits, so those are
 * empty or zero; the field order follows SERVER.md §3 (the fields it elides are our reading of the struct). The
 * dump's 100 rows lack the instruments the other fixtures quote and hold (NSE:INFY, NSE:AARON, BSE:SBIN); they are
 * added with the same tokens, as the full dump has them, so a search finds what a quote knows.
 */
export const INSTRUMENTS: Json[] = withFixtureInstruments(parseInstruments(readKiteFixture('mocks/instruments_nse.csv')));

function parseInstruments(csv: string): Json[] {
  const [header = '', ...rows] = csv.trim().split(/\r?\n/);
  const columns = header.split(',');
  return rows.map((row) => {
    const cell = Object.fromEntries(row.split(',').map((value, index) => [columns[index] ?? '', value]));
    const text = (name: string) => cell[name] ?? '';
    const number = (name: string) => Number(text(name) || 0);
    return {
      id: `${text('exchange')}:${text('tradingsymbol')}`,
      instrument_token: number('instrument_token'),
      exchange_token: number('exchange_token'),
      tradingsymbol: text('tradingsymbol'),
      exchange: text('exchange'),
      isin: '',
      name: text('name'),
      series: '',
      last_price: number('last_price'),
      strike: number('strike'),
      tick_size: number('tick_size'),
      lot_size: number('lot_size'),
      instrument_type: text('instrument_type'),
      segment: text('segment'),
      expiry_date: text('expiry'),
      lower_circuit_limit: 0,
      upper_circuit_limit: 0,
      active: true,
    };
  });
}

function withFixtureInstruments(rows: Json[]): Json[] {
  const known = new Set(rows.map((row) => row['id']));
  const quoted = Object.entries(MOCKS.quote).map(([id, quote]) => ({ id, token: quote['instrument_token'] }));
  const held = MOCKS.holdings.map((holding) => ({
    id: `${String(holding['exchange'])}:${String(holding['tradingsymbol'])}`, token: holding['instrument_token'],
  }));
  const added = [...quoted, ...held].filter((entry) => !known.has(entry.id) && typeof entry.token === 'number').map((entry) => {
    known.add(entry.id);
    const [exchange = '', tradingsymbol = ''] = entry.id.split(':');
    return {
      id: entry.id, instrument_token: entry.token, exchange_token: Math.floor(Number(entry.token) / 256), tradingsymbol, exchange,
      isin: '', name: tradingsymbol, series: '', last_price: 0, strike: 0, tick_size: 0.05, lot_size: 1, instrument_type: 'EQ',
      segment: exchange, expiry_date: '', lower_circuit_limit: 0, upper_circuit_limit: 0, active: true,
    };
  });
  return [...rows, ...added];
}

/** A case-insensitive substring match on the chosen field; `underlying` reads the instrument's name. */
export function searchInstruments(query: string, filterOn: string): Json[] {
  const field = filterOn === 'underlying' ? 'name' : filterOn;
  const needle = query.toUpperCase();
  return INSTRUMENTS.filter((instrument) => String(instrument[field] ?? '').toUpperCase().includes(needle));
}

/**
 * SERVER.md §3: without `limit` the array sliced from `from`; with `limit > 0` the page wrapped with its metadata.
 * Arguments are coerced like Go's SafeAssertInt: anything but a JSON number is 0.
 */
export function paginate(items: unknown[], args: Record<string, unknown>): unknown {
  const from = Math.max(0, wholeNumber(args['from']));
  const limit = wholeNumber(args['limit']);
  if (limit <= 0) return items.slice(from);
  const data = items.slice(from, from + limit);
  return { data, pagination: { from, limit, total: items.length, has_more: from + data.length < items.length, returned: data.length } };
}

export function wholeNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

/** gokiteconnect HistoricalData, in struct order, with Go's RFC3339 time (`+0530` becomes `+05:30`). */
export function candles(withOi: boolean): Json[] {
  const source = withOi ? MOCKS.historicalOi.candles : MOCKS.historical.candles;
  return source.map(([date, open, high, low, close, volume, oi]) => ({
    date: String(date).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
    open,
    high,
    low,
    close,
    volume,
    oi: withOi ? oi : 0,
  }));
}

/** The position rows as the tool returns them: every `day` position, then every `net` one, with no marker. */
export function flatPositions(): Json[] {
  return [...MOCKS.positions.day, ...MOCKS.positions.net];
}

/** N holdings made from the first fixture row, for tests of large results. */
export function generatedHoldings(count: number): Json[] {
  const template = MOCKS.holdings[0] ?? {};
  return Array.from({ length: count }, (_, index) => {
    const averagePrice = 100 + (index % 50);
    const lastPrice = averagePrice + ((index * 7) % 40) - 10;
    const quantity = 1 + (index % 20);
    return {
      ...template,
      tradingsymbol: `STOCK${String(index + 1).padStart(4, '0')}`,
      instrument_token: 900_000 + index,
      isin: `INE${String(index).padStart(6, '0')}01010`,
      quantity,
      average_price: averagePrice,
      last_price: lastPrice,
      pnl: Math.round((lastPrice - averagePrice) * quantity * 100) / 100,
    };
  });
}

/**
 * A quote-tool map for the requested keys only (missing keys are absent). `ltp` prices from the fake's options
 * override a fixture's last_price and add entries for symbols the fixtures lack.
 */
export function quoteMap(source: Record<string, Json>, instruments: string[], ltp: Record<string, number>): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const key of instruments) {
    const price = ltp[key];
    const fixture = source[key];
    if (fixture !== undefined) result[key] = price === undefined ? fixture : { ...fixture, last_price: price };
    else if (price !== undefined) result[key] = { instrument_token: instrumentToken(key), last_price: price };
  }
  return result;
}

function instrumentToken(key: string): number {
  const instrument = INSTRUMENTS.find((row) => row['id'] === key);
  return typeof instrument?.['instrument_token'] === 'number' ? instrument['instrument_token'] : 0;
}
