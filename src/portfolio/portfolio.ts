/**
 * Portfolio facts computed in code, not by the model: values, P&L, today's change, rankings and allocation, in exact
 * decimals (portfolio/decimal.ts) from the rows portfolio/rows.ts read. Pure: no I/O and no wording for the model
 * (portfolio/summary.ts and portfolio/holding-detail.ts); positions are split into day and net in portfolio/positions-split.ts.
 */
import { add, compareDecimals, compareRatios, multiply, signOf, subtract, sumOf, ZERO, type Decimal } from './decimal.js';
import type { FundRow, HoldingRow } from './rows.js';

/** One equity holding or fund with its computed figures. Undefined means "cannot be computed", never zero. */
export interface Figures {
  kind: 'equity' | 'fund';
  /** "NSE:AARON"; a fund is "MF:<ISIN>". */
  key: string;
  /** What to call it: the trading symbol, or the fund's name. */
  label: string;
  exchange: string;
  product: string;
  current: Decimal;
  /** Undefined when Kite has no buy average (average_price 0): P&L would be the whole value. */
  invested: Decimal | undefined;
  pnl: Decimal | undefined;
  /** close_price × quantity; undefined for funds and for a holding without a previous close. */
  previousValue: Decimal | undefined;
  dayChange: Decimal | undefined;
}

export interface Totals {
  count: number;
  current: Decimal;
  /** Over the rows with a buy average only, like pnl, so pnl / invested is a true percentage. */
  invested: Decimal;
  pnl: Decimal;
  /** Over the rows with a previous close only, like dayChange. */
  previousValue: Decimal;
  dayChange: Decimal;
}

export function holdingFigures(row: HoldingRow): Figures {
  const current = multiply(row.lastPrice, row.quantity);
  const invested = signOf(row.averagePrice) > 0 ? multiply(row.averagePrice, row.quantity) : undefined;
  const previousValue = signOf(row.closePrice) > 0 ? multiply(row.closePrice, row.quantity) : undefined;
  return {
    kind: 'equity',
    key: `${row.exchange}:${row.symbol}`,
    label: row.symbol,
    exchange: row.exchange,
    product: row.product,
    current,
    invested,
    pnl: invested === undefined ? undefined : subtract(current, invested),
    previousValue,
    // (last_price − close_price) × quantity: Kite's day_change is the same difference, but carries float noise.
    dayChange: previousValue === undefined ? undefined : subtract(current, previousValue),
  };
}

export function fundFigures(row: FundRow): Figures {
  const current = multiply(row.lastPrice, row.quantity);
  const invested = signOf(row.averagePrice) > 0 ? multiply(row.averagePrice, row.quantity) : undefined;
  return {
    kind: 'fund',
    key: `MF:${row.symbol}`,
    label: row.fund,
    exchange: 'MF',
    product: 'MF',
    current,
    invested,
    // get_mf_holdings' own pnl field is 0 in Kite's sample; the figure is computed, never taken from it.
    pnl: invested === undefined ? undefined : subtract(current, invested),
    previousValue: undefined,
    dayChange: undefined,
  };
}

export function totalsOf(figures: readonly Figures[]): Totals {
  const costed = figures.filter((figure) => figure.invested !== undefined);
  const closed = figures.filter((figure) => figure.previousValue !== undefined);
  return {
    count: figures.length,
    current: sumOf(figures.map((figure) => figure.current)),
    invested: sumOf(costed.map((figure) => figure.invested ?? ZERO)),
    pnl: sumOf(costed.map((figure) => figure.pnl ?? ZERO)),
    previousValue: sumOf(closed.map((figure) => figure.previousValue ?? ZERO)),
    dayChange: sumOf(closed.map((figure) => figure.dayChange ?? ZERO)),
  };
}

export function combineTotals(left: Totals, right: Totals): Totals {
  return {
    count: left.count + right.count,
    current: add(left.current, right.current),
    invested: add(left.invested, right.invested),
    pnl: add(left.pnl, right.pnl),
    previousValue: add(left.previousValue, right.previousValue),
    dayChange: add(left.dayChange, right.dayChange),
  };
}

export type Measure = 'pnl' | 'dayChange';

/**
 * Figures ordered by P&L % (pnl / invested) or today's change % (dayChange / previousValue), highest first,
 * compared exactly; ties by key. Figures where the percentage cannot be computed are left out.
 */
export function rankedBy(figures: readonly Figures[], measure: Measure): Figures[] {
  const parts = (figure: Figures) =>
    measure === 'pnl' ? [figure.pnl, figure.invested] : [figure.dayChange, figure.previousValue];
  const ranked = figures.filter((figure) => {
    const [part, whole] = parts(figure);
    return part !== undefined && whole !== undefined && signOf(whole) > 0;
  });
  return ranked.sort((left, right) => {
    const [leftPart = ZERO, leftWhole = ZERO] = parts(left);
    const [rightPart = ZERO, rightWhole = ZERO] = parts(right);
    return compareRatios(rightPart, rightWhole, leftPart, leftWhole) || compareText(left.key, right.key);
  });
}

export interface Allocation {
  group: string;
  count: number;
  current: Decimal;
}

/** Current value grouped by a key (exchange, product), largest first; ties by name. */
export function allocationBy(figures: readonly Figures[], groupOf: (figure: Figures) => string): Allocation[] {
  const groups = new Map<string, { count: number; current: Decimal }>();
  for (const figure of figures) {
    const group = groupOf(figure) || '(none)';
    const entry = groups.get(group) ?? { count: 0, current: ZERO };
    groups.set(group, { count: entry.count + 1, current: add(entry.current, figure.current) });
  }
  return [...groups]
    .map(([group, entry]) => ({ group, ...entry }))
    .sort((left, right) => compareDecimals(right.current, left.current) || compareText(left.group, right.group));
}

/** Figures by current value, largest first; ties by key. */
export function byCurrentValue(figures: readonly Figures[]): Figures[] {
  return [...figures].sort((left, right) =>
    compareDecimals(right.current, left.current) || compareText(left.key, right.key));
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function compareText(left: string, right: string): -1 | 0 | 1 {
  return left < right ? -1 : left > right ? 1 : 0;
}
