// Questions to the person, read off the screen a terminal shows (xterm.js rendering the pseudo-terminal): an order's
// confirmation is the last line with the cursor after it and nothing is drawn over it while kite-chat waits; the
// status line comes back after the answer; a logged-out turn asks for the login and then for the order, one question
// at a time; Ctrl-C at the question sends nothing; a typed confirmation never comes back with Up-arrow.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOGIN_WAIT_QUESTION } from '../../../src/login/kite-login.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { atPrompt, cancelledAtPrompt, endsWithPrompt, lastUsedRow, showScreen, type PtySession, type Screen } from '../../support/pty-session.js';
import { completions, toolMessages } from '../../support/safety-env.js';
import type { ScriptedStep } from '../../support/scripted-openai.js';

const BUY_SBIN = {
  variety: 'regular', exchange: 'NSE', tradingsymbol: 'SBIN', transaction_type: 'BUY', quantity: 10,
  product: 'CNC', order_type: 'MARKET',
};
const SBIN_QUESTION = 'Type "SBIN 10" to place this order, anything else cancels: ';
/** Long enough to look at the screen more than once while kite-chat waits; never a timing assertion. */
const WATCH_MS = 2_000;
/** The line of the REPL's prompt, with whatever was typed after it. */
const PROMPT_LINE = /^kite \(.*\) ›/;

interface Started {
  session: PtySession;
  kite: FakeKite;
  home: string;
}

/** `startTradingRepl(script, { loggedIn })`: the REPL with --trading against a fake Kite (logged in by default), at its prompt. */
const test = base.extend<{ startTradingRepl: (script: ScriptedStep[], options?: { loggedIn?: boolean }) => Promise<Started> }>({
  startTradingRepl: async ({ startKite, model, repl, home }, use) => {
    await use(async (script, options = {}) => {
      const kite = await startKite({ autoLogin: options.loggedIn ?? true, ltp: { 'NSE:SBIN': 812.35, 'NSE:INFY': 1500 } });
      model.push(...script);
      const session = repl(['--url', kite.mcpUrl, '--no-browser', '--trading']);
      await session.waitForScreen(atPrompt, 'the prompt');
      return { session, kite, home };
    });
  },
});

function placed(kite: FakeKite): Record<string, unknown>[] {
  return kite.requests.flatMap((request) => (request.tool === 'place_order' ? [request.arguments ?? {}] : []));
}

function questionOnScreen(session: PtySession, question: string): Promise<Screen> {
  return session.waitForScreen((screen) => endsWithPrompt(screen, question), `${JSON.stringify(question)} as the last line, the cursor after it`);
}

/** Every sample shows the question as the last line with the cursor after it, and no sample differs from the first. */
function expectUntouched(samples: Screen[], question: string): void {
  const [first] = samples;
  for (const sample of samples) {
    expect(endsWithPrompt(sample, question), showScreen(sample)).toBe(true);
    expect(sample).toEqual(first);
  }
}

test('the order question is the last line with the cursor after it, nothing is drawn over it, and the status line comes back after the answer', async ({ startTradingRepl }) => {
  const { session, kite } = await startTradingRepl([
    { toolCalls: [{ name: 'place_order', arguments: BUY_SBIN }] },
    { text: 'Order placed.' },
  ]);
  kite.faults.toolDelayMs['place_order'] = 1500; // so the status line has time to come back

  session.type('Buy 10 SBIN at market\r');
  const asked = await questionOnScreen(session, SBIN_QUESTION);
  // The preview is the leading sentence and nothing more, right under the question that was typed.
  const questionRow = lastUsedRow(asked);
  const typedRow = asked.lines.findLastIndex((line) => PROMPT_LINE.test(line));
  expect(asked.lines.slice(typedRow + 1, questionRow)).toEqual(['BUY 10 × NSE:SBIN at market, delivery (CNC) — about ₹8,123.50']);

  const bytesBefore = session.output().length;
  expectUntouched(await session.watchScreen(WATCH_MS), SBIN_QUESTION);
  // Not even a redraw of the same thing. Only readline's cursor placement after its prompt (a write of its own) may
  // arrive after the screen already shows the question there: the pty can hand it over in a later read (seen once).
  expect(session.output().slice(bytesBefore)).toMatch(/^(?:\u001b\[\d*G)?$/);

  session.type('SBIN 10\r');
  await session.waitForScreen((screen) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] place_order · \d+\.\d s$/.test(screen.lines[screen.cursor.row] ?? ''), 'the status line');
  await session.waitFor('Order placed.');
  expect(placed(kite)).toEqual([BUY_SBIN]);
});

test('a logged-out turn that needs a login and then an order asks for each in turn, and places the order once', async ({ startTradingRepl, model }) => {
  const buyInfy = { ...BUY_SBIN, tradingsymbol: 'INFY', quantity: 1 };
  const infyQuestion = 'Type "INFY 1" to place this order, anything else cancels: ';
  const { session, kite } = await startTradingRepl([
    // Both in one response, so they run together: the holdings need the login, and the order must wait for it.
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'place_order', arguments: buyInfy }] },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { text: 'Here are your holdings; the INFY order is placed.' },
  ], { loggedIn: false });

  session.type('Show my holdings and buy 1 INFY\r');
  await questionOnScreen(session, LOGIN_WAIT_QUESTION);
  expectUntouched(await session.watchScreen(WATCH_MS), LOGIN_WAIT_QUESTION);
  expect(session.text()).not.toContain('to place this order'); // one question at a time

  const login = kite.requests.find((request) => request.tool === 'login');
  kite.completeLogin(login?.sessionId ?? '');
  const asked = await questionOnScreen(session, infyQuestion); // the login is seen, so its question gives way
  expect(asked.lines).toContain('BUY 1 × NSE:INFY at market, delivery (CNC) — about ₹1,500.00');
  session.type('INFY 1\r');
  await session.waitFor('Here are your holdings; the INFY order is placed.');

  expect(placed(kite)).toEqual([buyInfy]);
  const results = toolMessages(completions(model.requests)[1]);
  expect(results).toEqual([
    { name: 'get_holdings', content: expect.stringMatching(/needed a Kite login.*logged in/s) },
    { name: 'place_order', content: expect.stringContaining('"order_id"') },
  ]);
});

test('Enter at the login question without logging in refuses the waiting order without asking for it', async ({ startTradingRepl, model }) => {
  const { session, kite } = await startTradingRepl([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'place_order', arguments: BUY_SBIN }] },
    { text: 'You need to log in first.' },
  ], { loggedIn: false });

  session.type('Show my holdings and buy 10 SBIN\r');
  await questionOnScreen(session, LOGIN_WAIT_QUESTION);
  session.type('\r');
  await session.waitFor('You need to log in first.');

  expect(session.text()).toContain('Kite does not show you as logged in yet.');
  expect(session.text()).not.toContain('to place this order');
  expect(placed(kite)).toEqual([]);
  const results = toolMessages(completions(model.requests)[1]);
  expect(results.find((message) => message.name === 'place_order')?.content).toMatch(/NOT DONE.*the login was not completed/s);
});

test('Ctrl-C at the order question cancels the turn, sends nothing, and leaves the prompt as the last line', async ({ startTradingRepl }) => {
  const { session, kite } = await startTradingRepl([{ toolCalls: [{ name: 'place_order', arguments: BUY_SBIN }] }]);

  session.type('Buy 10 SBIN at market\r');
  await questionOnScreen(session, SBIN_QUESTION);
  session.type('\u0003');
  await session.waitForScreen(cancelledAtPrompt, '(cancelled) and the prompt under it');
  expect(placed(kite)).toEqual([]);
});

test('a typed confirmation is kept out of the input history, so Up-arrow cannot replay it', async ({ startTradingRepl }) => {
  const { session, kite, home } = await startTradingRepl([
    { toolCalls: [{ name: 'place_order', arguments: BUY_SBIN }] },
    { text: 'First order placed.' },
    { toolCalls: [{ name: 'place_order', arguments: BUY_SBIN }] },
    { text: 'Second order placed.' },
  ]);

  session.type('Buy 10 SBIN at market\r');
  await questionOnScreen(session, SBIN_QUESTION);
  session.type('SBIN 10\r');
  await session.waitFor('First order placed.');
  session.type('Once more\r');
  await questionOnScreen(session, SBIN_QUESTION);
  session.type('\u001b[A'); // Up-arrow at the question: the last line typed at the prompt, not the confirmation
  await questionOnScreen(session, `${SBIN_QUESTION}Once more`);
  session.type('\u0015SBIN 10\r');
  await questionOnScreen(session, 'Type "AGAIN" to send this order a second time, anything else cancels: ');
  session.type('AGAIN\r');
  await session.waitFor('Second order placed.');
  expect(placed(kite)).toEqual([BUY_SBIN, BUY_SBIN]);

  session.type('\u001b[A');
  await session.waitForScreen((screen) => /^kite \(.*\) › Once more$/.test(screen.lines[screen.cursor.row] ?? ''), 'the last question recalled');
  session.type('\u0015/exit\r');
  expect(await session.exit).toBe(0);
  const saved = JSON.parse(await readFile(join(home, 'history.json'), 'utf8')) as string[];
  expect(saved).toEqual(['/exit', 'Once more', 'Buy 10 SBIN at market']);
});
