// Portfolio facts against Kite's own fixtures, every expected figure worked out by hand in the comment beside it:
// reading the tool texts (src/portfolio/rows.ts), the figures (src/portfolio/portfolio.ts), the day/net split
// (src/portfolio/positions-split.ts), the summary and detail texts (src/portfolio/summary.ts, src/portfolio/holding-detail.ts) and their
// notes (src/portfolio/notes.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decimalText } from '../../../src/portfolio/decimal.js';
import { holdingDetailText } from '../../../src/portfolio/holding-detail.js';
import { fundFigures, holdingFigures, totalsOf } from '../../../src/portfolio/portfolio.js';
import { listItems, readEquityMargins, readFundHoldings, readHoldings, type Loaded, type RowList } from '../../../src/portfolio/rows.js';
import { portfolioSummaryText, type SummaryInput } from '../../../src/portfolio/summary.js';
import { readPositions, splitPositions, type PositionRow } from '../../../src/portfolio/positions-split.js';
import { KITE_MOCKS } from '../../support/kite-fixtures.js';

const MOCKS = KITE_MOCKS;
type Json = Record<string, unknown>;

function mockData<T>(name: string): T {
  return (JSON.parse(readFileSync(new URL(`${name}.json`, MOCKS), 'utf8')) as { data: T }).data;
}

const HOLDINGS = mockData<Json[]>('holdings');
const FUNDS = mockData<Json[]>('mf_holdings');
const POSITIONS = mockData<{ day: Json[]; net: Json[] }>('positions');
const MARGINS = mockData<Json>('margins');
/** What get_positions sends: the day rows, then the net rows, in one array (SERVER.md §3). */
const FLAT_POSITIONS = [...POSITIONS.day, ...POSITIONS.net];
/** 2025-08-06 09:34:05 UTC is 15:04:05 IST (UTC+05:30). */
const NOW = new Date('2025-08-06T09:34:05Z');

function loaded<Value>(value: Value): Loaded<Value> {
  return { ok: true, value };
}

function fixtureInput(overrides: Partial<SummaryInput> = {}): SummaryInput {
  return {
    now: NOW,
    holdings: readHoldings(JSON.stringify(HOLDINGS)),
    funds: loaded(readFundHoldings(JSON.stringify(FUNDS))),
    positions: loaded(readPositions(JSON.stringify(FLAT_POSITIONS))),
    margins: loaded(readEquityMargins(JSON.stringify(MARGINS))),
    ...overrides,
  };
}

function summaryLines(overrides: Partial<SummaryInput> = {}): string[] {
  return portfolioSummaryText(fixtureInput(overrides)).split('\n');
}

function holding(fields: Json): Json {
  return { ...HOLDINGS[0], ...fields };
}

describe('reading the tool texts', () => {
  test('a holding counts Kite quantity plus t1_quantity', () => {
    const [row] = readHoldings(JSON.stringify([holding({ quantity: 3, t1_quantity: 5 })])).rows;
    expect(row === undefined ? undefined : decimalText(row.quantity)).toBe('8'); // 3 settled + 5 T+1
  });

  test('a holding bought yesterday with quantity 0 and t1_quantity 10 is worth 10 shares', () => {
    const [row] = readHoldings(JSON.stringify([holding({ quantity: 0, t1_quantity: 10, last_price: 352.95 })])).rows;
    expect(row === undefined ? undefined : decimalText(holdingFigures(row).current)).toBe('3529.5'); // 10 × 352.95
  });

  test('the paginated {data, pagination} shape is read, and has_more is reported as incomplete', () => {
    const page = { data: HOLDINGS, pagination: { from: 0, limit: 2, total: 7, has_more: true, returned: 2 } };
    const list = readHoldings(JSON.stringify(page));
    expect(list.rows.map((row) => row.symbol)).toEqual(['AARON', 'SBIN']);
    expect(list.incomplete).toEqual({ returned: 2, total: '7' });
  });

  test("Go's null for an empty list is an empty list", () => {
    expect(readFundHoldings('null').rows).toEqual([]);
    expect(listItems('{"data":null,"pagination":{"has_more":false}}', 'get_mf_holdings').items).toEqual([]);
  });

  test('rows without a price or quantity are counted as skipped, not read as zero', () => {
    const list = readHoldings(JSON.stringify([HOLDINGS[0], { tradingsymbol: 'BROKEN', quantity: 1 }, 'not a row']));
    expect(list.rows).toHaveLength(1);
    expect(list.skipped).toBe(2);
  });

  test('text that is not a list is refused with the tool named', () => {
    expect(() => readHoldings('{"status":"error"}')).toThrow(/get_holdings/);
    expect(() => readHoldings('Failed to execute get_holdings')).toThrow(SyntaxError);
  });

  test('margins come from the equity segment: cash, net and utilised debits', () => {
    const margins = readEquityMargins(JSON.stringify(MARGINS));
    expect(margins.cash === undefined ? undefined : decimalText(margins.cash)).toBe('245431.6');
    expect(margins.net === undefined ? undefined : decimalText(margins.net)).toBe('99725.05000000002'); // exactly as sent
    expect(margins.used === undefined ? undefined : decimalText(margins.used)).toBe('145706.55');
  });
});

describe('figures from the fixtures', () => {
  test('equity holdings: values, P&L and today\'s change, exact', () => {
    const [aaron, sbin] = readHoldings(JSON.stringify(HOLDINGS)).rows.map(holdingFigures);
    const text = (value: { units: bigint; scale: number } | undefined) => (value === undefined ? undefined : decimalText(value));
    // AARON: 1 × 161 = 161 invested; 1 × 352.95 = 352.95 now; P&L 191.95; (352.95 − 352.35) × 1 = 0.6 today.
    expect([text(aaron?.invested), text(aaron?.current), text(aaron?.pnl), text(aaron?.dayChange)]).toEqual(['161', '352.95', '191.95', '0.6']);
    // SBIN: 16 × 801.78125 = 12828.5; 16 × 762.45 = 12199.2; P&L −629.3; (762.45 − 766.4) × 16 = −63.2.
    expect([text(sbin?.invested), text(sbin?.current), text(sbin?.pnl), text(sbin?.dayChange)]).toEqual(['12828.5', '12199.2', '-629.3', '-63.2']);
  });

  test('mutual funds: units × NAV with every digit kept, ignoring Kite\'s pnl field of 0', () => {
    const totals = totalsOf(readFundHoldings(JSON.stringify(FUNDS)).rows.map(fundFigures));
    // invested: 382.488 × 78.43 = 29998.53384; 1.334 × 1874.101138 = 2500.050918092; 257.057 × 116.7 = 29998.5519
    //   sum = 62497.136658092
    expect(decimalText(totals.invested)).toBe('62497.136658092');
    // current: 382.488 × 84.86 = 32457.93168; 1.334 × 2081.4984 = 2776.7188656; 257.057 × 101.13 = 25996.17441
    //   sum = 61230.8249556
    expect(decimalText(totals.current)).toBe('61230.8249556');
    expect(decimalText(totals.pnl)).toBe('-1266.311702492'); // 61230.8249556 − 62497.136658092
  });
});

describe('portfolio_summary text', () => {
  test('opens with the quote notice, the IST time and the rules it used', () => {
    const lines = summaryLines();
    expect(lines[0]).toBe('Portfolio summary. Figures computed by kite-chat; quote them rather than recomputing.');
    expect(lines).toContain('as of: 2025-08-06 15:04:05 IST');
    expect(lines).toContain('quantity: Kite quantity + t1_quantity (T+1 shares bought but not yet delivered)');
    expect(lines.some((line) => line.startsWith("today's change: (last_price − close_price) × quantity"))).toBe(true);
  });

  test('totals for equity, mutual funds and both, rounded half away from zero only at the end', () => {
    const lines = summaryLines();
    // equity: invested 161 + 12828.5 = 12989.5; now 352.95 + 12199.2 = 12552.15; P&L −437.35;
    //   −437.35 / 12989.5 = −0.0336695… → −3.37%
    expect(lines).toContain('| equity | 2 | ₹12,989.50 | ₹12,552.15 | -₹437.35 | -3.37% |');
    // funds: 62497.136658092 → ₹62,497.14; 61230.8249556 → ₹61,230.82; −1266.311702492 → −₹1,266.31;
    //   −1266.311702492 / 62497.136658092 = −0.0202619… → −2.03%
    expect(lines).toContain('| mutual funds | 3 | ₹62,497.14 | ₹61,230.82 | -₹1,266.31 | -2.03% |');
    // total: 12989.5 + 62497.136658092 = 75486.636658092; 12552.15 + 61230.8249556 = 73782.9749556;
    //   P&L −437.35 − 1266.311702492 = −1703.661702492; / 75486.636658092 = −0.0225690… → −2.26%
    expect(lines).toContain('| total | 5 | ₹75,486.64 | ₹73,782.97 | -₹1,703.66 | -2.26% |');
  });

  test("today's change is (last − close) × quantity over the previous close value", () => {
    // 0.6 − 63.2 = −62.6 over 352.35 + 12262.4 (= 766.4 × 16) = 12614.75: −62.6 / 12614.75 = −0.0049624… → −0.50%
    expect(summaryLines()).toContain("today's change (equity): -₹62.60 (-0.50% of previous close value ₹12,614.75)");
  });

  test('cash and margin from the equity segment, float noise rounded away', () => {
    const lines = summaryLines();
    expect(lines).toContain('available cash: ₹2,45,431.60');
    expect(lines).toContain('available margin (net): ₹99,725.05'); // 99725.05000000002 → 9972505 paise
    expect(lines).toContain('margin used: ₹1,45,706.55');
  });

  test('ranks equity holdings by P&L % and by today\'s change %, highest first', () => {
    const lines = summaryLines();
    // AARON 191.95 / 161 = 1.192236… → 119.22%; SBIN −629.3 / 12828.5 = −0.0490548… → −4.91%
    expect(lines).toContain('| NSE:AARON | ₹161.00 | ₹352.95 | ₹191.95 | 119.22% |');
    expect(lines).toContain('| BSE:SBIN | ₹12,828.50 | ₹12,199.20 | -₹629.30 | -4.91% |');
    // AARON 0.6 / 352.35 = 0.0017028… → 0.17%; SBIN −63.2 / 12262.4 = −0.0051539… → −0.52%
    const todayStart = lines.findIndex((line) => line.startsWith("## Equity holdings by today's change %"));
    expect(lines.slice(todayStart + 2, todayStart + 4)).toEqual([
      '| NSE:AARON | ₹352.35 | ₹0.60 | 0.17% |',
      '| BSE:SBIN | ₹12,262.40 | -₹63.20 | -0.52% |',
    ]);
  });

  test('lists each fund with units, NAVs as Kite sent them, and P&L %', () => {
    // 276.667947508 / 2500.050918092 = 0.1106649… → 11.07%
    expect(summaryLines()).toContain(
      '| Indiabulls Liquid Fund - Direct Plan | INF666M01451 | 1.334 | ₹1,874.101138 | ₹2,081.4984 | ₹2,500.05 | ₹2,776.72 | ₹276.67 | 11.07% |',
    );
  });

  test('allocation by holding, exchange and product as shares of the whole current value', () => {
    const lines = summaryLines();
    // whole = 73782.9749556; INVESCO 32457.93168 / whole = 0.4399108… → 43.99%; AARON 352.95 / whole = 0.0047836… → 0.48%
    expect(lines).toContain('| MF: INVESCO INDIA TAX PLAN - DIRECT PLAN | ₹32,457.93 | 43.99% |');
    expect(lines).toContain('| NSE:AARON | ₹352.95 | 0.48% |');
    // funds 61230.8249556 / whole = 0.8298774… → 82.99%; CNC 12552.15 / whole = 0.1701225… → 17.01%
    expect(lines).toContain('| MF | 3 | ₹61,230.82 | 82.99% |');
    expect(lines).toContain('| CNC | 2 | ₹12,552.15 | 17.01% |');
  });

  test('positions split into day and net, with Kite\'s P&L summed per list', () => {
    const lines = summaryLines();
    expect(lines).toContain('day positions: 3, P&L -₹95.00'); // −93 + 0 − 2
    expect(lines).toContain("net positions: 3, P&L ₹799.00 (already includes today's; do not add day and net)"); // 0 + 801 − 2
  });

  test('names a missing optional part and still computes the rest without it', () => {
    const failed = { ok: false, reason: 'the server said "Failed to execute get_mf_holdings"' } as const;
    const lines = summaryLines({ funds: failed });
    expect(lines).toContain(
      'MISSING: mutual-fund holdings (get_mf_holdings) could not be loaded: the server said "Failed to execute get_mf_holdings"',
    );
    expect(lines).toContain('| mutual funds | not loaded |  |  |  |  |');
    expect(lines).toContain('| total (equity only) | 2 | ₹12,989.50 | ₹12,552.15 | -₹437.35 | -3.37% |');
    // SBIN 12199.2 / 12552.15 = 0.9718812… → 97.19% of an equity-only whole
    expect(lines).toContain('| BSE:SBIN | ₹12,199.20 | 97.19% |');
  });

  test('notes what Kite reported but the figures leave out: the fixture\'s MTF quantity', () => {
    expect(summaryLines()).toContain(
      '- Kite also reports an MTF (margin trading) quantity for NSE:AARON 1000; it is not included in these figures.',
    );
  });

  test('a holding without a buy average or previous close is left out of P&L and today\'s change, and says so', () => {
    const rows = [holding({ tradingsymbol: 'GIFTED', average_price: 0, close_price: 0, mtf: undefined, discrepancy: true }), HOLDINGS[1]];
    const lines = summaryLines({ holdings: readHoldings(JSON.stringify(rows)), funds: loaded({ rows: [], skipped: 0, incomplete: undefined }) });
    // Only SBIN has a cost: invested 12828.5, P&L −629.3; current 352.95 + 12199.2 = 12552.15 counts both.
    expect(lines).toContain('| equity | 2 | ₹12,828.50 | ₹12,552.15 | -₹629.30 | -4.91% |');
    expect(lines).toContain('- no buy average (average_price 0) for NSE:GIFTED: left out of invested and P&L, counted in current value.');
    expect(lines).toContain("- no previous close for NSE:GIFTED: left out of today's change.");
    expect(lines.some((line) => line.includes('Kite flags a discrepancy for NSE:GIFTED'))).toBe(true);
  });

  test('more than ten ranked holdings show the top five and the bottom five', () => {
    // Holding i (1..12) bought at 100 and now at 100 + i: P&L % is i%, so the top is 12..8 and the bottom 1..5.
    const rows = Array.from({ length: 12 }, (_, index) =>
      holding({ tradingsymbol: `S${index + 1}`, average_price: 100, last_price: 100 + index + 1, close_price: 100, mtf: undefined }));
    const lines = summaryLines({ holdings: readHoldings(JSON.stringify(rows)) });
    const top = lines.indexOf('## Equity holdings by unrealised P&L %: top 5, highest first');
    const bottom = lines.indexOf('## Equity holdings by unrealised P&L %: bottom 5, lowest first');
    const names = (start: number) => lines.slice(start + 2, start + 7).map((line) => line.split(' | ')[0]);
    expect(names(top)).toEqual(['| NSE:S12', '| NSE:S11', '| NSE:S10', '| NSE:S9', '| NSE:S8']);
    expect(names(bottom)).toEqual(['| NSE:S1', '| NSE:S2', '| NSE:S3', '| NSE:S4', '| NSE:S5']);
  });

  test('holdings with equal P&L % are ranked by exchange and symbol', () => {
    // Both bought at 100, now 110: +10% each, so the tie is broken by key, NSE:ALPHA before NSE:BETA.
    const rows = ['BETA', 'ALPHA'].map((symbol) =>
      holding({ tradingsymbol: symbol, average_price: 100, last_price: 110, close_price: 105, mtf: undefined }));
    const lines = summaryLines({ holdings: readHoldings(JSON.stringify(rows)) });
    const start = lines.indexOf('## Equity holdings by unrealised P&L %, all 2, highest first');
    expect(lines.slice(start + 2, start + 4).map((line) => line.split(' | ')[0])).toEqual(['| NSE:ALPHA', '| NSE:BETA']);
  });
});

describe('splitting the flat positions list', () => {
  function row(symbol: string, pnl: number, product = 'NRML'): PositionRow {
    return readPositions(JSON.stringify([{ tradingsymbol: symbol, exchange: 'NFO', product, quantity: 1, pnl }])).rows[0] as PositionRow;
  }

  test('the fixture splits into its three day rows and three net rows', () => {
    const split = splitPositions(readPositions(JSON.stringify(FLAT_POSITIONS)).rows);
    expect(split.kind).toBe('split');
    if (split.kind !== 'split') return;
    expect(split.day.map((position) => position.symbol)).toEqual(['GOLDGUINEA17DECFUT', 'LEADMINI17DECFUT', 'SBIN']);
    expect(split.net.map((position) => position.symbol)).toEqual(['LEADMINI17DECFUT', 'GOLDGUINEA17DECFUT', 'SBIN']);
  });

  test('rows seen once only are net positions carried from before today', () => {
    const split = splitPositions([row('A', 5), row('B', -1)]);
    expect(split.kind === 'split' ? [split.day.length, split.net.length, decimalText(split.netPnl)] : split.reason).toEqual([0, 2, '4']);
  });

  test('the same symbol under two products is two positions', () => {
    const split = splitPositions([row('A', 1, 'MIS'), row('A', 2, 'MIS'), row('A', 3, 'NRML')]);
    expect(split.kind === 'split' ? [split.day.length, split.net.length] : split.reason).toEqual([1, 2]);
  });

  test.each([
    ['a key seen three times', ['A', 'A', 'A'], 'NFO:A:NRML appears 3 times'],
    ['a single row among the day rows', ['B', 'A', 'A'], 'NFO:B:NRML appears once, among the rows that should be day positions'],
    ['both sightings among the day rows', ['A', 'A', 'B', 'B'], 'NFO:A:NRML appears twice among the rows that should be day positions'],
  ])('%s cannot be split and says why', (_case, symbols, reason) => {
    const split = splitPositions(symbols.map((symbol) => row(symbol, 1)));
    expect(split.kind === 'unsplit' ? split.reason : 'split').toBe(reason);
  });

  test('an unsplittable list is shown as sent, with no total that could count a position twice', () => {
    const text = JSON.stringify([FLAT_POSITIONS[0], FLAT_POSITIONS[0], FLAT_POSITIONS[0]]);
    const lines = summaryLines({ positions: loaded(readPositions(text)) });
    expect(lines.some((line) => line.startsWith('day/net split: not possible unambiguously (MCX:GOLDGUINEA17DECFUT:NRML appears 3 times)'))).toBe(true);
    expect(lines.some((line) => /^(day|net) positions:/.test(line))).toBe(false);
  });
});

describe('holding_detail text', () => {
  const holdings = (): RowList<ReturnType<typeof readHoldings>['rows'][number]> => readHoldings(JSON.stringify(HOLDINGS));
  const detail = (query: string) =>
    holdingDetailText({ now: NOW, query, holdings: holdings(), funds: loaded(readFundHoldings(JSON.stringify(FUNDS))) });

  test('gives quantity, prices, P&L, today\'s change and share of the portfolio', () => {
    const result = detail('NSE:AARON');
    expect(result.found).toBe(true);
    expect(result.text.split('\n')).toEqual(expect.arrayContaining([
      'Holding detail for NSE:AARON. Figures computed by kite-chat; quote them rather than recomputing.',
      'as of: 2025-08-06 15:04:05 IST',
      'quantity: 1 (Kite quantity 1 + T+1 quantity 0)',
      'average price: ₹161.00',
      'last price: ₹352.95',
      'unrealised P&L: ₹191.95 (119.22% of invested)', // 191.95 / 161 = 1.192236…
      "today's change: ₹0.60 (0.17% of previous close value ₹352.35)", // 0.6 / 352.35 = 0.0017028…
      // 352.95 / 73782.9749556 = 0.0047836… → 0.48%
      'share of portfolio: 0.48% of total current value ₹73,782.97 (equity + mutual funds)',
    ]));
  });

  test('finds a symbol without its exchange, in any case', () => {
    expect(detail('sbin').text).toContain('average price: ₹801.78125');
  });

  test('finds a mutual fund by ISIN, with no today\'s change', () => {
    const lines = detail('INF761K01884').text.split('\n');
    expect(lines).toContain('holding: MF: BOI AXA TAX ADVANTAGE FUND - DIRECT PLAN (ISIN INF761K01884, folio 9104386836)');
    // 25996.17441 − 29998.5519 = −4002.37749; / 29998.5519 = −0.1334190… → −13.34%
    expect(lines).toContain('unrealised P&L: -₹4,002.38 (-13.34% of invested)');
    expect(lines).toContain("today's change: n/a (Kite sends no previous NAV for mutual funds)");
  });

  test('the wrong exchange is not found, and the holding on the right one is offered', () => {
    const result = detail('NSE:SBIN');
    expect(result.found).toBe(false);
    expect(result.text).toContain('NOT FOUND: no holding matches "NSE:SBIN"');
    expect(result.text).toContain('close matches: BSE:SBIN');
  });

  test('a typo is offered its likely symbol; nonsense gets none', () => {
    expect(detail('AARN').text).toContain('close matches: NSE:AARON');
    expect(detail('ZZZZZZZZ').text).toContain('close matches: none');
  });
});
