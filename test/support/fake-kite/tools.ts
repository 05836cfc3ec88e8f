/**
 * The 22 Kite tools as v0.3.1 answers them (SERVER.md §2–3): parameter checks first, then the session check
 * (`Please log in first…` on a fresh session, the generic `Failed to …` while not logged in), then the fixture data
 * as one JSON text item (historical candles are generated instead: history.ts). `login` and `search_instruments` have their own paths. Knows nothing of transports: it
 * gets the MCP session id and the call, and returns a CallToolResult or throws the JSON-RPC error.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { applyToolFaults, type FakeKiteFaults, type HangRelease } from './faults.js';
import { historicalCandles, KITE_MAX_DAYS } from './history.js';
import { flatPositions, generatedHoldings, MOCKS, paginate, quoteMap, searchInstruments, TOOL_CATALOG, wholeNumber } from './mock-data.js';
import type { SessionRegistry } from './sessions.js';

/** mcp/setup_tools.go since cb81e01 (2025-08-05); both %s are the login URL. */
export function loginText(url: string): string {
  return [
    'IMPORTANT: Please display this warning to the user before proceeding:',
    '',
    '⚠️ **WARNING: AI systems are unpredictable and non-deterministic. By continuing, you agree to interact with your Zerodha account via AI at your own risk.**',
    '',
    `After showing the warning above, provide the user with this login link: [Login to Kite](${url})`,
    '',
    `If your client supports clickable links, you can render and present it and ask them to click the link above. Otherwise, display the URL and ask them to copy and paste it into their browser: ${url}`,
    '',
    "After completing the login in your browser, let me know and I'll continue with your request.",
  ].join('\n');
}

/**
 * An error the SDK's Protocol sends as `{code, message}` verbatim. (McpError would prefix the wire message with
 * `MCP error <code>: `, which mcp-go does not.)
 */
export function jsonRpcError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

export const PLEASE_LOG_IN = 'Please log in first using the login tool';

/** What each Kite-backed tool says when Kite refuses the call (403 TokenException before login or after expiry). */
const FAILURE_TEXT: Record<string, string> = {
  get_quotes: 'Failed to get quotes',
  get_ltp: 'Failed to get latest trading prices',
  get_ohlc: 'Failed to get OHLC data',
  get_historical_data: 'Failed to get historical data',
  get_order_history: 'Failed to get order history',
  get_order_trades: 'Failed to get order trades',
  place_order: 'Failed to place order',
  modify_order: 'Failed to modify order',
  cancel_order: 'Failed to cancel order',
  place_gtt_order: 'Failed to place GTT order',
  modify_gtt_order: 'Failed to modify GTT order',
  delete_gtt_order: 'Failed to delete GTT order',
};

export function failureText(tool: string): string {
  return FAILURE_TEXT[tool] ?? `Failed to execute ${tool}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export interface ToolContext {
  registry: SessionRegistry;
  faults: FakeKiteFaults;
  hangs: HangRelease;
  ltp: Record<string, number>;
  loginLinkFor(sessionId: string): string;
  /** The fake's clock: no candle is served from after it. */
  now(): number;
}

export type Arguments = Record<string, unknown>;

export type ToolRunner = (sessionId: string, tool: string, args: Arguments, signal?: AbortSignal) => Promise<CallToolResult>;

export function createToolRunner(context: ToolContext): ToolRunner {
  const { registry } = context;

  function userName(): string {
    return context.faults.userName ?? MOCKS.profile.user_name;
  }

  function holdings(): unknown[] {
    if (context.faults.holdingsOverride !== undefined) return context.faults.holdingsOverride;
    if (context.faults.largePortfolio > 0) return generatedHoldings(context.faults.largePortfolio);
    return MOCKS.holdings;
  }

  /** What a logged-in session gets from each Kite-backed tool. */
  function kiteResult(tool: string, args: Arguments): unknown {
    const instruments = Array.isArray(args['instruments']) ? args['instruments'].map(String) : [];
    switch (tool) {
      case 'get_profile': return { ...MOCKS.profile, user_name: userName() };
      case 'get_margins': return MOCKS.margins;
      case 'get_holdings': return paginate(holdings(), args);
      case 'get_positions': return paginate(flatPositions(), args);
      case 'get_orders': return paginate(MOCKS.orders, args);
      case 'get_trades': return paginate(MOCKS.trades, args);
      case 'get_gtts': return paginate(MOCKS.gtts, args);
      case 'get_mf_holdings': return paginate(MOCKS.mfHoldings, args);
      case 'get_quotes': return quoteMap(MOCKS.quote, instruments, context.ltp);
      case 'get_ltp': return quoteMap(MOCKS.ltp, instruments, context.ltp);
      case 'get_ohlc': return quoteMap(MOCKS.ohlc, instruments, context.ltp);
      case 'get_order_history': return MOCKS.orderHistory;
      case 'get_order_trades': return MOCKS.orderTrades;
      case 'place_order': return MOCKS.placeOrder;
      case 'modify_order': return MOCKS.modifyOrder;
      case 'cancel_order': return MOCKS.cancelOrder;
      case 'place_gtt_order': return MOCKS.placeGtt;
      case 'modify_gtt_order': return MOCKS.modifyGtt;
      case 'delete_gtt_order': return MOCKS.deleteGtt;
      default: return undefined;
    }
  }

  function login(sessionId: string): CallToolResult {
    const { data, isNew } = registry.kiteData(sessionId);
    if (!isNew) {
      // GetUserProfile() on the existing Kite client: success means a working token.
      if (data.loggedIn) return text(`You are already logged in as ${userName()}`);
      registry.resetKiteData(sessionId); // ClearSessionData, then a fresh logged-out client and a new link
    }
    return text(loginText(context.loginLinkFor(sessionId)));
  }

  return async (sessionId, tool, args, signal) => {
    const definition = TOOL_CATALOG.find((candidate) => candidate.name === tool);
    if (definition === undefined) throw jsonRpcError(-32602, `tool '${tool}' not found: tool not found`);
    await applyToolFaults(context.faults, context.hangs, tool, signal);

    const invalid = validationError(tool, definition.inputSchema.required ?? [], args);
    if (invalid !== undefined) return error(invalid);
    if (tool === 'login') return login(sessionId);
    if (tool === 'search_instruments') {
      // Served from the server's own instrument dump: no session, no Kite call, works before login.
      const filterOn = typeof args['filter_on'] === 'string' && args['filter_on'] !== '' ? args['filter_on'] : 'id';
      return text(JSON.stringify(paginate(searchInstruments(String(args['query']), filterOn), args)));
    }

    const { data, isNew } = registry.kiteData(sessionId);
    if (isNew) return error(PLEASE_LOG_IN);
    if (!data.loggedIn) return error(failureText(tool));
    if (tool === 'get_historical_data') return history(args);
    return text(JSON.stringify(kiteResult(tool, args)));
  };

  /** Generated candles (history.ts); Kite's refusal reaches the client as the hosted server words it, unless told. */
  function history(args: Arguments): CallToolResult {
    const answer = historicalCandles({
      token: wholeNumber(args['instrument_token']),
      from: wallClock(String(args['from_date'])),
      to: wallClock(String(args['to_date'])),
      interval: String(args['interval']),
      oi: args['oi'] === true,
    }, context.now(), { ...KITE_MAX_DAYS, ...context.faults.historyLimitDays });
    if ('kiteError' in answer) return error(context.faults.kiteErrorText === true ? answer.kiteError : failureText('get_historical_data'));
    return text(JSON.stringify(answer.candles));
  }
}

/** The checks v0.3.1 makes before it looks at the session; the first failing one wins. */
function validationError(tool: string, required: string[], args: Arguments): string | undefined {
  for (const parameter of required) {
    const value = args[parameter];
    if (value === undefined || value === null) return `parameter '${parameter}': is required`;
    if (value === '') return `parameter '${parameter}': cannot be empty`;
  }
  if (required.includes('instruments') && (!Array.isArray(args['instruments']) || args['instruments'].length === 0)) {
    return 'At least one instrument must be specified';
  }
  if (tool === 'get_historical_data') {
    for (const field of ['from_date', 'to_date']) {
      if (!isDateTime(args[field])) return `Failed to parse ${field}, use format YYYY-MM-DD HH:MM:SS`;
    }
  }
  if ((tool === 'place_gtt_order' || tool === 'modify_gtt_order') && args['trigger_type'] !== 'single' && args['trigger_type'] !== 'two-leg') {
    return "Invalid trigger_type. Must be 'single' or 'two-leg'";
  }
  return undefined;
}

/** `YYYY-MM-DD HH:MM:SS` (already checked) as IST wall-clock milliseconds: its digits read as UTC. */
function wallClock(value: string): number {
  const [year, month, day, hour, minute, second] = (DATE_TIME.exec(value) ?? []).slice(1).map(Number) as number[];
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
}

function isDateTime(value: unknown): boolean {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

function error(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }], isError: true };
}
