/**
 * Tools kite-chat offers the model beside the server's own: portfolio_summary and holding_detail (and price_chart,
 * from prices/). They read the live account through `read` (tools/local-tool.ts) and answer with figures computed in
 * code (portfolio/portfolio.ts), so the model quotes totals instead of doing arithmetic; portfolio_summary also hands
 * the person its allocation as bars (portfolio/allocation-bars.ts). They only read, and are never sent to the server.
 */
import { allocationBars } from './allocation-bars.js';
import { holdingDetailText } from './holding-detail.js';
import {
  readEquityMargins, readFundHoldings, readHoldings, type HoldingRow, type Loaded, type RowList,
} from './rows.js';
import { portfolioSummaryText } from './summary.js';
import { readPositions } from './positions-split.js';
import { priceChart } from '../prices/price-chart.js';
import type { LocalTool } from '../tools/local-tool.js';
import type { ToolOutcome } from '../tools/tool.js';

/** A server's failure text is quoted in a MISSING line up to this length: enough to say why, not a page of it. */
const MAX_REASON_CHARS = 200;
/** No `limit`, so the server sends the whole list (SERVER.md §3); a paginated answer is still read. */
const WHOLE_LIST: Record<string, unknown> = {};
const MISSING_SYMBOL = 'holding_detail needs a symbol, for example {"symbol": "NSE:INFY"}. Call it again with one.';

const portfolioSummary: LocalTool = {
  name: 'portfolio_summary',
  description:
    "Exact account figures computed by kite-chat: invested and current value, P&L (₹, %), today's change, " +
    'equity and MF parts, cash, margin used, best and worst holdings, allocation by holding, exchange and product, ' +
    'day and net positions. Use it for any total, %, P&L or ranking; quote it.',
  inputSchema: { type: 'object', properties: {} },
  async run(_args, read, signal, now) {
    const [holdings, funds, positions, margins] = await Promise.allSettled([
      read('get_holdings', WHOLE_LIST, signal),
      read('get_mf_holdings', WHOLE_LIST, signal),
      read('get_positions', WHOLE_LIST, signal),
      read('get_margins', {}, signal),
    ]);
    signal.throwIfAborted();
    const required = requiredHoldings(holdings);
    if (!required.ok) return required.failure;
    const input = {
      now,
      holdings: required.rows,
      funds: optionalPart(funds, readFundHoldings),
      positions: optionalPart(positions, readPositions),
      margins: optionalPart(margins, readEquityMargins),
    };
    return computed(() => portfolioSummaryText(input), () => allocationBars(input));
  },
};

const holdingDetail: LocalTool = {
  name: 'holding_detail',
  description:
    "One holding's exact figures computed by kite-chat: quantity (T+1 included), average and last price, invested " +
    "and current value, P&L (₹, %), today's change, portfolio share; close matches if none. Quote it.",
  inputSchema: {
    type: 'object',
    properties: {
      symbol: { type: 'string', description: 'INFY or NSE:INFY; a mutual fund by its ISIN' },
    },
    required: ['symbol'],
  },
  async run(args, read, signal, now) {
    const symbol = args['symbol'];
    if (typeof symbol !== 'string' || symbol.trim() === '') {
      return { text: MISSING_SYMBOL, isError: true };
    }
    const [holdings, funds] = await Promise.allSettled([
      read('get_holdings', WHOLE_LIST, signal),
      read('get_mf_holdings', WHOLE_LIST, signal),
    ]);
    signal.throwIfAborted();
    const required = requiredHoldings(holdings);
    if (!required.ok) return required.failure;
    const input = { now, query: symbol, holdings: required.rows, funds: optionalPart(funds, readFundHoldings) };
    return computed(() => holdingDetailText(input).text);
  },
};

export const LOCAL_TOOLS: readonly LocalTool[] = Object.freeze([portfolioSummary, holdingDetail, priceChart]);

type Settled = PromiseSettledResult<ToolOutcome>;

/**
 * Holdings are the one part nothing can be computed without. A failed read comes back with the server's text
 * unchanged, so the caller's login handling recognises it ("Please log in first using the login tool").
 */
function requiredHoldings(settled: Settled):
  | { ok: true; rows: RowList<HoldingRow> }
  | { ok: false; failure: { text: string; isError: true } } {
  if (settled.status === 'rejected') throw settled.reason;
  if (settled.value.isError) return { ok: false, failure: { text: settled.value.text, isError: true } };
  try {
    return { ok: true, rows: readHoldings(settled.value.text) };
  } catch (error) {
    const text =
      `get_holdings answered with something kite-chat could not read (${messageOf(error)}), so no figures were ` +
      'computed. Call get_holdings to see what it sent.';
    return { ok: false, failure: { text, isError: true } };
  }
}

function optionalPart<Value>(settled: Settled, parse: (text: string) => Value): Loaded<Value> {
  if (settled.status === 'rejected') return { ok: false, reason: `the call failed (${messageOf(settled.reason)})` };
  if (settled.value.isError) return { ok: false, reason: `the server said "${oneLine(settled.value.text)}"` };
  try {
    return { ok: true, value: parse(settled.value.text) };
  } catch (error) {
    return { ok: false, reason: `its answer could not be read (${messageOf(error)})` };
  }
}

/**
 * Absurd data (an amount past ₹10^15 that formatRupees refuses) ends in a tool error, not a crashed turn. The
 * picture is a bonus: when it cannot be made, the figures still go to the model.
 */
function computed(build: () => string, picture?: () => ToolOutcome['display']): ToolOutcome {
  let text: string;
  try {
    text = build();
  } catch (error) {
    return { text: `kite-chat could not compute these figures (${messageOf(error)}). Use get_holdings directly.`, isError: true };
  }
  let display: ToolOutcome['display'];
  try {
    display = picture?.();
  } catch {
    display = undefined;
  }
  return { text, isError: false, ...(display === undefined ? {} : { display }) };
}

function messageOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_CHARS ? `${flat.slice(0, MAX_REASON_CHARS)}…` : flat;
}
