// The model settings reach the request: the output limit (--max-output-tokens / KITE_CHAT_MAX_OUTPUT_TOKENS, sent as
// max_tokens to a server that is not OpenAI) and the timeouts (--model-timeout / KITE_CHAT_MODEL_TIMEOUT, which the
// openai client announces as X-Stainless-Timeout; --model-idle-timeout / KITE_CHAT_MODEL_IDLE_TIMEOUT), read off the
// scripted server's recorded request or seen in what the user is told.
import { DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_MODEL_TIMEOUT_SECONDS } from '../../../src/config/resolve.js';
import { completions, nonEmptyLines } from '../../support/faults-harness.js';
import { test as base, expect } from '../../support/fixtures.js';
import type { CliRun } from '../../support/run-cli.js';
import type { RecordedBody, RecordedRequest, ScriptedStep } from '../../support/scripted-openai.js';

interface Asked {
  run: CliRun;
  /** The first completion request of this run, its body and the timeout the openai client announced in it. */
  request: RecordedRequest | undefined;
  body: RecordedBody;
  timeoutHeader: string | string[] | undefined;
}

/** `ask(steps, args, env)`: kite-chat --ask against a logged-in fake Kite, the model answering with `steps`. */
const test = base.extend<{ ask: (steps: ScriptedStep[], args?: string[], env?: Record<string, string>) => Promise<Asked> }>({
  ask: async ({ startKite, model, cli }, use) => {
    await use(async (steps, args = [], env = {}) => {
      const kite = await startKite({ autoLogin: true });
      const earlier = completions(model).length;
      model.push(...steps);
      const run = await cli(['--ask', 'Hello?', '--url', kite.mcpUrl, ...args], { env });
      const request = completions(model)[earlier];
      return { run, request, body: request?.body ?? {}, timeoutHeader: request?.headers['x-stainless-timeout'] };
    });
  },
});

test('by default every request carries the output limit and the 120 s timeout', async ({ ask }) => {
  const { run, body, timeoutHeader } = await ask([{ text: 'Hi.' }]);

  expect(run.code).toBe(0);
  expect(body['max_tokens']).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  expect(body).not.toHaveProperty('max_completion_tokens'); // OpenAI's name; a local server may not know it
  expect(timeoutHeader).toBe(String(DEFAULT_MODEL_TIMEOUT_SECONDS));
});

test('the flags set the output limit and the timeout of the request', async ({ ask }) => {
  const { run, body, timeoutHeader } = await ask([{ text: 'Hi.' }], ['--max-output-tokens', '333', '--model-timeout', '7']);

  expect(run.code).toBe(0);
  expect(body['max_tokens']).toBe(333);
  expect(timeoutHeader).toBe('7');
});

test('the environment sets them too, and a flag beats the environment', async ({ ask }) => {
  const env = { KITE_CHAT_MAX_OUTPUT_TOKENS: '444', KITE_CHAT_MODEL_TIMEOUT: '9' };
  const fromEnv = await ask([{ text: 'Hi.' }], [], env);
  expect(fromEnv.body['max_tokens']).toBe(444);
  expect(fromEnv.timeoutHeader).toBe('9');

  const flagWins = await ask([{ text: 'Hi.' }], ['--max-output-tokens', '555'], env);
  expect(flagWins.body['max_tokens']).toBe(555);
});

test('--max-output-tokens 0 sends no limit at all', async ({ ask }) => {
  const { run, body } = await ask([{ text: 'Hi.' }], ['--max-output-tokens', '0']);

  expect(run.code).toBe(0);
  expect(body).not.toHaveProperty('max_tokens');
  expect(body).not.toHaveProperty('max_completion_tokens');
});

test('a bad value in the environment exits 2 naming the variable', async ({ ask }) => {
  const { run } = await ask([], [], { KITE_CHAT_MODEL_IDLE_TIMEOUT: 'soon' });

  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe("kite-chat: KITE_CHAT_MODEL_IDLE_TIMEOUT needs a whole number, got 'soon'.");
});

test('--model-idle-timeout ends a reply that stalls halfway after that many seconds, said in one line', async ({ ask }) => {
  const { run } = await ask([{ streamThenStall: 'Your holdings are' }], ['--model-idle-timeout', '1']);

  expect(run.code).toBe(5);
  expect(nonEmptyLines(run.stderr)).toEqual([expect.stringMatching(/sent nothing for 1 s in the middle of its answer/)]);
});

test('KITE_CHAT_MODEL_TIMEOUT ends a wait for a reply that never starts (the client tries three times)', async ({ ask, model }) => {
  const { run } = await ask([{ stall: true }, { stall: true }, { stall: true }], [], { KITE_CHAT_MODEL_TIMEOUT: '1' });

  expect(run.code).toBe(5);
  expect(nonEmptyLines(run.stderr)).toEqual([expect.stringMatching(/^kite-chat: Cannot reach the model API at .* \(timed out\)/)]);
  expect(model.requests.every((request) => request.headers['x-stainless-timeout'] === '1')).toBe(true);
});
