/**
 * get_positions as Kite MCP sends it: ONE flat array, every `day` position then every `net` position, with no marker
 * (SERVER.md §3). This module reads the rows exactly and recovers the two lists when the order allows only one
 * reading; otherwise it says why it cannot. Pure; P&L is Kite's own `pnl` per row (multipliers and realised profit
 * are Kite's to apply), summed exactly.
 */
import { sumOf, type Decimal } from './decimal.js';
import { isDecimal, type ExactObject } from './exact-json.js';
import { numberField, readRows, textField, type RowList } from './rows.js';

export interface PositionRow {
  symbol: string;
  exchange: string;
  product: string;
  quantity: Decimal;
  averagePrice: Decimal | undefined;
  lastPrice: Decimal | undefined;
  pnl: Decimal;
}

type PositionSplit =
  | { kind: 'split'; day: PositionRow[]; net: PositionRow[]; dayPnl: Decimal; netPnl: Decimal }
  | { kind: 'unsplit'; rows: PositionRow[]; reason: string };

export function readPositions(text: string): RowList<PositionRow> {
  return readRows(text, 'get_positions', readRow);
}

function readRow(item: ExactObject): PositionRow | undefined {
  const symbol = item.get('tradingsymbol');
  const quantity = item.get('quantity');
  const pnl = item.get('pnl');
  if (typeof symbol !== 'string' || symbol === '' || !isDecimal(quantity) || !isDecimal(pnl)) return undefined;
  return {
    symbol,
    exchange: textField(item, 'exchange'),
    product: textField(item, 'product'),
    quantity,
    averagePrice: numberField(item, 'average_price'),
    lastPrice: numberField(item, 'last_price'),
    pnl,
  };
}

function positionKey(row: PositionRow): string {
  return `${row.exchange}:${row.symbol}:${row.product}`;
}

/**
 * Kite keeps one row per instrument and product in each list, and every instrument traded today is in both lists
 * (the day's trades are part of the net position). So in `day ++ net` each key appears once or twice; a key seen
 * twice has its day row first; a key seen once is net-only. The day list must then be exactly the rows before the
 * first second-sighting, made only of first sightings of twice-seen keys. Anything else has no unambiguous reading.
 */
export function splitPositions(rows: readonly PositionRow[]): PositionSplit {
  const sightings = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = positionKey(row);
    sightings.set(key, [...(sightings.get(key) ?? []), index]);
  });
  const unsplit = (reason: string): PositionSplit => ({ kind: 'unsplit', rows: [...rows], reason });

  let dayCount = 0;
  for (const [key, indexes] of sightings) {
    if (indexes.length > 2) return unsplit(`${key} appears ${indexes.length} times`);
    const [first = 0] = indexes;
    if (indexes.length === 2) dayCount = Math.max(dayCount, first + 1);
  }
  for (const [key, indexes] of sightings) {
    const [first = 0, second] = indexes;
    if (second === undefined && first < dayCount) {
      return unsplit(`${key} appears once, among the rows that should be day positions`);
    }
    if (second !== undefined && second < dayCount) {
      return unsplit(`${key} appears twice among the rows that should be day positions`);
    }
  }
  const day = rows.slice(0, dayCount);
  const net = rows.slice(dayCount);
  return {
    kind: 'split',
    day,
    net,
    dayPnl: sumOf(day.map((row) => row.pnl)),
    netPnl: sumOf(net.map((row) => row.pnl)),
  };
}
