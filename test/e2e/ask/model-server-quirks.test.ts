// What model servers do that OpenAI does not, as a spawned `kite-chat --ask` meets it: a server that refuses parallel
// tool calls (llama.cpp with the Llama 3.2 template: HTTP 400 "This model only supports single tool-calls at once!")
// is switched to one call at a time after exactly one refused request, said once; a reply cut off at the output
// limit (finish_reason "length") is never passed off as complete.
import { completions } from '../../support/faults-harness.js';
import { test as base, expect } from '../../support/fixtures.js';
import type { CliRun } from '../../support/run-cli.js';
import { SINGLE_TOOL_CALLS_MESSAGE, type ScriptedStep } from '../../support/scripted-openai.js';

/** `ask(steps, args)`: kite-chat --ask against a logged-in fake Kite, the model answering with `steps`. */
const test = base.extend<{ ask: (steps: ScriptedStep[], args?: string[]) => Promise<CliRun> }>({
  ask: async ({ startKite, model, cli }, use) => {
    await use(async (steps, args = []) => {
      const kite = await startKite({ autoLogin: true });
      model.push(...steps);
      return cli(['--ask', 'How is my account?', '--url', kite.mcpUrl, ...args]);
    });
  },
});

function toolCallsPerAssistantMessage(body: { messages?: { role: string; tool_calls?: unknown[] }[] } | undefined): number[] {
  return (body?.messages ?? []).filter((message) => message.role === 'assistant' && message.tool_calls !== undefined).map((message) => message.tool_calls?.length ?? 0);
}

test('a server that refuses parallel tool calls costs one refused request; the rest of the run sends one call per message', async ({ ask, model }) => {
  model.options.singleToolCalls = true;
  const run = await ask([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'get_positions', arguments: {} }] },
    // The model still asks for two at once; they run, and the history sent next has them one per message.
    { toolCalls: [{ name: 'get_margins', arguments: {} }, { name: 'get_profile', arguments: {} }] },
    { text: 'All is well.' },
  ]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('All is well.\n');
  const sent = completions(model);
  expect(sent.map((request) => request.status)).toEqual([200, 400, 200, 200]);
  expect(sent.filter((request) => request.status === 400)).toHaveLength(1);
  expect(sent[1]?.rawBody).not.toContain('parallel_tool_calls');
  for (const request of sent.slice(2)) {
    expect(request.body?.['parallel_tool_calls']).toBe(false);
    expect(toolCallsPerAssistantMessage(request.body).every((count) => count === 1)).toBe(true);
  }
  expect(toolCallsPerAssistantMessage(sent[3]?.body)).toEqual([1, 1, 1, 1]);
  // The tool results follow their own call: get_holdings, get_positions, get_margins, get_profile, in that order.
  const roles = (sent[3]?.body?.messages ?? []).map((message) => message.role);
  expect(roles.slice(-8)).toEqual(['assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool']);
  expect(run.stderr.match(/takes one tool call at a time/g)).toHaveLength(1);
  expect(run.stderr).not.toContain(SINGLE_TOOL_CALLS_MESSAGE); // handled, so not reported as a failure
});

test('a second refusal after switching is reported, not retried again', async ({ ask, model }) => {
  const refusal: ScriptedStep = { status: 400, message: SINGLE_TOOL_CALLS_MESSAGE };
  const run = await ask([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'get_positions', arguments: {} }] }, refusal, refusal]);

  expect(run.code).toBe(5);
  expect(completions(model).map((request) => request.status)).toEqual([200, 400, 400]);
  expect(run.stderr).toMatch(/rejected the request \(400: "?This model only supports single tool-calls at once!/);
});

test('a reply cut off at the output limit is printed, said to be cut off with how to raise the limit, and exits 1', async ({ ask }) => {
  const run = await ask([{ text: 'Your holdings are AARON, ASHOKLEY and', finishReason: 'length' }]);

  expect(run.stdout).toBe('Your holdings are AARON, ASHOKLEY and\n');
  expect(run.stderr).toMatch(/the answer was cut off at the model's output limit: kite-chat asks for at most 8192 tokens; raise that with --max-output-tokens N or KITE_CHAT_MAX_OUTPUT_TOKENS/);
  expect(run.code).toBe(1);
});

test('with --json a cut-off answer is marked truncated', async ({ ask }) => {
  const run = await ask([{ text: 'Your holdings are', finishReason: 'length' }], ['--json', '--max-output-tokens', '50']);

  expect(run.code).toBe(1);
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(result).toMatchObject({ answer: 'Your holdings are', truncated: true });
  expect(run.stderr).toMatch(/kite-chat asks for at most 50 tokens/);
});

test('a complete answer has no truncated field', async ({ ask }) => {
  const run = await ask([{ text: 'All is well.' }], ['--json']);

  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).not.toHaveProperty('truncated');
});
