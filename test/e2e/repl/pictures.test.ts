// What a person sees of the pictures kite-chat draws itself: in a real pseudo-terminal rendered by a terminal
// emulator, a quarter of INFY is a line chart (price axis, first and last dates, high and low marked) under the
// answer, and portfolio_summary's allocation is bars; the model's tool message holds the figures and no candles.
// Piped, with NO_COLOR, or with stdout piped and stderr a terminal, the chart never reaches stdout.
import { Writable, Readable } from 'node:stream';
import { main } from '../../../src/cli.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { showScreen, type PtySession, type Screen } from '../../support/pty-session.js';
import { completions, toolMessages } from '../../support/safety-env.js';
import type { RecordedRequest, ScriptedStep } from '../../support/scripted-openai.js';

/** Friday 2025-08-08 12:00 IST: the fake's clock, so the quarter asked for is in the past. */
const FAKE_NOW = Date.UTC(2025, 7, 8, 6, 30);
const QUARTER = { instrument: 'NSE:INFY', from: '2025-04-01', to: '2025-06-30', interval: 'day' };
const AXIS_ROW = /^ *₹[\d,]+\.\d\d [┤┼]/;

/**
 * `onFriday`: the fake Kite, logged in, its clock at FAKE_NOW; `askInRepl(steps, question, env)`: the REPL against it
 * in a 100×40 terminal, the model answering with `steps`, `question` typed at the first prompt.
 */
const test = base.extend<{
  onFriday: FakeKite;
  askInRepl: (steps: ScriptedStep[], question: string, env?: Record<string, string>) => Promise<PtySession>;
}>({
  onFriday: async ({ startKite }, use) => {
    await use(await startKite({ autoLogin: true, now: () => FAKE_NOW }));
  },
  askInRepl: async ({ onFriday, model, repl }, use) => {
    await use(async (steps, question, env = {}) => {
      model.push(...steps);
      const session = repl(['--url', onFriday.mcpUrl], { env, size: { cols: 100, rows: 40 } });
      await session.waitFor('›');
      session.type(`${question}\r`);
      return session;
    });
  },
});

/** The model quotes the change line of the figures it was given, as a model told to quote them would. */
function quoteTheChange(request: RecordedRequest) {
  const figures = toolMessages(request).at(-1)?.content ?? '';
  return { text: `INFY over the quarter: ${/^change: (.*)$/m.exec(figures)?.[1] ?? 'no change line'}.` };
}

/** The model asks for the quarter's chart, then quotes the change it was given. */
const CHART_THE_QUARTER: ScriptedStep[] = [{ toolCalls: [{ name: 'price_chart', arguments: QUARTER }] }, quoteTheChange];

function axisRows(screen: Screen): string[] {
  return screen.lines.filter((line) => AXIS_ROW.test(line));
}

test('a quarter of INFY is drawn as a chart under the answer, and the model reads figures, not candles', async ({ askInRepl, model }) => {
  const repl = await askInRepl(CHART_THE_QUARTER, 'How has INFY moved this quarter?');

  const screen = await repl.waitForScreen(
    (shown) => axisRows(shown).length >= 8 && shown.lines.some((line) => line.includes('▲ high')),
    'a price chart of at least 8 rows',
  );
  const rows = axisRows(screen);
  expect(rows.length, showScreen(screen)).toBeGreaterThanOrEqual(8);
  expect(screen.lines).toContainEqual(expect.stringMatching(/^ +2025-04-01 +2025-06-30$/));
  expect(screen.lines).toContainEqual(expect.stringMatching(/^NSE:INFY · day · 2025-04-01 → 2025-06-30 · ₹[\d,.]+ → ₹[\d,.]+ \(-?\d+\.\d\d%\)$/));
  expect(screen.lines).toContainEqual(expect.stringMatching(/▲ high ₹[\d,.]+ on 2025-\d\d-\d\d · ▼ low ₹[\d,.]+ on 2025-\d\d-\d\d$/));
  expect(rows.join('')).toMatch(/▲/);
  expect(rows.join('')).toMatch(/▼/);
  for (const line of [...rows, screen.lines.find((line) => line.includes('▲ high')) ?? '']) expect(line.length).toBeLessThan(100);
  // The chart comes after the answer.
  const answerRow = screen.lines.findIndex((line) => line.startsWith('INFY over the quarter: '));
  expect(answerRow).toBeGreaterThanOrEqual(0);
  expect(answerRow).toBeLessThan(screen.lines.findIndex((line) => AXIS_ROW.test(line)));

  const toolMessage = toolMessages(completions(model.requests)[1]).at(-1);
  expect(toolMessage?.name).toBe('price_chart');
  expect(toolMessage?.content).toMatch(/^candles: 65$/m);
  expect(toolMessage?.content).toMatch(/^first close: ₹[\d,.]+ on 2025-04-01$/m);
  expect(toolMessage?.content).toMatch(/^change: -?₹[\d,.]+ \(-?\d+\.\d\d%\)$/m);
  expect(toolMessage?.content).not.toMatch(/"close"|"open"|T00:00:00/); // no candle list
  expect(new Set(toolMessage?.content.match(/\d{4}-\d\d-\d\d/g)).size).toBeLessThanOrEqual(6);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('portfolio_summary\'s allocation is drawn as bars under the answer, adding up to holdings plus cash', async ({ askInRepl }) => {
  const repl = await askInRepl([{ toolCalls: [{ name: 'portfolio_summary', arguments: {} }] }, { text: 'Most of it is in mutual funds.' }], 'Where is my money?');
  const screen = await repl.waitForScreen((shown) => shown.lines.some((line) => line.startsWith('  Cash ')), 'allocation bars');
  const title = screen.lines.findIndex((line) => line === 'Where the money is: ₹3,19,214.57 incl. cash ₹2,45,431.60');
  expect(title, showScreen(screen)).toBeGreaterThan(screen.lines.findIndex((line) => line === 'Most of it is in mutual funds.'));
  expect(screen.lines[title + 1]).toBe('By part');
  // 12,552.15 + 61,230.8249556 + 2,45,431.60 = 3,19,214.5749556: 3.93% + 19.18% + 76.89% = 100%.
  expect(screen.lines[title + 2]).toMatch(/^ {2}Equity +[█▏▎▍▌▋▊▉]+ +3\.93% +₹12,552\.15$/);
  expect(screen.lines[title + 3]).toMatch(/^ {2}Mutual funds +[█▏▎▍▌▋▊▉]+ +19\.18% +₹61,230\.82$/);
  expect(screen.lines[title + 4]).toMatch(/^ {2}Cash +[█▏▎▍▌▋▊▉]+ +76\.89% +₹2,45,431\.60$/);
  expect(screen.lines[title + 5]).toBe('By holding (largest 10)');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('with NO_COLOR the terminal gets the answer and no chart', async ({ askInRepl }) => {
  const repl = await askInRepl(CHART_THE_QUARTER, 'How has INFY moved this quarter?', { NO_COLOR: '1' });
  await repl.waitFor(/INFY over the quarter: -?₹[\d,.]+ \(-?\d+\.\d\d%\)\.\n(.|\n)*›/);
  expect(repl.text()).not.toMatch(/[┤┼▲▼]/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('piped --ask prints the answer alone on stdout and no chart anywhere', async ({ onFriday, model, cli }) => {
  model.push(...CHART_THE_QUARTER);
  const run = await cli(['--ask', 'How has INFY moved this quarter?', '--url', onFriday.mcpUrl]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^INFY over the quarter: -?₹[\d,.]+ \(-?\d+\.\d\d%\)\.\n$/);
  expect(run.stderr).toMatch(/✓ price_chart/);
  expect(run.stderr).not.toMatch(/[┤┼▲▼]/);
});

test('--ask with stdout piped and stderr a terminal draws the chart on stderr only', async ({ onFriday, model, env, home }) => {
  model.push(...CHART_THE_QUARTER);
  const stdout = capture(false);
  const stderr = capture(true);
  const code = await main(['--ask', 'How has INFY moved this quarter?', '--url', onFriday.mcpUrl], env, {
    stdin: Readable.from([]), stdout, stderr, cwd: process.cwd(), homeDir: home, platform: process.platform, uid: process.getuid?.(),
    onInterrupt: () => () => {},
  });
  expect(code).toBe(0);
  expect(stdout.text()).toMatch(/^INFY over the quarter: -?₹[\d,.]+ \(-?\d+\.\d\d%\)\.\n$/);
  const errors = stderr.text();
  expect(errors.split('\n').filter((line) => AXIS_ROW.test(line.replace(/\u001b\[[\d;]*m/g, ''))).length).toBeGreaterThanOrEqual(8);
  expect(errors).toContain('2025-04-01');
});

function capture(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 100, text: () => chunks.join('') });
}
