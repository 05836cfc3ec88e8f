/**
 * "Where the money is": portfolio_summary's allocation as a picture for the person (charts/display.ts), from the
 * same exact figures as its text (portfolio/portfolio.ts). Two sections that each add up to the same total, the
 * holdings' current value plus the available cash: by part (equity, mutual funds, cash) and by holding (the ten
 * largest, the rest as "others", cash). Pure; drawn by charts/bar-chart.ts, never sent to the model.
 */
import type { AllocationDisplay, AllocationRow } from '../charts/display.js';
import { add, signOf, subtract, sumOf, ZERO, type Decimal } from './decimal.js';
import { rupees } from './format.js';
import { byCurrentValue, fundFigures, holdingFigures, type Figures } from './portfolio.js';
import type { SummaryInput } from './summary.js';

/** The holdings named one by one; the rest are one "others" bar, so the picture stays a glance. */
export const TOP_HOLDINGS = 10;

export function allocationBars(input: SummaryInput): AllocationDisplay | undefined {
  const equity = input.holdings.rows.map(holdingFigures);
  const funds = input.funds.ok ? input.funds.value.rows.map(fundFigures) : [];
  const equityValue = sumOf(equity.map((figure) => figure.current));
  const fundValue = sumOf(funds.map((figure) => figure.current));
  const cash = availableCash(input);
  const total = add(add(equityValue, fundValue), cash);
  if (signOf(total) <= 0) return undefined;
  const cashRow: AllocationRow[] = signOf(cash) > 0 ? [{ label: 'Cash', value: cash }] : [];
  const parts: AllocationRow[] = [
    { label: 'Equity', value: equityValue },
    ...(input.funds.ok ? [{ label: 'Mutual funds', value: fundValue }] : []),
    ...cashRow,
  ];
  const cashNote = signOf(cash) > 0 ? ` incl. cash ${rupees(cash)}` : '';
  return {
    kind: 'allocation',
    title: `Where the money is: ${rupees(total)}${cashNote}`,
    total,
    sections: [
      { title: 'By part', rows: parts },
      { title: `By holding (largest ${TOP_HOLDINGS})`, rows: [...holdingRows([...equity, ...funds]), ...cashRow] },
    ],
  };
}

/** The largest holdings by current value, then one row for all the others (their exact remainder). */
function holdingRows(figures: readonly Figures[]): AllocationRow[] {
  const ordered = byCurrentValue(figures);
  const shown = ordered.slice(0, TOP_HOLDINGS);
  const rows = shown.map((figure) => ({ label: figure.kind === 'fund' ? `MF: ${figure.label}` : figure.key, value: figure.current }));
  const rest = ordered.length - shown.length;
  if (rest === 0) return rows;
  const everything = sumOf(ordered.map((figure) => figure.current));
  const othersValue = subtract(everything, sumOf(shown.map((figure) => figure.current)));
  return [...rows, { label: `others (${rest} holdings)`, value: othersValue }];
}

/** Available cash from get_margins when it loaded and is positive; a debit balance is no slice of the money. */
function availableCash(input: SummaryInput): Decimal {
  if (!input.margins.ok) return ZERO;
  const cash = input.margins.value.cash;
  return cash !== undefined && signOf(cash) > 0 ? cash : ZERO;
}
