// Generated portfolios for src/portfolio*.ts and src/portfolio/holding-detail.ts: a seeded generator makes a few hundred
// holdings and some funds with prices carrying up to five decimals, T+1 shares, missing closes and missing buy
// averages, writes them as the JSON text Kite would send, and an independent computation in this file (plain BigInt
// at 10^-7 rupee, its own rounding and its own ₹ formatting) says what every figure must be. The last test draws
// portfolio_summary's allocation bars (src/portfolio/allocation-bars.ts, src/charts/bar-chart.ts) from the same data.
import { expect, test } from 'vitest';
import { drawAllocation } from '../../../src/charts/bar-chart.js';
import { allocationBars } from '../../../src/portfolio/allocation-bars.js';
import { parseDecimal, type Decimal } from '../../../src/portfolio/decimal.js';
import { holdingDetailText } from '../../../src/portfolio/holding-detail.js';
import { readFundHoldings, readHoldings, type Loaded } from '../../../src/portfolio/rows.js';
import { portfolioSummaryText } from '../../../src/portfolio/summary.js';

const SEEDS = [1, 20_250_806, 424_242, 7, 99_991];
const HOLDINGS_PER_PORTFOLIO = 300;
const FUNDS_PER_PORTFOLIO = 12;
const NOW = new Date('2025-08-06T04:00:00Z');

// ---- the generator ----------------------------------------------------------------------------------------------

/** mulberry32: a tiny seeded generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface GeneratedHolding {
  key: string;
  exchange: string;
  symbol: string;
  quantity: bigint; // settled
  t1: bigint;
  averageUnits: bigint; // 10^-5 rupee, like 801.78125
  lastPaise: bigint;
  closePaise: bigint; // 0: no previous close
}

interface GeneratedFund {
  isin: string;
  unitsThousandths: bigint; // 382.488
  averageNav: bigint; // 10^-4 rupee
  lastNav: bigint; // 10^-4 rupee
}

/** The exact decimal text of units × 10^-scale, as Kite's JSON would carry it (trailing zeros dropped). */
function literal(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, '0');
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${digits.slice(0, digits.length - scale)}${fraction === '' ? '' : `.${fraction}`}`;
}

function generate(seed: number): { holdings: GeneratedHolding[]; funds: GeneratedFund[]; holdingsText: string; fundsText: string } {
  const next = random(seed);
  const between = (low: number, high: number) => BigInt(low + Math.floor(next() * (high - low + 1)));
  const holdings = Array.from({ length: HOLDINGS_PER_PORTFOLIO }, (_, index): GeneratedHolding => {
    const exchange = next() < 0.7 ? 'NSE' : 'BSE';
    const symbol = `STK${index}`;
    const lastPaise = between(5, 5_000_000);
    const moved = lastPaise + between(-20_000, 20_000);
    return {
      key: `${exchange}:${symbol}`,
      exchange,
      symbol,
      quantity: next() < 0.05 ? 0n : between(1, 5000),
      t1: next() < 0.3 ? between(1, 50) : 0n,
      averageUnits: next() < 0.05 ? 0n : between(100, 5_000_000_000),
      lastPaise,
      closePaise: next() < 0.1 ? 0n : moved > 0n ? moved : 1n,
    };
  });
  const funds = Array.from({ length: FUNDS_PER_PORTFOLIO }, (_, index): GeneratedFund => ({
    isin: `INF${String(index).padStart(9, '0')}`,
    unitsThousandths: between(1, 9_000_000),
    averageNav: between(50_000, 50_000_000),
    lastNav: between(50_000, 50_000_000),
  }));
  const holdingsText = `[${holdings.map((holding) => [
    `{"tradingsymbol":"${holding.symbol}","exchange":"${holding.exchange}","product":"CNC"`,
    `"quantity":${holding.quantity},"t1_quantity":${holding.t1}`,
    `"average_price":${literal(holding.averageUnits, 5)},"last_price":${literal(holding.lastPaise, 2)}`,
    `"close_price":${literal(holding.closePaise, 2)},"pnl":0,"day_change":0}`,
  ].join(',')).join(',')}]`;
  const fundsText = `[${funds.map((fund) => [
    `{"folio":"F${fund.isin}","fund":"FUND ${fund.isin}","tradingsymbol":"${fund.isin}"`,
    `"quantity":${literal(fund.unitsThousandths, 3)},"average_price":${literal(fund.averageNav, 4)}`,
    `"last_price":${literal(fund.lastNav, 4)},"pnl":0}`,
  ].join(',')).join(',')}]`;
  return { holdings, funds, holdingsText, fundsText };
}

// ---- the independent computation: BigInt at 10^-7 rupee ---------------------------------------------------------

function roundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  if ((magnitude % denominator) * 2n >= denominator) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** Amounts at 10^-7 rupee → "₹1,23,456.78" (Indian grouping: three digits, then pairs). */
function inr(amount: bigint): string {
  const paise = roundHalfAway(amount, 100_000n);
  const negative = paise < 0n;
  const digits = (negative ? -paise : paise).toString().padStart(3, '0');
  let whole = digits.slice(0, -2);
  const groups = [whole.slice(-3)];
  whole = whole.slice(0, -3);
  while (whole.length > 0) {
    groups.unshift(whole.slice(-2));
    whole = whole.slice(0, -2);
  }
  return `${negative ? '-' : ''}₹${groups.join(',')}.${digits.slice(-2)}`;
}

function percentText(part: bigint, whole: bigint): string {
  if (whole === 0n) return 'n/a';
  const hundredths = roundHalfAway(part * 10_000n, whole);
  const negative = hundredths < 0n;
  const digits = (negative ? -hundredths : hundredths).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}%`;
}

interface Expected {
  key: string;
  current: bigint;
  invested: bigint | undefined;
  pnl: bigint | undefined;
  previous: bigint | undefined;
  change: bigint | undefined;
}

function expectedHolding(holding: GeneratedHolding): Expected {
  const quantity = holding.quantity + holding.t1; // the documented rule: quantity + t1_quantity
  const current = holding.lastPaise * quantity * 100_000n; // paise (10^-2) → 10^-7
  const invested = holding.averageUnits === 0n ? undefined : holding.averageUnits * quantity * 100n; // 10^-5 → 10^-7
  const previous = holding.closePaise === 0n ? undefined : holding.closePaise * quantity * 100_000n;
  return {
    key: holding.key,
    current,
    invested,
    pnl: invested === undefined ? undefined : current - invested,
    previous,
    change: previous === undefined ? undefined : current - previous,
  };
}

function expectedFund(fund: GeneratedFund): Expected {
  // units (10^-3) × NAV (10^-4) = 10^-7 exactly
  const current = fund.unitsThousandths * fund.lastNav;
  const invested = fund.unitsThousandths * fund.averageNav;
  return { key: `MF: FUND ${fund.isin}`, current, invested, pnl: current - invested, previous: undefined, change: undefined };
}

function total(values: readonly (bigint | undefined)[]): bigint {
  return values.reduce<bigint>((sum, value) => sum + (value ?? 0n), 0n);
}

/** Highest part/whole first, by exact cross-multiplication; ties by key; entries without a ratio left out. */
function ranked(entries: readonly Expected[], part: (entry: Expected) => bigint | undefined, whole: (entry: Expected) => bigint | undefined): Expected[] {
  return entries
    .filter((entry) => part(entry) !== undefined && (whole(entry) ?? 0n) > 0n)
    .sort((left, right) => {
      const difference = (part(right) ?? 0n) * (whole(left) ?? 0n) - (part(left) ?? 0n) * (whole(right) ?? 0n);
      if (difference !== 0n) return difference > 0n ? 1 : -1;
      return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
    });
}

function summaryFor(seed: number): { lines: string[]; equity: Expected[]; funds: Expected[]; generated: ReturnType<typeof generate> } {
  const generated = generate(seed);
  const funds: Loaded<ReturnType<typeof readFundHoldings>> = { ok: true, value: readFundHoldings(generated.fundsText) };
  const text = portfolioSummaryText({
    now: NOW,
    holdings: readHoldings(generated.holdingsText),
    funds,
    positions: { ok: false, reason: 'not part of this test' },
    margins: { ok: false, reason: 'not part of this test' },
  });
  return { lines: text.split('\n'), equity: generated.holdings.map(expectedHolding), funds: generated.funds.map(expectedFund), generated };
}

function tableNames(lines: readonly string[], title: string, count: number): string[] {
  const start = lines.indexOf(title);
  expect(start, `no "${title}"`).toBeGreaterThanOrEqual(0);
  return lines.slice(start + 2, start + 2 + count).map((line) => line.split(' | ')[0]?.replace('| ', '') ?? '');
}

// ---- the tests ---------------------------------------------------------------------------------------------------

test.each(SEEDS)('totals for equity, funds and both match the independent BigInt sums (seed %i)', (seed) => {
  const { lines, equity, funds } = summaryFor(seed);
  const row = (name: string, entries: readonly Expected[]) => {
    const invested = total(entries.map((entry) => entry.invested));
    const pnl = total(entries.map((entry) => entry.pnl));
    return `| ${name} | ${entries.length} | ${inr(invested)} | ${inr(total(entries.map((entry) => entry.current)))} | ${inr(pnl)} | ${percentText(pnl, invested)} |`;
  };
  expect(lines).toContain(row('equity', equity));
  expect(lines).toContain(row('mutual funds', funds));
  expect(lines).toContain(row('total', [...equity, ...funds]));
  const previous = total(equity.map((entry) => entry.previous));
  const change = total(equity.map((entry) => entry.change));
  expect(lines).toContain(`today's change (equity): ${inr(change)} (${percentText(change, previous)} of previous close value ${inr(previous)})`);
});

test.each(SEEDS)('the top and bottom five by P&L % and by today\'s change % are the independently ranked ones (seed %i)', (seed) => {
  const { lines, equity } = summaryFor(seed);
  const byPnl = ranked(equity, (entry) => entry.pnl, (entry) => entry.invested);
  const byChange = ranked(equity, (entry) => entry.change, (entry) => entry.previous);
  const keys = (entries: readonly Expected[]) => entries.map((entry) => entry.key);
  expect(tableNames(lines, '## Equity holdings by unrealised P&L %: top 5, highest first', 5)).toEqual(keys(byPnl.slice(0, 5)));
  expect(tableNames(lines, '## Equity holdings by unrealised P&L %: bottom 5, lowest first', 5)).toEqual(keys(byPnl.slice(-5).reverse()));
  expect(tableNames(lines, "## Equity holdings by today's change %: top 5, highest first", 5)).toEqual(keys(byChange.slice(0, 5)));
  expect(tableNames(lines, "## Equity holdings by today's change %: bottom 5, lowest first", 5)).toEqual(keys(byChange.slice(-5).reverse()));
  const best = byPnl[0];
  if (best !== undefined) {
    expect(lines).toContain(`| ${best.key} | ${inr(best.invested ?? 0n)} | ${inr(best.current)} | ${inr(best.pnl ?? 0n)} | ${percentText(best.pnl ?? 0n, best.invested ?? 0n)} |`);
  }
});

test.each(SEEDS)('allocation shows the 25 largest holdings and one row for the rest, shares of the exact whole (seed %i)', (seed) => {
  const { lines, equity, funds } = summaryFor(seed);
  const everything = [...equity, ...funds];
  const whole = total(everything.map((entry) => entry.current));
  const ordered = [...everything].sort((left, right) =>
    left.current === right.current ? (left.key < right.key ? -1 : 1) : left.current < right.current ? 1 : -1);
  const start = lines.findIndex((line) => line.startsWith('## Allocation by holding'));
  expect(lines[start]).toBe(`## Allocation by holding (% of total current value ${inr(whole)}, equity + mutual funds)`);
  const shown = ordered.slice(0, 25);
  const expectedRows = shown.map((entry) => `| ${entry.key} | ${inr(entry.current)} | ${percentText(entry.current, whole)} |`);
  const rest = whole - total(shown.map((entry) => entry.current));
  expectedRows.push(`| others (${everything.length - 25} holdings) | ${inr(rest)} | ${percentText(rest, whole)} |`);
  expect(lines.slice(start + 2, start + 2 + 26)).toEqual(expectedRows);
});

test.each(SEEDS)('holding_detail agrees with the independent figures for a sample of holdings (seed %i)', (seed) => {
  const { equity, generated } = summaryFor(seed);
  const holdings = readHoldings(generated.holdingsText);
  const funds: Loaded<ReturnType<typeof readFundHoldings>> = { ok: true, value: readFundHoldings(generated.fundsText) };
  const whole = total([...equity, ...generated.funds.map(expectedFund)].map((entry) => entry.current));
  for (const index of [0, 17, 123, 299]) {
    const holding = generated.holdings[index];
    const expected = equity[index];
    if (holding === undefined || expected === undefined) throw new Error('generator made too few holdings');
    const lines = holdingDetailText({ now: NOW, query: holding.key.toLowerCase(), holdings, funds }).text.split('\n');
    expect(lines).toContain(`quantity: ${holding.quantity + holding.t1} (Kite quantity ${holding.quantity} + T+1 quantity ${holding.t1})`);
    expect(lines).toContain(`current value: ${inr(expected.current)}`);
    const pnl = expected.pnl === undefined || expected.invested === undefined
      ? 'n/a (n/a of invested)'
      : `${inr(expected.pnl)} (${percentText(expected.pnl, expected.invested)} of invested)`;
    expect(lines).toContain(`unrealised P&L: ${pnl}`);
    expect(lines).toContain(`share of portfolio: ${percentText(expected.current, whole)} of total current value ${inr(whole)} (equity + mutual funds)`);
  }
});

test.each(SEEDS)('the allocation bars add up to the portfolio total, holdings plus cash, in rupees and in bar width (seed %i)', (seed) => {
  const generated = generate(seed);
  const cashPaise = BigInt(1 + (seed % 9_999_999));
  const display = allocationBars({
    now: NOW,
    holdings: readHoldings(generated.holdingsText),
    funds: { ok: true, value: readFundHoldings(generated.fundsText) },
    positions: { ok: false, reason: 'not part of this test' },
    margins: { ok: true, value: { cash: parseDecimal(literal(cashPaise, 2)), net: undefined, used: undefined } },
  });
  if (display === undefined) throw new Error('no allocation for a portfolio with holdings');
  const entries = [...generated.holdings.map(expectedHolding), ...generated.funds.map(expectedFund)];
  const whole = total(entries.map((entry) => entry.current)) + cashPaise * 100_000n;
  const at7 = (value: Decimal) => value.units * 10n ** BigInt(7 - value.scale); // every figure here has scale ≤ 7
  expect(at7(display.total)).toBe(whole);
  expect(display.title).toBe(`Where the money is: ${inr(whole)} incl. cash ${inr(cashPaise * 100_000n)}`);
  for (const section of display.sections) expect(total(section.rows.map((row) => at7(row.value)))).toBe(whole);
  const ordered = [...entries].sort((left, right) =>
    left.current === right.current ? (left.key < right.key ? -1 : 1) : left.current < right.current ? 1 : -1);
  const byHolding = display.sections[1]?.rows ?? [];
  expect(byHolding.map((row) => row.label)).toEqual([
    ...ordered.slice(0, 10).map((entry) => entry.key), `others (${entries.length - 10} holdings)`, 'Cash',
  ]);

  // Drawn: in each section the bars' eighths of a cell fill the bar width exactly, and each row shows its value.
  const lines = drawAllocation(display, { columns: 100, color: false });
  const labelWidth = Math.max(...display.sections.flatMap((section) => section.rows.map((row) => row.label.length)));
  const shareWidth = Math.max(...lines.map((line) => / (\d+\.\d\d%) /.exec(line)?.[1]?.length ?? 0));
  for (const section of display.sections) {
    const start = lines.indexOf(section.title) + 1;
    const rows = lines.slice(start, start + section.rows.length);
    const barWidth = (rows[0]?.indexOf('%') ?? 0) - (2 + labelWidth + 2) - 2 - shareWidth + 1;
    const eighths = rows.join('').match(/[█▏▎▍▌▋▊▉]/g)?.reduce((sum, block) => sum + ('▏▎▍▌▋▊▉█'.indexOf(block) + 1), 0);
    expect(barWidth).toBeGreaterThan(10);
    expect(eighths).toBe(barWidth * 8);
    rows.forEach((line, index) => expect(line.endsWith(inr(at7(section.rows[index]?.value ?? parseDecimal('0'))))).toBe(true));
  }
});
