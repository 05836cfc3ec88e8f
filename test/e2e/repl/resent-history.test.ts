// What a REPL session sends the model again with each request, seen from the scripted model's side: an answered
// question's tool results are replaced by the one-line stale note (the question, the call and the answer stay), the
// running question keeps its own results, and every request starts with the same system prompt and tool definitions,
// byte for byte, so a provider's prompt cache can hold them.
import { STALE_TOOL_RESULT } from '../../../src/agent/stale-results.js';
import { completions, exitWithin, replWith, type ReplWith } from '../../support/faults-harness.js';
import { test as base, expect } from '../../support/fixtures.js';

const test = base.extend<{ replSession: ReplWith }>({ replSession: replWith });

test("an answered question's tool results leave the history; the question, call and answer stay", async ({ model, replSession }) => {
  const { session: repl } = await replSession([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 20 } }] },
    { text: 'You hold 20 stocks.' },
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    { text: 'Your cash is ₹99,725.05.' },
  ]);
  repl.type('What do I hold?\r');
  await repl.waitFor(/You hold 20 stocks\.\n.*›/);
  repl.type('And my cash?\r');
  await repl.waitFor(/Your cash is ₹99,725\.05\.\n.*›/);

  const requests = completions(model).map((request) => request.body?.messages ?? []);
  expect(requests).toHaveLength(4);
  expect(JSON.stringify(requests[1])).toContain('tradingsymbol|'); // the turn itself saw the holdings
  const secondQuestion = requests[2] ?? [];
  expect(secondQuestion.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
  expect(secondQuestion[1]).toMatchObject({ content: 'What do I hold?' });
  expect(JSON.stringify(secondQuestion[2])).toContain('get_holdings');
  expect(secondQuestion[3]).toMatchObject({ role: 'tool', content: STALE_TOOL_RESULT });
  expect(secondQuestion[4]).toMatchObject({ role: 'assistant', content: 'You hold 20 stocks.' });
  expect(JSON.stringify(secondQuestion)).not.toContain('tradingsymbol|');
  const margins = requests[3]?.at(-1);
  expect(margins).toMatchObject({ role: 'tool' });
  expect(margins?.content).not.toBe(STALE_TOOL_RESULT); // the running question keeps its own result
  repl.type('/exit\r');
  expect(await exitWithin(repl)).toBe(0);
});

test('every request of a session starts with the same system prompt and tool definitions, byte for byte', async ({ model, replSession }) => {
  const { session: repl } = await replSession([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] },
    { text: 'Five holdings.' },
    { text: 'Hello again.' },
    { toolCalls: [{ name: 'get_quotes', arguments: { instruments: ['NSE:INFY'] } }, { name: 'get_margins', arguments: {} }] },
    { text: 'Quoted.' },
  ]);
  for (const [question, answer] of [['Holdings?', 'Five holdings.'], ['Hi', 'Hello again.'], ['INFY and cash?', 'Quoted.']]) {
    repl.type(`${question}\r`);
    await repl.waitFor(new RegExp(`${answer}\\n(.*\\n)*.*›`));
  }

  const bodies = completions(model).map((request) => request.body ?? {});
  expect(bodies).toHaveLength(5);
  const prefixes = bodies.map((body) => JSON.stringify({ system: body.messages?.[0], tools: body.tools }));
  expect(new Set(prefixes).size).toBe(1);
  expect(bodies[0]?.messages?.[0]?.role).toBe('system');
  expect(bodies[0]?.tools?.length).toBeGreaterThan(10);
  repl.type('/exit\r');
  expect(await exitWithin(repl)).toBe(0);
});
