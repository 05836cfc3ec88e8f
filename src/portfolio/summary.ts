/**
 * The portfolio_summary text: every figure portfolio/portfolio.ts computed, labelled, in `key: value` lines and small `|`
 * tables the model can quote. Loading the parts is portfolio/tools.ts's job; a part that failed to load arrives as
 * `{ ok: false, reason }` and is named here as missing. Pure.
 */
import { subtract, type Decimal } from './decimal.js';
import {
  allocationBy, byCurrentValue, combineTotals, fundFigures, holdingFigures, rankedBy, totalsOf,
  type Allocation, type Figures, type Measure, type Totals,
} from './portfolio.js';
import { NOT_AVAILABLE, istTime, percent, price, quantity, rupees, rupeesOrNotAvailable, table } from './format.js';
import { portfolioNotes } from './notes.js';
import type { EquityMargins, FundRow, HoldingRow, Loaded, RowList } from './rows.js';
import { splitPositions, type PositionRow } from './positions-split.js';

/** Five best and five worst, as asked; with up to twice that many holdings one full ranked table says the same. */
const RANKED_EACH_END = 5;
/** Allocation rows before the rest become one "others" row: keeps a 300-stock portfolio within the result budget. */
const MAX_ALLOCATION_ROWS = 25;
/** Position rows shown per list; totals always cover every row. */
const MAX_POSITION_ROWS = 40;

export const QUOTE_NOTICE = 'Figures computed by kite-chat; quote them rather than recomputing.';
export const QUANTITY_RULE = 'quantity: Kite quantity + t1_quantity (T+1 shares bought but not yet delivered)';
export const DAY_CHANGE_RULE =
  "today's change: (last_price − close_price) × quantity, equity holdings only " +
  '(Kite sends no previous NAV for mutual funds)';

export interface SummaryInput {
  now: Date;
  holdings: RowList<HoldingRow>;
  funds: Loaded<RowList<FundRow>>;
  positions: Loaded<RowList<PositionRow>>;
  margins: Loaded<EquityMargins>;
}

export function portfolioSummaryText(input: SummaryInput): string {
  const equity = input.holdings.rows.map(holdingFigures);
  const funds = input.funds.ok ? input.funds.value.rows.map(fundFigures) : [];
  const everything = [...equity, ...funds];
  const equityTotals = totalsOf(equity);
  const fundTotals = totalsOf(funds);
  const allTotals = combineTotals(equityTotals, fundTotals);
  const whole = allTotals.current;
  const wholeLabel = input.funds.ok ? 'equity + mutual funds' : 'equity only; mutual funds not loaded';
  const dayChange = equityTotals.dayChange;
  const previousValue = equityTotals.previousValue;

  return [
    `Portfolio summary. ${QUOTE_NOTICE}`,
    `as of: ${istTime(input.now)}`,
    QUANTITY_RULE,
    DAY_CHANGE_RULE,
    ...missingLines(input),
    '',
    '## Totals',
    ...table(['part', 'holdings', 'invested', 'current value', 'unrealised P&L', 'P&L %'], [
      totalsRow('equity', equityTotals),
      input.funds.ok ? totalsRow('mutual funds', fundTotals) : ['mutual funds', 'not loaded', '', '', '', ''],
      totalsRow(input.funds.ok ? 'total' : 'total (equity only)', allTotals),
    ]),
    `today's change (equity): ${rupees(dayChange)} ` +
      `(${percent(dayChange, previousValue)} of previous close value ${rupees(previousValue)})`,
    ...marginLines(input.margins),
    ...rankingSection(equity, 'pnl', 'Equity holdings by unrealised P&L %'),
    ...rankingSection(equity, 'dayChange', "Equity holdings by today's change %"),
    ...fundSection(input.funds),
    '',
    `## Allocation by holding (% of total current value ${rupees(whole)}, ${wholeLabel})`,
    ...holdingAllocation(everything, whole),
    '',
    '## Allocation by exchange',
    ...groupTable('exchange', allocationBy(everything, (figure) => figure.exchange), whole),
    '',
    '## Allocation by product',
    ...groupTable('product', allocationBy(everything, (figure) => figure.product), whole),
    ...positionSection(input.positions),
    ...portfolioNotes(input.holdings, input.funds, input.positions),
  ].join('\n');
}

function missingLines(input: SummaryInput): string[] {
  const parts = [
    ['mutual-fund holdings (get_mf_holdings)', input.funds],
    ['positions (get_positions)', input.positions],
    ['cash and margin (get_margins)', input.margins],
  ] as const;
  return parts.flatMap(([name, part]) => (part.ok ? [] : [`MISSING: ${name} could not be loaded: ${part.reason}`]));
}

function totalsRow(name: string, totals: Totals): string[] {
  return [
    name, String(totals.count), rupees(totals.invested), rupees(totals.current), rupees(totals.pnl),
    percent(totals.pnl, totals.invested),
  ];
}

function marginLines(margins: Loaded<EquityMargins>): string[] {
  if (!margins.ok) return [];
  return [
    '',
    '## Cash and margin (get_margins, equity segment)',
    `available cash: ${rupeesOrNotAvailable(margins.value.cash)}`,
    `available margin (net): ${rupeesOrNotAvailable(margins.value.net)}`,
    `margin used: ${rupeesOrNotAvailable(margins.value.used)}`,
  ];
}

const RANKING_HEADERS: Record<Measure, string[]> = {
  pnl: ['holding', 'invested', 'current value', 'unrealised P&L', 'P&L %'],
  dayChange: ['holding', 'previous close value', "today's change", "today's change %"],
};

function rankingRow(figure: Figures, measure: Measure): string[] {
  if (measure === 'pnl') {
    return [figure.key, rupeesOrNotAvailable(figure.invested), rupees(figure.current),
      rupeesOrNotAvailable(figure.pnl), percent(figure.pnl, figure.invested)];
  }
  return [figure.key, rupeesOrNotAvailable(figure.previousValue), rupeesOrNotAvailable(figure.dayChange),
    percent(figure.dayChange, figure.previousValue)];
}

function rankingSection(figures: readonly Figures[], measure: Measure, title: string): string[] {
  const ranked = rankedBy(figures, measure);
  const header = RANKING_HEADERS[measure];
  const rows = (picked: readonly Figures[]) => table(header, picked.map((figure) => rankingRow(figure, measure)));
  if (ranked.length === 0) return ['', `## ${title}`, '(no holding has this percentage)'];
  if (ranked.length <= RANKED_EACH_END * 2) return ['', `## ${title}, all ${ranked.length}, highest first`, ...rows(ranked)];
  return [
    '', `## ${title}: top ${RANKED_EACH_END}, highest first`, ...rows(ranked.slice(0, RANKED_EACH_END)),
    '', `## ${title}: bottom ${RANKED_EACH_END}, lowest first`, ...rows(ranked.slice(-RANKED_EACH_END).reverse()),
  ];
}

function fundSection(loaded: Loaded<RowList<FundRow>>): string[] {
  if (!loaded.ok || loaded.value.rows.length === 0) return [];
  const rows = loaded.value.rows.map((row) => {
    const figure = fundFigures(row);
    return [row.fund, row.symbol, quantity(row.quantity), price(row.averagePrice), price(row.lastPrice),
      rupeesOrNotAvailable(figure.invested), rupees(figure.current), rupeesOrNotAvailable(figure.pnl),
      percent(figure.pnl, figure.invested)];
  });
  const header = ['fund', 'ISIN', 'units', 'average NAV', 'last NAV', 'invested', 'current value', 'unrealised P&L', 'P&L %'];
  return ['', '## Mutual funds (get_mf_holdings)', ...table(header, rows)];
}

function holdingAllocation(figures: readonly Figures[], whole: Decimal): string[] {
  const ordered = byCurrentValue(figures);
  const shown = ordered.slice(0, MAX_ALLOCATION_ROWS);
  const rows = shown.map((figure) => {
    const name = figure.kind === 'fund' ? `MF: ${figure.label}` : figure.key;
    return [name, rupees(figure.current), percent(figure.current, whole)];
  });
  const rest = ordered.length - shown.length;
  if (rest > 0) {
    const restValue = subtract(whole, totalsOf(shown).current);
    rows.push([`others (${rest} holdings)`, rupees(restValue), percent(restValue, whole)]);
  }
  return table(['holding', 'current value', 'share'], rows);
}

function groupTable(name: string, groups: readonly Allocation[], whole: Decimal): string[] {
  const rows = groups.map((group) => [group.group, String(group.count), rupees(group.current), percent(group.current, whole)]);
  return table([name, 'holdings', 'current value', 'share'], rows);
}

function positionSection(positions: Loaded<RowList<PositionRow>>): string[] {
  if (!positions.ok) return [];
  const rows = positions.value.rows;
  const head = ['', "## Positions (get_positions; P&L is Kite's pnl field per position)"];
  if (rows.length === 0) return [...head, 'no open or closed positions today'];
  const split = splitPositions(rows);
  if (split.kind === 'unsplit') {
    return [...head,
      `day/net split: not possible unambiguously (${split.reason}); rows are listed as Kite sent them, day rows ` +
        'first, and no total is given because a position may be listed twice',
      ...positionTable(split.rows)];
  }
  return [...head,
    "day/net split: inferred from Kite's order (day rows first; each day row appears again among the net rows)",
    `day positions: ${split.day.length}, P&L ${rupees(split.dayPnl)}`,
    ...(split.day.length > 0 ? positionTable(split.day) : []),
    `net positions: ${split.net.length}, P&L ${rupees(split.netPnl)} (already includes today's; do not add day and net)`,
    ...positionTable(split.net)];
}

function positionTable(rows: readonly PositionRow[]): string[] {
  const orNotAvailable = (value: Decimal | undefined) => (value === undefined ? NOT_AVAILABLE : price(value));
  const shown = rows.slice(0, MAX_POSITION_ROWS).map((row) => [
    `${row.exchange}:${row.symbol}`, row.product, quantity(row.quantity),
    orNotAvailable(row.averagePrice), orNotAvailable(row.lastPrice), rupees(row.pnl),
  ]);
  const hidden = rows.length - shown.length;
  const more = hidden > 0 ? [`(${hidden} more rows not shown; any total above covers every row)`] : [];
  return [...table(['position', 'product', 'quantity', 'average price', 'last price', 'P&L'], shown), ...more];
}
