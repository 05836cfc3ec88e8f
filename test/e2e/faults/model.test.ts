// Faults of the model API, met by a spawned kite-chat (--ask, or the REPL in a pseudo-terminal) against the scripted
// OpenAI-compatible server: a rejected key, 429 and 5xx (retried by the openai client, then one line), a stream that
// breaks off halfway, a request larger than the context window (older tool results trimmed, retried once), and a
// slow first token (the status line says it is waiting).
import { ModelApiError } from '../../../src/errors.js';
import { TRIMMED_TOOL_RESULT } from '../../../src/agent/history-budget.js';
import { createComplete, createOpenAIClient } from '../../../src/model/openai-model.js';
import { test as base, expect, OPENAI_KEY } from '../../support/fixtures.js';
import type { ScriptedStep } from '../../support/scripted-openai.js';
import {
  askFixture, completions, exitWithin, expectOneLineExit, nonEmptyLines, replWith, sentToModel, STACK_LINE, type Ask, type ReplWith,
} from '../../support/faults-harness.js';

const QUESTION = 'How much cash do I have?';
/** Retry-After in milliseconds, so the client's backoff costs the test almost nothing. */
const QUICK_RETRY = { retryAfterMs: 10 };
/** What api.openai.com answers for a request larger than the model's context window. */
const CONTEXT_OVERFLOW = {
  status: 400,
  code: 'context_length_exceeded',
  message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
};

const test = base.extend<{ ask: Ask; replSession: ReplWith }>({ ask: askFixture(QUESTION), replSession: replWith });

test('a rejected key in the REPL costs one line, and the session goes on', async ({ model, replSession }) => {
  model.options.apiKey = 'sk-the-right-key';
  const { session } = await replSession([]);

  session.type(`${QUESTION}\r`);
  await session.waitFor(/rejected the key \(401\).*check OPENAI_API_KEY\.\n.*›/);
  expect(session.text()).not.toMatch(STACK_LINE);
  expect(session.text()).not.toContain(OPENAI_KEY);
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('429 twice is retried with backoff and the third try answers', async ({ ask }) => {
  const { run, model: fake } = await ask([
    { status: 429, ...QUICK_RETRY },
    { status: 429, ...QUICK_RETRY },
    { text: 'You have ₹99,725.05 available.' },
  ]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('You have ₹99,725.05 available.\n');
  expect(completions(fake)).toHaveLength(3);
});

test.for([
  ['429', 429, /rate-limiting requests \(429\)/],
  ['a 503', 503, /failed \(503.*try again in a few minutes/],
] as const)('%s that outlasts the retries exits 5 with one line', async ([, status, line], { ask }) => {
  const { run, model: fake } = await ask([
    { status, ...QUICK_RETRY },
    { status, ...QUICK_RETRY },
    { status, ...QUICK_RETRY },
  ]);

  expectOneLineExit(run, 5, expect.stringMatching(line));
  expect(completions(fake)).toHaveLength(3); // the first try and the client's two retries
});

test('a 500 is retried and the next try answers', async ({ ask }) => {
  const { run, model: fake } = await ask([{ status: 500, ...QUICK_RETRY }, { text: 'Recovered.' }]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Recovered.\n');
  expect(completions(fake)).toHaveLength(2);
});

test('a stream that breaks off halfway exits 5 with one line, and no half answer on stdout', async ({ ask }) => {
  const { run } = await ask([{ streamThenDrop: 'Your holdings are worth ₹1,2' }]);

  expectOneLineExit(run, 5, expect.stringMatching(/stopped in the middle of its answer/));
});

test('a stream that stalls halfway is given up after the idle timeout with one line (in process: the CLI waits 120 s)', async ({ model }) => {
  model.push({ streamThenStall: 'Your holdings are worth PARTIAL' });
  const complete = createComplete(createOpenAIClient({ apiKey: 'sk-test', baseURL: model.baseURL }), { model: 'scripted-model', idleTimeoutMs: 300 });
  const shown: string[] = [];

  const failure = await complete({ messages: [{ role: 'user', content: QUESTION }], tools: [] }, {
    signal: new AbortController().signal, onTextDelta: (delta) => shown.push(delta),
  }).then(() => undefined, (error: unknown) => error);

  expect(failure).toBeInstanceOf(ModelApiError);
  expect((failure as ModelApiError).exitCode).toBe(5);
  expect((failure as Error).message).toMatch(/^The model API at http:\/\/127\.0\.0\.1:\d+ sent nothing for 0\.3 s in the middle of its answer: try again/);
  expect(shown.join('')).toBe('Your holdings are worth PARTIAL'); // what came before the stall was passed on
});

test('in the REPL a broken stream costs one line; the half answer is not kept in the conversation', async ({ replSession }) => {
  const { session, fakeModel } = await replSession([
    { streamThenDrop: 'Your holdings are worth PARTIAL' },
    { text: 'Second answer.' },
  ]);

  session.type(`${QUESTION}\r`);
  await session.waitFor(/stopped in the middle of its answer.*\n.*›/);
  session.type('Try again?\r');
  await session.waitFor('Second answer.');
  expect(sentToModel(fakeModel, 1)).not.toContain('PARTIAL');
  expect(session.text()).not.toMatch(STACK_LINE);
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

// An answered question's results have already left the history (agent/stale-results.ts); a question that stopped at
// the round limit without an answer keeps its results, and those are what an overflow trims.
const UNANSWERED_FIRST_QUESTION: ScriptedStep[] = [
  { toolCalls: [{ name: 'get_holdings', arguments: { limit: 20 } }] },
  { toolCalls: [{ name: 'get_margins', arguments: {} }] }, // round 2 of 2: not run, the turn stops unanswered
];
const ROUND_LIMIT_SHOWN = /used all 2 rounds without a final answer.*\n.*›/;

/** The REPL (--max-rounds 2) asked 'What do I hold?', which stops unanswered, and then QUESTION; the model's `steps` follow. */
async function askAfterUnansweredQuestion(replSession: ReplWith, steps: ScriptedStep[]): Promise<Awaited<ReturnType<ReplWith>>> {
  const started = await replSession([...UNANSWERED_FIRST_QUESTION, ...steps], { args: ['--max-rounds', '2'] });
  started.session.type('What do I hold?\r');
  await started.session.waitFor(ROUND_LIMIT_SHOWN);
  started.session.type(`${QUESTION}\r`);
  return started;
}

test('a context window overflow trims older tool results and is retried once', async ({ replSession }) => {
  const { session, fakeModel } = await askAfterUnansweredQuestion(replSession, [CONTEXT_OVERFLOW, { text: 'Your cash is ₹99,725.05.' }]);
  await session.waitFor('Your cash is ₹99,725.05.');

  expect(completions(fakeModel)).toHaveLength(4);
  expect(sentToModel(fakeModel, 2)).toContain('tradingsymbol|'); // the request that overflowed had the holdings
  const retried = sentToModel(fakeModel, 3);
  expect(retried).toContain(TRIMMED_TOOL_RESULT.slice(0, 40));
  expect(retried).not.toContain('tradingsymbol|');
  expect(retried).toContain('What do I hold?'); // the conversation itself is kept
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('a context window overflow that trimming cannot cure is one line, and the session goes on', async ({ replSession }) => {
  const { session, fakeModel } = await askAfterUnansweredQuestion(replSession, [CONTEXT_OVERFLOW, CONTEXT_OVERFLOW, { text: 'Still here.' }]);
  await session.waitFor(/The conversation is too long for model "scripted-model".*use \/clear.*\n.*›/);
  expect(completions(fakeModel)).toHaveLength(4); // retried once, not more
  session.type('Hello?\r');
  await session.waitFor('Still here.');
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});

test('--ask with nothing older to trim does not retry a context window overflow: exit 5, one line', async ({ ask }) => {
  const { run, model: fake } = await ask([CONTEXT_OVERFLOW]);

  expect(run.code).toBe(5);
  expect(nonEmptyLines(run.stderr)).toEqual([expect.stringMatching(/The conversation is too long for model "scripted-model"/)]);
  expect(completions(fake)).toHaveLength(1);
});

test('a slow first token shows that kite-chat is waiting for the model', async ({ replSession }) => {
  const { session } = await replSession([{ text: 'Finally, an answer.', delayMs: 2500 }]);

  session.type(`${QUESTION}\r`);
  await session.waitFor(/waiting for the model… · \d+\.\d s/);
  await session.waitFor('Finally, an answer.');
  session.type('/exit\r');
  expect(await exitWithin(session)).toBe(0);
});
