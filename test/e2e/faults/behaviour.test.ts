// A model that misbehaves, met by a spawned kite-chat --ask against the scripted model and the fake Kite server:
// malformed tool arguments, a tool that does not exist, the same call three rounds in a row, the round limit, and
// an empty answer. Each is either told to the model (which can do better) or stops the turn with one line.
import { test as base, expect } from '../../support/fixtures.js';
import { askFixture, completions, expectOneLineExit, lastToolMessages, toolRequests, type Ask } from '../../support/faults-harness.js';

const QUESTION = 'What are my holdings?';

const test = base.extend<{ ask: Ask }>({ ask: askFixture(QUESTION) });

test('malformed tool arguments are refused with the reason, never sent as {}, and the model can fix them', async ({ ask }) => {
  const { run, kite: fake, model: fakeModel } = await ask([
    { toolCalls: [{ name: 'get_holdings', arguments: '{"limit": 5' }] },
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { text: 'Five holdings.' },
  ]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Five holdings.\n');
  expect(toolRequests(fake, 'get_holdings')).toHaveLength(1); // only the well-formed call reached Kite
  const refusal = completions(fakeModel)[1]?.body?.messages?.at(-1);
  expect(refusal).toMatchObject({ role: 'tool', content: expect.stringMatching(/^Arguments were not valid JSON: .+\. Call again with a JSON object\.$/) });
});

test('an unknown tool is refused with the list of tools the model may use', async ({ ask }) => {
  const { run, kite: fake, model: fakeModel } = await ask([
    { toolCalls: [{ name: 'get_portfolio_value', arguments: {} }] },
    { text: 'I used the wrong tool.' },
  ]);

  expect(run.code).toBe(0);
  expect(lastToolMessages(fakeModel)).toEqual([expect.stringMatching(/^Unknown tool 'get_portfolio_value'\. Available tools: .*get_holdings/)]);
  expect(fake.requests.some((request) => request.tool === 'get_portfolio_value')).toBe(false);
});

test('the same call with the same arguments three rounds in a row stops the turn and says so', async ({ ask }) => {
  const same = { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] };
  const { run, kite: fake, model: fakeModel } = await ask([same, same, same]);

  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('(stopped: the model asked for get_holdings with the same arguments three times in a row)');
  expect(toolRequests(fake, 'get_holdings')).toHaveLength(2); // the third was not run
  expect(completions(fakeModel)).toHaveLength(3); // and the model was not asked again
});

test('the round limit stops the turn with one line saying what to do', async ({ ask }) => {
  const { run, model: fakeModel } = await ask([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { toolCalls: [{ name: 'get_positions', arguments: { limit: 5 } }] },
  ], ['--max-rounds', '2']);

  expect(run.code).toBe(1);
  expect(run.stderr).toContain('(stopped: the model used all 2 rounds without a final answer; ask a narrower question or raise --max-rounds)');
  expect(completions(fakeModel)).toHaveLength(2);
});

test('an empty answer exits 1 with one line instead of printing nothing as if it were an answer', async ({ ask }) => {
  const { run } = await ask([{ text: '' }]);

  expectOneLineExit(run, 1, 'The model gave an empty answer.');
});

test('an empty answer with --json is still one JSON object, with an empty answer field', async ({ ask }) => {
  const { run } = await ask([{ text: '' }], ['--json']);

  expect(run.code).toBe(1);
  expect(JSON.parse(run.stdout)).toMatchObject({ answer: '', rounds: 1 });
});
