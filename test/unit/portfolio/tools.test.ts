// The local tools (src/portfolio/tools.ts) with an in-test `read` that answers like the Kite MCP server: the fixtures'
// data as JSON text, the login-first text, a generic failure, or a thrown transport error. Checks which server tools
// they read and how, what a failed part does to the answer, and that the answer carries the computed figures.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { LOCAL_TOOLS } from '../../../src/portfolio/tools.js';
import type { LocalTool } from '../../../src/tools/local-tool.js';
import type { ReadTool } from '../../../src/tools/tool.js';
import { toOpenAITools } from '../../../src/tools/schema.js';
import { KITE_MOCKS } from '../../support/kite-fixtures.js';

const MOCKS = KITE_MOCKS;
const PLEASE_LOG_IN = 'Please log in first using the login tool';
/** 2025-08-06 09:34:05 UTC is 15:04:05 IST. */
const NOW = new Date('2025-08-06T09:34:05Z');

function mockData(name: string): unknown {
  return (JSON.parse(readFileSync(new URL(`${name}.json`, MOCKS), 'utf8')) as { data: unknown }).data;
}

const POSITIONS = mockData('positions') as { day: unknown[]; net: unknown[] };
/** What the server's read tools answer, as text (SERVER.md §3: positions flattened day-then-net). */
const SERVER_TEXTS: Record<string, string> = {
  get_holdings: JSON.stringify(mockData('holdings')),
  get_mf_holdings: JSON.stringify(mockData('mf_holdings')),
  get_positions: JSON.stringify([...POSITIONS.day, ...POSITIONS.net]),
  get_margins: JSON.stringify(mockData('margins')),
};

type Answer = { text: string; isError: boolean } | Error;

/** A read that records its calls and answers from the fixtures unless a tool's answer is overridden. */
function fakeRead(overrides: Record<string, Answer> = {}): { read: ReadTool; calls: { name: string; args: Record<string, unknown> }[] } {
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  const read: ReadTool = async (name, args) => {
    calls.push({ name, args });
    const answer = overrides[name] ?? { text: SERVER_TEXTS[name] ?? `tool '${name}' not found`, isError: !(name in SERVER_TEXTS) };
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { read, calls };
}

function tool(name: string): LocalTool {
  const found = LOCAL_TOOLS.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no local tool ${name}`);
  return found;
}

function run(name: string, args: Record<string, unknown>, read: ReadTool, signal = new AbortController().signal) {
  return tool(name).run(args, read, signal, NOW);
}

/** The lines of an answer with computed figures, after checking it is no error and opens with `heading` and the notice. */
function figureLines(result: { text: string; isError: boolean }, heading: string): string[] {
  expect(result.isError).toBe(false);
  const lines = result.text.split('\n');
  expect(lines[0]).toBe(`${heading}. Figures computed by kite-chat; quote them rather than recomputing.`);
  return lines;
}

describe('the catalog', () => {
  test('offers portfolio_summary, holding_detail and price_chart', () => {
    expect(LOCAL_TOOLS.map((local) => local.name)).toEqual(['portfolio_summary', 'holding_detail', 'price_chart']);
  });

  test('each converts to an OpenAI function under its own name with its schema', () => {
    const entries = toOpenAITools(LOCAL_TOOLS);
    expect(entries.map((entry) => entry.definition.function.name)).toEqual(['portfolio_summary', 'holding_detail', 'price_chart']);
    expect(entries[1]?.inputSchema).toMatchObject({ required: ['symbol'], properties: { symbol: { type: 'string' } } });
    expect(entries[2]?.inputSchema).toMatchObject({ required: ['instrument'], properties: { interval: { enum: expect.arrayContaining(['day', 'minute']) } } });
    for (const local of LOCAL_TOOLS) expect(local.description.length).toBeLessThanOrEqual(1024);
  });
});

describe('portfolio_summary', () => {
  test('reads holdings, funds, positions and margins without a limit, so whole lists come back', async () => {
    const { read, calls } = fakeRead();
    await run('portfolio_summary', {}, read);
    expect(calls).toEqual([
      { name: 'get_holdings', args: {} },
      { name: 'get_mf_holdings', args: {} },
      { name: 'get_positions', args: {} },
      { name: 'get_margins', args: {} },
    ]);
  });

  test('starts all four reads before any of them answers', async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read: ReadTool = async (name) => {
      started.push(name);
      await gate;
      return { text: SERVER_TEXTS[name] ?? 'null', isError: false };
    };
    const pending = run('portfolio_summary', {}, read);
    await Promise.resolve();
    expect(started).toHaveLength(4);
    release();
    expect((await pending).isError).toBe(false);
  });

  test('answers with the computed figures and the notice to quote them', async () => {
    const lines = figureLines(await run('portfolio_summary', {}, fakeRead().read), 'Portfolio summary');
    expect(lines).toContain('as of: 2025-08-06 15:04:05 IST');
    // 12989.5 + 62497.136658092 = 75486.636658092; 12552.15 + 61230.8249556 = 73782.9749556; P&L −1703.661702492
    //   → −1703.661702492 / 75486.636658092 = −0.0225690… → −2.26%
    expect(lines).toContain('| total | 5 | ₹75,486.64 | ₹73,782.97 | -₹1,703.66 | -2.26% |');
    expect(lines).toContain('available cash: ₹2,45,431.60');
    expect(lines).toContain('day positions: 3, P&L -₹95.00'); // −93 + 0 − 2
  });

  test('hands the person the allocation as bars beside the text, never inside it', async () => {
    const result = await run('portfolio_summary', {}, fakeRead().read);
    expect(result.display?.kind).toBe('allocation');
    if (result.display?.kind !== 'allocation') return;
    // 12552.15 (equity) + 61230.8249556 (funds) + 245431.6 (available cash) = 319214.5749556
    expect(result.display.title).toBe('Where the money is: ₹3,19,214.57 incl. cash ₹2,45,431.60');
    expect(result.display.sections.map((section) => section.rows.map((row) => row.label))).toEqual([
      ['Equity', 'Mutual funds', 'Cash'],
      // Largest current value first (every holding fits in the ten), then the cash.
      ['MF: INVESCO INDIA TAX PLAN - DIRECT PLAN', 'MF: BOI AXA TAX ADVANTAGE FUND - DIRECT PLAN', 'BSE:SBIN', 'MF: Indiabulls Liquid Fund - Direct Plan', 'NSE:AARON', 'Cash'],
    ]);
    expect(result.text).not.toContain('Where the money is');
  });

  test('passes the login-first text back unchanged as an error, so the caller logs the user in', async () => {
    const loggedOut = { text: PLEASE_LOG_IN, isError: true };
    const { read } = fakeRead({ get_holdings: loggedOut, get_mf_holdings: loggedOut, get_positions: loggedOut, get_margins: loggedOut });
    expect(await run('portfolio_summary', {}, read)).toEqual({ text: PLEASE_LOG_IN, isError: true });
  });

  test("returns the holdings read's own failure text even when another read said something else", async () => {
    const { read } = fakeRead({
      get_holdings: { text: 'Failed to execute get_holdings', isError: true },
      get_margins: { text: PLEASE_LOG_IN, isError: true },
    });
    expect(await run('portfolio_summary', {}, read)).toEqual({ text: 'Failed to execute get_holdings', isError: true });
  });

  test('a failed optional part is named as missing and the rest is still computed', async () => {
    const { read } = fakeRead({
      get_mf_holdings: { text: 'Failed to execute get_mf_holdings', isError: true },
      get_margins: new Error('Tool call timed out after 30 s'),
    });
    const result = await run('portfolio_summary', {}, read);
    expect(result.isError).toBe(false);
    const lines = result.text.split('\n');
    expect(lines).toContain('MISSING: mutual-fund holdings (get_mf_holdings) could not be loaded: the server said "Failed to execute get_mf_holdings"');
    expect(lines).toContain('MISSING: cash and margin (get_margins) could not be loaded: the call failed (Tool call timed out after 30 s)');
    expect(lines).toContain('| total (equity only) | 2 | ₹12,989.50 | ₹12,552.15 | -₹437.35 | -3.37% |');
    expect(lines.some((line) => line.startsWith('available cash:'))).toBe(false);
  });

  test('an optional part the server answered with unreadable text is named as missing', async () => {
    const { read } = fakeRead({ get_positions: { text: '<html>502 Bad Gateway</html>', isError: false } });
    const result = await run('portfolio_summary', {}, read);
    expect(result.text).toMatch(/^MISSING: positions \(get_positions\) could not be loaded: its answer could not be read \(Invalid JSON at position 0/m);
  });

  test('holdings the server sent as unreadable text end in an error, with no figures', async () => {
    const { read } = fakeRead({ get_holdings: { text: 'Service Unavailable', isError: false } });
    const result = await run('portfolio_summary', {}, read);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^get_holdings answered with something kite-chat could not read .*no figures were computed/);
  });

  test('an amount too large to be real money ends in a tool error instead of a crashed turn', async () => {
    const absurd = JSON.stringify([{ tradingsymbol: 'HUGE', exchange: 'NSE', quantity: 1, average_price: 1, last_price: 1e16 }]);
    const result = await run('portfolio_summary', {}, fakeRead({ get_holdings: { text: absurd, isError: false } }).read);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^kite-chat could not compute these figures \(Cannot format /);
  });

  test('a thrown holdings read is thrown on, for the caller to report as a failed call', async () => {
    const failure = new Error('connection reset');
    await expect(run('portfolio_summary', {}, fakeRead({ get_holdings: failure }).read)).rejects.toBe(failure);
  });

  test('accepts the paginated {data, pagination} shape from a server that pages anyway', async () => {
    const page = (name: string) => ({ text: `{"data":${SERVER_TEXTS[name]},"pagination":{"from":0,"limit":50,"total":2,"has_more":false,"returned":2}}`, isError: false });
    const { read } = fakeRead({ get_holdings: page('get_holdings'), get_mf_holdings: page('get_mf_holdings') });
    expect((await run('portfolio_summary', {}, read)).text).toContain('| total | 5 | ₹75,486.64 | ₹73,782.97 | -₹1,703.66 | -2.26% |');
  });

  test('stops with the abort reason when the turn is cancelled during the reads', async () => {
    const controller = new AbortController();
    const read: ReadTool = async (name) => {
      controller.abort(new Error('cancelled by the user'));
      return { text: SERVER_TEXTS[name] ?? 'null', isError: false };
    };
    await expect(run('portfolio_summary', {}, read, controller.signal)).rejects.toThrow('cancelled by the user');
  });
});

describe('holding_detail', () => {
  test('reads holdings and funds only, and describes the holding asked for', async () => {
    const { read, calls } = fakeRead();
    const result = await run('holding_detail', { symbol: 'BSE:SBIN' }, read);
    expect(calls.map((call) => call.name)).toEqual(['get_holdings', 'get_mf_holdings']);
    const lines = figureLines(result, 'Holding detail for BSE:SBIN');
    // 16 × 762.45 = 12199.2 now, 16 × 801.78125 = 12828.5 invested: −629.3; −629.3 / 12828.5 = −0.0490548… → −4.91%
    expect(lines).toContain('unrealised P&L: -₹629.30 (-4.91% of invested)');
    // (762.45 − 766.4) × 16 = −63.2; 766.4 × 16 = 12262.4; −63.2 / 12262.4 = −0.0051539… → −0.52%
    expect(lines).toContain("today's change: -₹63.20 (-0.52% of previous close value ₹12,262.40)");
    // 12199.2 / 73782.9749556 = 0.1653389… → 16.53%
    expect(lines).toContain('share of portfolio: 16.53% of total current value ₹73,782.97 (equity + mutual funds)');
  });

  test('a symbol that is not held gets a not-found answer, not an error', async () => {
    const result = await run('holding_detail', { symbol: 'NSE:INFY' }, fakeRead().read);
    expect(result.isError).toBe(false);
    expect(result.text).toMatch(/^NOT FOUND: no holding matches "NSE:INFY"/);
  });

  test('still answers from holdings when the funds cannot be read, and says the share leaves them out', async () => {
    const { read } = fakeRead({ get_mf_holdings: { text: 'Failed to execute get_mf_holdings', isError: true } });
    const lines = (await run('holding_detail', { symbol: 'SBIN' }, read)).text.split('\n');
    expect(lines).toContain('MISSING: mutual-fund holdings (get_mf_holdings) could not be loaded: the server said "Failed to execute get_mf_holdings"');
    // 12199.2 / 12552.15 = 0.9718812… → 97.19%
    expect(lines).toContain('share of portfolio: 97.19% of total current value ₹12,552.15 (equity only; mutual funds not loaded)');
  });

  test('passes the login-first text back unchanged', async () => {
    const { read } = fakeRead({ get_holdings: { text: PLEASE_LOG_IN, isError: true } });
    expect(await run('holding_detail', { symbol: 'INFY' }, read)).toEqual({ text: PLEASE_LOG_IN, isError: true });
  });

  test.each([[{}], [{ symbol: '' }], [{ symbol: 42 }], [{ symbol: '   ' }]])(
    'refuses %j without reading anything',
    async (args) => {
      const { read, calls } = fakeRead();
      const result = await run('holding_detail', args, read);
      expect(result).toEqual({ text: 'holding_detail needs a symbol, for example {"symbol": "NSE:INFY"}. Call it again with one.', isError: true });
      expect(calls).toEqual([]);
    },
  );
});
