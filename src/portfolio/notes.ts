/**
 * The caveats under a portfolio figure, said plainly so the model can pass them on: rows Kite sent that could not be
 * read or were cut off by pagination, holdings without a buy average or previous close, T+1, MTF and sold-today
 * quantities, Kite's discrepancy flag. Pure; shared by portfolio_summary and holding_detail.
 */
import { signOf } from './decimal.js';
import { quantity } from './format.js';
import type { FundRow, HoldingRow, Loaded, RowList } from './rows.js';

/** A note names at most this many holdings, then counts the rest. */
const MAX_NAMED = 10;

export function portfolioNotes(
  holdings: RowList<HoldingRow>,
  funds: Loaded<RowList<FundRow>>,
  positions: Loaded<RowList<unknown>>,
): string[] {
  const notes = [
    ...readNotes('get_holdings', holdings),
    ...(funds.ok ? readNotes('get_mf_holdings', funds.value) : []),
    ...(positions.ok ? readNotes('get_positions', positions.value) : []),
    ...holdingNotes(holdings.rows),
    ...fundNotes(funds.ok ? funds.value.rows : []),
  ];
  return notes.length === 0 ? [] : ['', '## Notes', ...notes.map((note) => `- ${note}`)];
}

export function readNotes(toolName: string, list: RowList<unknown>): string[] {
  const notes: string[] = [];
  if (list.incomplete !== undefined) {
    const { returned, total } = list.incomplete;
    notes.push(`INCOMPLETE: ${toolName} returned ${returned} of ${total} rows; the figures cover only those.`);
  }
  if (list.skipped > 0) {
    notes.push(`${toolName}: ${list.skipped} row(s) lacked the fields a figure needs and were left out.`);
  }
  return notes;
}

const key = (row: HoldingRow) => `${row.exchange}:${row.symbol}`;

/** Each caveat: which holdings it concerns, how to name one, and what to say about them. */
const HOLDING_CAVEATS: readonly {
  applies: (row: HoldingRow) => boolean;
  name: (row: HoldingRow) => string;
  say: (names: string) => string;
}[] = [
  {
    applies: (row) => signOf(row.averagePrice) <= 0,
    name: key,
    say: (names) => `no buy average (average_price 0) for ${names}: left out of invested and P&L, counted in current value.`,
  },
  {
    applies: (row) => signOf(row.closePrice) <= 0,
    name: key,
    say: (names) => `no previous close for ${names}: left out of today's change.`,
  },
  {
    applies: (row) => signOf(row.lastPrice) <= 0,
    name: key,
    say: (names) => `last price 0 for ${names}: Kite had no price, so current value counts them at ₹0.`,
  },
  {
    applies: (row) => signOf(row.t1Quantity) !== 0,
    name: (row) => `${key(row)} ${quantity(row.t1Quantity)}`,
    say: (names) => `T+1 shares included (t1_quantity, bought but not yet delivered): ${names}.`,
  },
  {
    applies: (row) => signOf(row.mtfQuantity) !== 0,
    name: (row) => `${key(row)} ${quantity(row.mtfQuantity)}`,
    say: (names) => `Kite also reports an MTF (margin trading) quantity for ${names}; it is not included in these figures.`,
  },
  {
    applies: (row) => signOf(row.usedQuantity) !== 0,
    name: (row) => `${key(row)} ${quantity(row.usedQuantity)}`,
    say: (names) => `used_quantity (sold from the holding) for ${names}: not subtracted from the quantity.`,
  },
  {
    applies: (row) => row.discrepancy,
    name: key,
    say: (names) => `Kite flags a discrepancy for ${names}; its figures may be wrong until it is fixed in Console.`,
  },
];

export function holdingNotes(rows: readonly HoldingRow[]): string[] {
  return HOLDING_CAVEATS.flatMap((caveat) => {
    const picked = rows.filter(caveat.applies);
    if (picked.length === 0) return [];
    const more = picked.length > MAX_NAMED ? ` and ${picked.length - MAX_NAMED} more` : '';
    return [caveat.say(`${picked.slice(0, MAX_NAMED).map(caveat.name).join(', ')}${more}`)];
  });
}

function fundNotes(rows: readonly FundRow[]): string[] {
  const noCost = rows.filter((row) => signOf(row.averagePrice) <= 0);
  if (noCost.length === 0) return [];
  return [`no average NAV for ${noCost.map((row) => row.fund).join(', ')}: left out of invested and P&L.`];
}
