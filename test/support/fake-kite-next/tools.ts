/**
 * How the next server's mode tools answer a logged-in user (SERVER.md §6): the mode picks the Kite call, required
 * parameters are checked first, and the data is today's fake's (fake-kite/mock-data.ts), plus the few kite/mocks
 * fixtures only the mode tools use (holdings summary and compact rows, alerts). Knows nothing of HTTP or OAuth: it
 * gets the call and a way to end the caller's login (`session` logout).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { candles, flatPositions, MOCKS, paginate, quoteMap, searchInstruments } from '../fake-kite/mock-data.js';
import { kiteMock as mock } from '../kite-fixtures.js';
import { MODES } from './tool-catalog.js';

const EXTRA = {
  holdingsSummary: mock<Record<string, unknown>>('holdings_summary'),
  holdingsCompact: mock<unknown[]>('holdings_compact'),
  alerts: mock<unknown[]>('alerts_get'),
  alertCreated: mock<unknown>('alerts_create'),
  alertModified: mock<unknown>('alerts_modify'),
  alertsDeleted: mock<unknown>('alerts_delete'),
};

/** The parameters each write mode cannot do without, checked before anything reaches "Kite". */
const REQUIRED: Record<string, readonly string[]> = {
  'orders.history': ['order_id'],
  'orders.trades': ['order_id'],
  'orders.place': ['exchange', 'tradingsymbol', 'transaction_type', 'quantity', 'product', 'order_type'],
  'orders.modify': ['order_id', 'order_type'],
  'orders.cancel': ['order_id'],
  'gtt.place': ['exchange', 'tradingsymbol', 'last_price', 'transaction_type', 'product', 'trigger_type'],
  'gtt.modify': ['trigger_id', 'exchange', 'tradingsymbol', 'last_price', 'transaction_type', 'trigger_type'],
  'gtt.delete': ['trigger_id'],
  'market.quote': ['instruments'],
  'market.ltp': ['instruments'],
  'market.ohlc': ['instruments'],
  'market.historical': ['instrument_token', 'from_date', 'to_date', 'interval'],
  'market.search': ['query'],
  'alerts.create': ['name', 'lhs_exchange', 'lhs_tradingsymbol', 'operator', 'rhs_constant'],
  'alerts.modify': ['uuid'],
  'alerts.delete': ['uuids'],
};

export type Arguments = Record<string, unknown>;

export interface ToolCaller {
  /** Ends the caller's login (its bearer token stops working), as `session` logout does. */
  logout(): void;
}

export type ModeToolRunner = (tool: string, args: Arguments, caller: ToolCaller) => CallToolResult;

export function createModeToolRunner(): ModeToolRunner {
  return (tool, args, caller) => {
    const modes = MODES[tool];
    if (modes === undefined) throw Object.assign(new Error(`unknown tool "${tool}"`), { code: -32602 });
    const mode = typeof args['mode'] === 'string' ? args['mode'] : '';
    if (!modes.includes(mode)) return error(`Invalid mode. Must be one of: ${modes.join(', ')}`);
    for (const parameter of REQUIRED[`${tool}.${mode}`] ?? []) {
      const value = args[parameter];
      if (value === undefined || value === null || value === '') return error(`parameter '${parameter}': is required`);
    }
    if (tool === 'session' && mode === 'logout') {
      caller.logout();
      return json({ message: 'Logged out of Kite. Authorize again to continue.' });
    }
    return json(answer(tool, mode, args));
  };
}

function answer(tool: string, mode: string, args: Arguments): unknown {
  const instruments = Array.isArray(args['instruments']) ? args['instruments'].map(String) : [];
  switch (`${tool}.${mode}`) {
    case 'portfolio.profile': return MOCKS.profile;
    case 'portfolio.margins': return MOCKS.margins;
    case 'portfolio.holdings':
      if (args['type'] === 'summary') return EXTRA.holdingsSummary;
      return paginate(args['type'] === 'compact' ? EXTRA.holdingsCompact : MOCKS.holdings, args);
    case 'portfolio.positions': return paginate(flatPositions(), args);
    case 'orders.list': return paginate(MOCKS.orders, args);
    case 'orders.history': return MOCKS.orderHistory;
    case 'orders.trades': return MOCKS.orderTrades;
    case 'orders.all_trades': return paginate(MOCKS.trades, args);
    case 'orders.place': return MOCKS.placeOrder;
    case 'orders.modify': return MOCKS.modifyOrder;
    case 'orders.cancel': return MOCKS.cancelOrder;
    case 'gtt.list': return paginate(MOCKS.gtts, args);
    case 'gtt.place': return MOCKS.placeGtt;
    case 'gtt.modify': return MOCKS.modifyGtt;
    case 'gtt.delete': return MOCKS.deleteGtt;
    case 'market.quote': return quoteMap(MOCKS.quote, instruments, {});
    case 'market.ltp': return quoteMap(MOCKS.ltp, instruments, {});
    case 'market.ohlc': return quoteMap(MOCKS.ohlc, instruments, {});
    case 'market.historical': return candles(args['oi'] === true);
    case 'market.search': return searchResult(args);
    case 'alerts.get': return EXTRA.alerts;
    case 'alerts.create': return EXTRA.alertCreated;
    case 'alerts.modify': return EXTRA.alertModified;
    case 'alerts.delete': return EXTRA.alertsDeleted;
    case 'mutual_funds.holdings': return paginate(MOCKS.mfHoldings, args);
    case 'session.status': return { logged_in: true, user_id: MOCKS.profile['user_id'], user_name: MOCKS.profile.user_name };
    default: return undefined;
  }
}

/** SERVER.md §6: search results come wrapped as `{data, meta[, pagination]}`. */
function searchResult(args: Arguments): unknown {
  const field = typeof args['search_mode'] === 'string' && args['search_mode'] !== '' ? args['search_mode'] : 'id';
  const matches = searchInstruments(String(args['query']), field);
  const page = paginate(matches, args);
  const meta = { query: args['query'], search_mode: field, total: matches.length };
  return Array.isArray(page) ? { data: page, meta } : { ...(page as Record<string, unknown>), meta };
}

function json(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

function error(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
