/**
 * The holding_detail text: one holding (or mutual fund) found by symbol — "INFY", "NSE:INFY", an MF ISIN or
 * "MF:<ISIN>" — with its quantity, prices, P&L, today's change and share of the portfolio, or a plain not-found
 * text naming the closest holdings. Loading is portfolio/tools.ts's job; the figures are portfolio/portfolio.ts's. Pure.
 */
import { combineTotals, compareText, fundFigures, holdingFigures, totalsOf, type Figures } from './portfolio.js';
import { istTime, percent, price, quantity, rupees, rupeesOrNotAvailable } from './format.js';
import { holdingNotes, readNotes } from './notes.js';
import type { FundRow, HoldingRow, Loaded, RowList } from './rows.js';
import { DAY_CHANGE_RULE, QUANTITY_RULE, QUOTE_NOTICE } from './summary.js';

/** Enough suggestions to catch a typo or the other exchange, few enough to read. */
const MAX_CLOSE_MATCHES = 5;
/** Edits allowed between a query and a symbol for it to count as a likely typo ("INFI" → "INFY"). */
const MAX_TYPO_EDITS = 2;

interface DetailInput {
  now: Date;
  query: string;
  holdings: RowList<HoldingRow>;
  funds: Loaded<RowList<FundRow>>;
}

interface Candidate {
  key: string;
  symbol: string;
  name: string;
}

function parseSymbolQuery(query: string): { exchange: string | undefined; symbol: string } {
  const cleaned = query.trim().toUpperCase();
  const colon = cleaned.indexOf(':');
  if (colon < 0) return { exchange: undefined, symbol: cleaned };
  return { exchange: cleaned.slice(0, colon).trim(), symbol: cleaned.slice(colon + 1).trim() };
}

export function holdingDetailText(input: DetailInput): { text: string; found: boolean } {
  const { exchange, symbol } = parseSymbolQuery(input.query);
  const fundRows = input.funds.ok ? input.funds.value.rows : [];
  const equityMatches = exchange === 'MF' ? [] : input.holdings.rows.filter((row) =>
    row.symbol.toUpperCase() === symbol && (exchange === undefined || row.exchange.toUpperCase() === exchange));
  const fundMatches = exchange !== undefined && exchange !== 'MF' ? [] : fundRows.filter((row) =>
    row.symbol.toUpperCase() === symbol || row.fund.toUpperCase() === symbol);

  const equityTotals = totalsOf(input.holdings.rows.map(holdingFigures));
  const whole = combineTotals(equityTotals, totalsOf(fundRows.map(fundFigures))).current;
  const wholeLabel = input.funds.ok ? 'equity + mutual funds' : 'equity only; mutual funds not loaded';
  const share = (figure: Figures) =>
    `share of portfolio: ${percent(figure.current, whole)} of total current value ${rupees(whole)} (${wholeLabel})`;
  const caveats = [
    ...(input.funds.ok ? [] : [`MISSING: mutual-fund holdings (get_mf_holdings) could not be loaded: ${input.funds.reason}`]),
    ...readNotes('get_holdings', input.holdings),
  ];

  if (equityMatches.length + fundMatches.length === 0) {
    return { text: notFoundText(input, symbol, caveats), found: false };
  }
  const blocks = [
    ...equityMatches.map((row) => [
      ...equityLines(row), share(holdingFigures(row)), ...holdingNotes([row]).map((note) => `note: ${note}`),
    ]),
    ...fundMatches.map((row) => [...fundLines(row), share(fundFigures(row))]),
  ];
  const keys = [
    ...equityMatches.map((row) => `${row.exchange}:${row.symbol}`),
    ...fundMatches.map((row) => `MF:${row.symbol}`),
  ];
  const title = keys.length === 1
    ? `Holding detail for ${keys.join('')}.`
    : `Holding detail: ${keys.length} holdings match ${JSON.stringify(input.query)} (${keys.join(', ')}).`;
  const head = [`${title} ${QUOTE_NOTICE}`, `as of: ${istTime(input.now)}`, QUANTITY_RULE, DAY_CHANGE_RULE, ...caveats];
  return { text: [...head, ...blocks.flatMap((block) => ['', ...block])].join('\n'), found: true };
}

function equityLines(row: HoldingRow): string[] {
  const figure = holdingFigures(row);
  const identity = [row.isin === '' ? '' : `ISIN ${row.isin}`, row.product === '' ? '' : `product ${row.product}`]
    .filter((part) => part !== '')
    .join(', ');
  return [
    `holding: ${figure.key}${identity === '' ? '' : ` (${identity})`}`,
    `quantity: ${quantity(row.quantity)} ` +
      `(Kite quantity ${quantity(row.settledQuantity)} + T+1 quantity ${quantity(row.t1Quantity)})`,
    `average price: ${price(row.averagePrice)}`,
    `last price: ${price(row.lastPrice)}`,
    `previous close: ${price(row.closePrice)}`,
    `invested: ${rupeesOrNotAvailable(figure.invested)}`,
    `current value: ${rupees(figure.current)}`,
    `unrealised P&L: ${rupeesOrNotAvailable(figure.pnl)} (${percent(figure.pnl, figure.invested)} of invested)`,
    `today's change: ${rupeesOrNotAvailable(figure.dayChange)} (${percent(figure.dayChange, figure.previousValue)} ` +
      `of previous close value ${rupeesOrNotAvailable(figure.previousValue)})`,
  ];
}

function fundLines(row: FundRow): string[] {
  const figure = fundFigures(row);
  const folio = row.folio === '' ? '' : `, folio ${row.folio}`;
  const navDate = row.lastPriceDate === '' ? '' : ` (NAV date ${row.lastPriceDate})`;
  return [
    `holding: MF: ${row.fund} (ISIN ${row.symbol}${folio})`,
    `units: ${quantity(row.quantity)}`,
    `average NAV: ${price(row.averagePrice)}`,
    `last NAV: ${price(row.lastPrice)}${navDate}`,
    `invested: ${rupeesOrNotAvailable(figure.invested)}`,
    `current value: ${rupees(figure.current)}`,
    `unrealised P&L: ${rupeesOrNotAvailable(figure.pnl)} (${percent(figure.pnl, figure.invested)} of invested)`,
    "today's change: n/a (Kite sends no previous NAV for mutual funds)",
  ];
}

function notFoundText(input: DetailInput, symbol: string, notes: readonly string[]): string {
  const candidates: Candidate[] = [
    ...input.holdings.rows.map((row) => ({
      key: `${row.exchange}:${row.symbol}`, symbol: row.symbol.toUpperCase(), name: '',
    })),
    ...(input.funds.ok ? input.funds.value.rows : []).map((row) => ({
      key: `MF:${row.symbol} (${row.fund})`, symbol: row.symbol.toUpperCase(), name: row.fund.toUpperCase(),
    })),
  ];
  const matches = closeMatches(symbol, candidates);
  const fundCount = input.funds.ok ? `${input.funds.value.rows.length} mutual funds` : 'mutual funds not loaded';
  const searched = `${input.holdings.rows.length} equity holdings, ${fundCount}, as of ${istTime(input.now)}`;
  return [
    `NOT FOUND: no holding matches ${JSON.stringify(input.query)} (${searched}).`,
    matches.length === 0 ? 'close matches: none' : `close matches: ${matches.join(', ')}`,
    'Call holding_detail again with one of these, or use portfolio_summary to see every holding.',
    ...notes,
  ].join('\n');
}

/**
 * Holdings a user probably meant: the same symbol on another exchange, then a symbol or fund name containing the
 * query (or a symbol the query contains), then likely typos.
 */
function closeMatches(symbol: string, candidates: readonly Candidate[]): string[] {
  const scored: { key: string; rank: number }[] = [];
  for (const candidate of candidates) {
    const rank = matchRank(symbol, candidate);
    if (rank !== undefined) scored.push({ key: candidate.key, rank });
  }
  scored.sort((left, right) => left.rank - right.rank || compareText(left.key, right.key));
  return [...new Set(scored.map((entry) => entry.key))].slice(0, MAX_CLOSE_MATCHES);
}

function matchRank(query: string, candidate: Candidate): number | undefined {
  if (query === '') return undefined;
  if (candidate.symbol === query) return 0;
  const contains = candidate.symbol.includes(query) || candidate.name.includes(query);
  const contained = candidate.symbol.length >= 3 && query.includes(candidate.symbol);
  if (query.length >= 2 && (contains || contained)) return 1;
  return editDistance(query, candidate.symbol) <= MAX_TYPO_EDITS ? 2 : undefined;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}
