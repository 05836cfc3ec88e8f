// The REPL in a real pseudo-terminal says what a person could not otherwise tell: an answer that read nothing from
// Kite ("answered without looking anything up"), an answer cut off at the output limit, and the tokens a failed or
// cancelled turn still cost in /usage (counted with the tokenizer when the server sent none, and said to be an estimate).
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countPromptTokens } from '../../../bench/token-count.js';
import { completions, exitWithin, replWith, type ReplWith } from '../../support/faults-harness.js';
import { test as base, expect } from '../../support/fixtures.js';
import { cancelledAtPrompt, type PtySession } from '../../support/pty-session.js';

const NO_TOOL_LINE = '(answered without looking anything up)';

const test = base.extend<{ replWith: ReplWith }>({ replWith });

/** Types a line and waits for the next prompt; returns what the screen showed in between. */
async function turn(screen: PtySession, line: string): Promise<string> {
  const before = screen.text().length;
  screen.type(`${line}\r`);
  await screen.waitFor(/\n[^\n]*kite \([^)]*\) › $/, { after: before + line.length });
  return screen.text().slice(before);
}

test('an answer that used no tool gets one line saying so; an answer from Kite data does not', async ({ replWith }) => {
  const { session: screen } = await replWith([
    { text: 'Hello! Ask me about your account.' },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { text: 'You hold AARON.' },
  ]);

  const greeting = await turn(screen, 'Hi');
  expect(greeting).toContain('Hello! Ask me about your account.');
  expect(greeting.split('\n').filter((line) => line.includes(NO_TOOL_LINE))).toEqual([NO_TOOL_LINE]);

  const holdings = await turn(screen, 'What do I hold?');
  expect(holdings).toContain('You hold AARON.');
  expect(holdings).not.toContain(NO_TOOL_LINE);
  screen.type('/exit\r');
  expect(await exitWithin(screen)).toBe(0);
});

test('an answer cut off at the output limit is shown with a line saying so and how to raise the limit', async ({ replWith }) => {
  const { session: screen } = await replWith([{ text: 'Your holdings are AARON and', finishReason: 'length' }]);

  const shown = await turn(screen, 'What do I hold?');

  expect(shown).toContain('Your holdings are AARON and');
  expect(shown).toMatch(/the answer was cut off at the model's output limit: kite-chat asks for at most 8192 tokens; raise that with --max-output-tokens/);
  expect(shown).not.toContain(NO_TOOL_LINE);
});

test('a turn that fails after the server read the prompt still counts its tokens in /usage, said to be estimated', async ({ replWith, model }) => {
  const { session: screen } = await replWith([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }], usage: { promptTokens: 500, completionTokens: 20 } },
    { streamThenDrop: 'Your holdings are worth PARTIAL' },
    { text: 'Second answer.', usage: { promptTokens: 100, completionTokens: 10 } },
  ]);

  const failed = await turn(screen, 'What are my holdings worth?');
  expect(failed).toMatch(/stopped in the middle of its answer/);
  // What the failed request cost, counted the way kite-chat counts it: its prompt, and the text that had arrived.
  const estimatedIn = countPromptTokens(completions(model)[1]?.body ?? {}).rendered;
  const estimatedOut = countTokens('Your holdings are worth PARTIAL');
  expect(estimatedIn).toBeGreaterThan(1000); // the system prompt and Kite's tools: a real prompt, not a token or two

  const usage = await turn(screen, '/usage');
  expect(usage).toContain(`Tokens this session: ${500 + estimatedIn} in, ${20 + estimatedOut} out (${estimatedIn + estimatedOut} of them estimated by kite-chat`);

  await turn(screen, 'Try again?');
  const after = await turn(screen, '/usage');
  expect(after).toContain(`Tokens this session: ${600 + estimatedIn} in, ${30 + estimatedOut} out`);
  screen.type('/exit\r');
  expect(await exitWithin(screen)).toBe(0);
});

const STREAMED_BEFORE_CANCEL = 'Your holdings are worth ₹1,23,456.\n\nOf that, AARON is';

test('a turn cancelled with Ctrl-C while the answer streams still counts what the server had read in /usage', async ({ replWith, model }) => {
  const { session: screen } = await replWith([
    { streamThenStall: STREAMED_BEFORE_CANCEL },
    { text: 'Second answer.', usage: { promptTokens: 100, completionTokens: 10 } },
  ]);

  screen.type('What are my holdings worth?\r');
  await screen.waitFor('Your holdings are worth ₹1,23,456.'); // a finished paragraph is drawn; the rest is still coming
  screen.type('\u0003');
  await screen.waitForScreen(cancelledAtPrompt, '(cancelled) and the prompt under it');
  const estimatedIn = countPromptTokens(completions(model)[0]?.body ?? {}).rendered;
  const estimatedOut = countTokens(STREAMED_BEFORE_CANCEL);
  expect(estimatedIn).toBeGreaterThan(1000);

  // The prompt comes back at once; the cost is counted when the tokenizer has read the prompt, a moment later.
  let usage = await turn(screen, '/usage');
  for (let asked = 1; asked < 20 && !usage.includes(`${estimatedIn} in`); asked += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    usage = await turn(screen, '/usage');
  }
  expect(usage).toContain(`Tokens this session: ${estimatedIn} in, ${estimatedOut} out (${estimatedIn + estimatedOut} of them estimated by kite-chat`);
  await turn(screen, 'Try again?');
  const after = await turn(screen, '/usage');
  expect(after).toContain(`Tokens this session: ${100 + estimatedIn} in, ${10 + estimatedOut} out`);
  screen.type('/exit\r');
  expect(await exitWithin(screen)).toBe(0);
});
