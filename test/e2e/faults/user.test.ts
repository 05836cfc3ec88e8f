// What a person at the keyboard does to a running kite-chat, in a real pseudo-terminal (and --ask as a script
// would be interrupted): Ctrl-C while the answer streams, during a tool call, during the login wait, and twice in a
// row; Ctrl-D; a pasted multi-line question; a 100 KB question. None of it may end in a stack trace or a hang.
import { MAX_QUESTION_CHARS } from '../../../src/agent/history-budget.js';
import { ENABLE_BRACKETED_PASTE } from '../../../src/terminal/paste-input.js';
import { test as base, expect } from '../../support/fixtures.js';
import { LOGIN_WAIT_QUESTION } from '../../../src/login/kite-login.js';
import { cancelledAtPrompt, endsWithPrompt } from '../../support/pty-session.js';
import { closedOrigin, completions, exitWithin, nonEmptyLines, replWith, sentToModel, STACK_LINE, type ReplWith } from '../../support/faults-harness.js';

/** What the screen shows when a turn is cancelled: "(cancelled)", then the next prompt as the last line. */
const CANCELLED = '(cancelled) and the prompt under it';
/** The size the brief names: over four times the question limit, yet under Linux's 128 KB limit on one argument. */
const HUNDRED_KB = 100 * 1024;

const test = base.extend<{ replWith: ReplWith }>({ replWith });

test('Ctrl-C while the answer streams stops it; the half answer is not kept and the next question works', async ({ replWith }) => {
  // On a terminal the answer is rendered a line at a time, so the first line is what shows while the rest streams.
  const { session, fakeModel } = await replWith([{ streamThenStall: 'The first half of an answer.\nAnd the sec' }, { text: 'A fresh answer.' }]);

  session.type('Tell me everything\r');
  await session.waitFor('The first half of an answer.');
  session.type('\u0003');
  await session.waitForScreen(cancelledAtPrompt, CANCELLED);
  session.type('Again?\r');
  await session.waitFor('A fresh answer.');
  expect(sentToModel(fakeModel, 1)).not.toContain('The first half');
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('Ctrl-C during a tool call in --ask exits 130 with one line', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.hangTools.add('get_holdings');
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] });

  const run = await cli(['--ask', 'Holdings?', '--url', kite.mcpUrl], { interruptWhen: /get_holdings/, killAfterMs: 15_000 });

  expect(run.code).toBe(130);
  expect(nonEmptyLines(run.stderr).at(-1)).toBe('Interrupted.');
  expect(run.stderr).not.toMatch(STACK_LINE);
});

test('Ctrl-C during the login wait cancels the turn and the REPL goes on', async ({ replWith }) => {
  const { session } = await replWith([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }, { text: 'Still here.' }], { autoLogin: false });

  session.type('Holdings?\r');
  await session.waitFor(/\/authorize\?session_id=kitemcp-/);
  await session.waitForScreen((screen) => endsWithPrompt(screen, LOGIN_WAIT_QUESTION), 'the login question as the last line');
  session.type('\u0003');
  await session.waitForScreen(cancelledAtPrompt, CANCELLED);
  session.type('Hello?\r');
  await session.waitFor('Still here.');
  expect(session.text()).not.toMatch(STACK_LINE);
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('Ctrl-C during the login wait in --ask exits 130 with one line', async ({ kite, model, cli }) => {
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] });

  const run = await cli(['--ask', 'Holdings?', '--url', kite.mcpUrl, '--no-browser'], { interruptWhen: /\/authorize\?session_id=/, killAfterMs: 15_000 });

  expect(run.code).toBe(130);
  expect(nonEmptyLines(run.stderr).at(-1)).toBe('Interrupted.');
});

test('Ctrl-C twice in a row: the first cancels the tool call, the second leaves', async ({ replWith }) => {
  const { session, fake } = await replWith([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }]);
  fake.faults.hangTools.add('get_holdings');

  await session.say('Holdings?', /get_holdings · \d+\.\d s/);
  session.type('\u0003');
  await session.waitForScreen(cancelledAtPrompt, CANCELLED);
  session.type('\u0003');
  expect(await exitWithin(session)).toBe(0);
  expect(session.text()).not.toMatch(STACK_LINE);
});

test('Ctrl-D at the prompt leaves with code 0', async ({ replWith }) => {
  const { session } = await replWith([]);

  session.type('\u0004');
  expect(await exitWithin(session)).toBe(0);
});

test('Ctrl-D while a tool call hangs leaves at once with code 0', async ({ replWith }) => {
  const { session, fake } = await replWith([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }]);
  fake.faults.hangTools.add('get_holdings');

  await session.say('Holdings?', /get_holdings · \d+\.\d s/);
  session.type('\u0004');
  expect(await exitWithin(session)).toBe(0);
  expect(session.text()).not.toMatch(STACK_LINE);
});

test('a pasted multi-line question is sent as one question, not one turn per line', async ({ replWith }) => {
  const { session, fakeModel } = await replWith([{ text: 'One answer for the whole paste.' }, { text: 'Unexpected second turn.' }]);

  // The REPL asks the terminal to wrap pastes in ESC[200~ … ESC[201~, and the terminal does so from then on.
  expect(session.output(), 'the REPL does not turn on bracketed paste: is terminal/paste-input.ts wired into commands/repl.ts? (TESTING.md)')
    .toContain(ENABLE_BRACKETED_PASTE);
  session.type('\u001b[200~Compare these:\rNSE:INFY\rNSE:TCS\u001b[201~\r');
  await session.waitFor('One answer for the whole paste.');
  await session.waitFor(/›\s*$/);

  expect(completions(fakeModel)).toHaveLength(1);
  const question = completions(fakeModel)[0]?.body?.messages?.at(-1);
  expect(question).toEqual({ role: 'user', content: 'Compare these:\nNSE:INFY\nNSE:TCS' });
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test(`a 100 KB question in --ask is refused with one line naming the limit (${MAX_QUESTION_CHARS} characters), exit 2`, async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });

  const run = await cli(['--ask', 'x'.repeat(HUNDRED_KB), '--url', kite.mcpUrl], { killAfterMs: 15_000 });

  expect(run.code).toBe(2);
  expect(nonEmptyLines(run.stderr)).toEqual([
    `kite-chat: The question is 102,400 characters long; kite-chat sends at most ${MAX_QUESTION_CHARS.toLocaleString('en-US')} (about 8,000 tokens). Shorten it, or ask about a part at a time.`,
  ]);
  expect(completions(model)).toHaveLength(0);
  expect(kite.requests).toEqual([]); // refused before connecting
});

test('a 100 KB question in --ask is refused with exit 2 even when the MCP server is down', async ({ cli }) => {
  const run = await cli(['--ask', 'x'.repeat(HUNDRED_KB), '--url', `${await closedOrigin()}/mcp`]);

  expect(run.code).toBe(2);
  expect(nonEmptyLines(run.stderr)).toEqual([expect.stringMatching(/^kite-chat: The question is 102,400 characters long;/)]);
});

test('a 100 KB question pasted into the REPL is refused with one line, and the session goes on', async ({ replWith }) => {
  const { session, fakeModel } = await replWith([{ text: 'Short questions work.' }]);

  session.type(`\u001b[200~${'y'.repeat(HUNDRED_KB)}\u001b[201~\r`);
  await session.waitFor(/The question is 102,400 characters long.*\n.*›/);
  session.type('Short one?\r');
  await session.waitFor('Short questions work.');
  expect(completions(fakeModel)).toHaveLength(1);
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});
