// The live status line and tool summaries (src/terminal/status-line.ts) over an injected clock and writer: spinner,
// waiting for the model, pause for a question, one-line summaries.
import { test, expect } from 'vitest';
import { displayWidth } from '../../../src/terminal/display-width.js';
import { createStatusLine, toolSummary, type StatusLineDependencies } from '../../../src/terminal/status-line.js';

const ERASE = '\r\u001b[2K';

/** A status line on a fake clock whose interval fires only when the test advances time. */
function harness(overrides: Partial<StatusLineDependencies> = {}) {
  let time = 10_000;
  let tick: (() => void) | undefined;
  let intervalsStarted = 0;
  let intervalsCleared = 0;
  const writes: string[] = [];
  const fakeSetInterval = ((callback: () => void) => {
    tick = callback;
    intervalsStarted += 1;
    return { unref() {} };
  }) as unknown as typeof setInterval;
  const fakeClearInterval = (() => {
    tick = undefined;
    intervalsCleared += 1;
  }) as unknown as typeof clearInterval;
  const status = createStatusLine({
    write: (text) => writes.push(text),
    now: () => time,
    setInterval: fakeSetInterval,
    clearInterval: fakeClearInterval,
    enabled: true,
    color: false,
    ...overrides,
  });
  return {
    status,
    writes,
    /** Moves the clock on in interval steps of 100 ms, firing the interval at each step while it runs. */
    advance(milliseconds: number) {
      for (let elapsed = 0; elapsed < milliseconds; elapsed += 100) {
        time += 100;
        tick?.();
      }
    },
    get ticking() {
      return tick !== undefined;
    },
    get intervalsStarted() {
      return intervalsStarted;
    },
    get intervalsCleared() {
      return intervalsCleared;
    },
    get last() {
      return writes.at(-1);
    },
  };
}

test('a started tool is drawn at once with the first spinner frame and no time elapsed', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'get_holdings');
  expect(line.writes).toEqual([`${ERASE}⠋ get_holdings · 0.0 s`]);
  expect(line.ticking).toBe(true);
});

test('the spinner moves on each tick and shows every running tool with the elapsed seconds', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'get_holdings');
  line.advance(100);
  expect(line.last).toBe(`${ERASE}⠙ get_holdings · 0.1 s`);
  line.status.toolStarted('call-2', 'get_positions');
  line.advance(2000);
  expect(line.last).toBe(`${ERASE}⠙ get_holdings, get_positions · 2.1 s`);
});

test('a tool that ends leaves the others on the line; the last one ends with the line erased and the interval stopped', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'get_holdings');
  line.status.toolStarted('call-2', 'get_positions');
  line.status.toolEnded('call-1');
  expect(line.last).toBe(`${ERASE}⠋ get_positions · 0.0 s`);
  line.status.toolEnded('call-2');
  expect(line.last).toBe(ERASE);
  expect(line.ticking).toBe(false);
  expect(line.intervalsCleared).toBe(1);
});

test('the wait for the model is shown only once a second has passed without a token', () => {
  const line = harness();
  line.status.waitingForModel();
  line.advance(900);
  expect(line.writes).toEqual([]);
  line.advance(100);
  expect(line.writes).toEqual([`${ERASE}⠋ waiting for the model… · 1.0 s`]);
  line.advance(500);
  expect(line.last).toBe(`${ERASE}⠴ waiting for the model… · 1.5 s`);
});

test('a first token before the second is up cancels the wait without writing anything', () => {
  const line = harness();
  line.status.waitingForModel();
  line.advance(800);
  line.status.modelStarted();
  line.advance(3000);
  expect(line.writes).toEqual([]);
  expect(line.ticking).toBe(false);
});

test('a first token after the wait was shown erases it', () => {
  const line = harness();
  line.status.waitingForModel();
  line.advance(1200);
  line.status.modelStarted();
  expect(line.last).toBe(ERASE);
  expect(line.ticking).toBe(false);
});

test('clear erases a shown line once, and the next tick draws it again', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'get_margins');
  line.status.clear();
  line.status.clear();
  expect(line.writes).toEqual([`${ERASE}⠋ get_margins · 0.0 s`, ERASE]);
  line.advance(100);
  expect(line.last).toBe(`${ERASE}⠙ get_margins · 0.1 s`);
});

test('clear writes nothing when no line is shown', () => {
  const line = harness();
  line.status.clear();
  line.status.waitingForModel();
  line.status.clear();
  expect(line.writes).toEqual([]);
});

test('stop erases the line, forgets the tools and stops the interval', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'get_holdings');
  line.status.waitingForModel();
  line.status.stop();
  expect(line.last).toBe(ERASE);
  expect(line.ticking).toBe(false);
  line.advance(5000);
  expect(line.writes).toHaveLength(2);
});

test('when disabled it writes nothing at all and starts no interval', () => {
  const line = harness({ enabled: false });
  line.status.toolStarted('call-1', 'get_holdings');
  line.status.waitingForModel();
  line.advance(3000);
  line.status.toolEnded('call-1');
  line.status.modelStarted();
  line.status.clear();
  line.status.stop();
  expect(line.writes).toEqual([]);
  expect(line.intervalsStarted).toBe(0);
});

test('with colour the spinner is cyan and the text dim; without, no SGR at all', () => {
  const coloured = harness({ color: true });
  coloured.status.toolStarted('call-1', 'get_quotes');
  expect(coloured.last).toBe(`${ERASE}\u001b[36m⠋\u001b[0m \u001b[2mget_quotes · 0.0 s\u001b[0m`);
  const plain = harness();
  plain.status.toolStarted('call-1', 'get_quotes');
  expect(plain.last?.replace(ERASE, '')).not.toContain('\u001b');
});

test('a line longer than the terminal is cut so that it never wraps', () => {
  const line = harness({ columns: () => 30 });
  line.status.toolStarted('call-1', 'get_historical_data');
  line.status.toolStarted('call-2', 'get_order_trades');
  const text = (line.last ?? '').replace(ERASE, '');
  expect(text).toBe('⠋ get_historical_data, get_o…');
  expect([...text].length).toBe(29);
});

test('escape sequences in a tool name are not written to the terminal', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'evil\u001b]0;title\u0007_tool');
  expect(line.last).toBe(`${ERASE}⠋ evil_tool · 0.0 s`);
});

test('a tool summary names the tool, its short arguments, the rows of a compact table and the time', () => {
  const text = '12 rows; columns separated by "|"\ntradingsymbol|quantity\nINFY|10';
  expect(toolSummary({ name: 'get_holdings', arguments: { limit: 50 }, text, isError: false, durationMs: 140 })).toBe(
    '✓ get_holdings limit=50 · 12 rows · 140 ms',
  );
});

test.each([
  ['a paginated table', 'pagination: {"total":120}\n120 rows; columns separated by "|"\na|b', '120 rows'],
  ['one row', '1 row; columns separated by "|"\na\n1', '1 row'],
  ['an empty table', '0 rows.', '0 rows'],
  ['a JSON array', '[{"a":1},{"a":2},{"a":3}]', '3 rows'],
])('a tool summary counts the rows of %s', (_name, text, rows) => {
  expect(toolSummary({ name: 'get_orders', arguments: {}, text, isError: false, durationMs: 5 })).toBe(`✓ get_orders · ${rows} · 5 ms`);
});

test.each([
  ['a JSON object', '{"net":1234.5}'],
  ['prose', 'Market is closed. 3 rows; not a table header further down'],
  ['text that only looks like an array', '[not json'],
])('a tool summary leaves the rows out for %s', (_name, text) => {
  expect(toolSummary({ name: 'get_margins', arguments: undefined, text, isError: false, durationMs: 1500 })).toBe('✓ get_margins · 1.5 s');
});

test('a failed tool summary shows a cross and the first line of the error', () => {
  const input = { name: 'place_order', arguments: { exchange: 'NSE', quantity: 5 }, text: 'Insufficient funds\nRequired: ₹5,000', isError: true, durationMs: 12 };
  expect(toolSummary(input)).toBe('✗ place_order exchange=NSE quantity=5 · 12 ms — Insufficient funds');
});

test('given a width, as on a terminal, the summary is one screen line: the arguments give way before the error', () => {
  const order = { variety: 'regular', exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10, product: 'CNC' };
  const failed = { name: 'place_order', arguments: order, text: 'Failed to place order', isError: true, durationMs: 12 };
  expect(toolSummary(failed)).toMatch(/^✗ place_order variety=regular exchange=NSE .* · 12 ms — Failed to place order$/);
  const cut = toolSummary(failed, 79);
  expect(displayWidth(cut)).toBeLessThanOrEqual(79);
  expect(cut).toMatch(/^✗ place_order variety=regular.*… · 12 ms — Failed to place order$/);
  expect(toolSummary(failed, 45)).toBe('✗ place_order · 12 ms — Failed to place order'); // no room for arguments
  const long = { ...failed, text: 'Please log in first using the login tool. '.repeat(5) };
  expect(displayWidth(toolSummary(long, 79))).toBe(79); // an error longer than the line is cut at the end
  expect(toolSummary(failed, 200)).toBe(toolSummary(failed)); // it fits: unchanged
});

test('long argument values are cut, text with spaces is quoted and objects are JSON, all on one line', () => {
  const summary = toolSummary({
    name: 'search_instruments',
    arguments: { query: 'reliance industries limited equity', filter: { exchange: 'NSE' }, note: 'a\nb' },
    text: 'ok',
    isError: false,
    durationMs: 3,
  });
  expect(summary).toBe('✓ search_instruments query="reliance industries li… filter={"exchange":"NSE"} note="a\\nb" · 3 ms');
});

test('pause erases the line and stops the interval; time passing meanwhile writes nothing', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'place_order');
  line.status.pause();
  expect(line.last).toBe(ERASE);
  expect(line.ticking).toBe(false);
  const written = line.writes.length;
  line.advance(2000);
  line.status.toolStarted('call-2', 'get_ltp'); // tools still come and go while the question is on screen
  line.status.toolEnded('call-2');
  line.status.waitingForModel();
  expect(line.writes.length).toBe(written);
});

test('resume draws the line again with the time that passed, and the spinner runs on', () => {
  const line = harness();
  line.status.toolStarted('call-1', 'place_order');
  line.status.pause();
  line.advance(5000);
  line.status.resume();
  expect(line.last).toBe(`${ERASE}⠋ place_order · 5.0 s`);
  line.advance(100);
  expect(line.last).toBe(`${ERASE}⠙ place_order · 5.1 s`);
});

test('resume with nothing running writes nothing and starts no interval', () => {
  const line = harness();
  line.status.pause();
  line.status.resume();
  expect(line.writes).toEqual([]);
  expect(line.ticking).toBe(false);
});
