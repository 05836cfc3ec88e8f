// `kite-chat --ask --json` always prints one JSON object on stdout, on failure too (CONTRACT.md): {"error": {"exitCode",
// "kind", "message"}} for exits 2, 3, 4, 5 and 130, so `| jq` never reads an empty stream. The message never carries
// the signed login link, a session id or the key; the link stays on stderr.
import { closedOrigin } from '../../support/faults-harness.js';
import { expect, OPENAI_KEY, test } from '../../support/fixtures.js';
import { runCli } from '../../support/run-cli.js';

const QUESTION = 'What is my portfolio worth?';

interface ErrorObject { error: { exitCode: number; kind: string; message: string } }

/** stdout must be exactly one line of JSON holding only the error object. */
function errorObject(stdout: string): ErrorObject['error'] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0] ?? '') as ErrorObject;
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error)).toEqual(['exitCode', 'kind', 'message']);
  expect(parsed.error.message).not.toMatch(/\n/);
  expect(parsed.error.message).not.toContain(OPENAI_KEY);
  return parsed.error;
}

test('exit 2: a configuration error is one object of kind usage', async () => {
  const run = await runCli(['--ask', QUESTION, '--json'], { env: { KITE_CHAT_HOME: '/nonexistent-kite-chat-home' } });

  expect(run.code).toBe(2);
  expect(errorObject(run.stdout)).toEqual({ exitCode: 2, kind: 'usage', message: expect.stringMatching(/^OPENAI_API_KEY is not set/) });
  expect(run.stderr).toMatch(/^kite-chat: OPENAI_API_KEY is not set/);
});

test('exit 2: a bad flag after --ask --json still gets its object', async () => {
  const run = await runCli(['--ask', QUESTION, '--json', '--max-rounds', 'many'], { env: { OPENAI_API_KEY: OPENAI_KEY } });

  expect(run.code).toBe(2);
  expect(errorObject(run.stdout)).toEqual({ exitCode: 2, kind: 'usage', message: "--max-rounds needs a whole number, got 'many'." });
});

test('exit 3: a login not completed is one object of kind login without the signed link, which stays on stderr', async ({ kite, model, cli }) => {
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] });

  const run = await cli(['--ask', QUESTION, '--json', '--url', kite.mcpUrl, '--login-timeout', '0', '--no-browser']);

  expect(run.code).toBe(3);
  const error = errorObject(run.stdout);
  expect(error).toEqual({
    exitCode: 3,
    kind: 'login',
    message: 'Kite login not completed. Log in with the link shown on stderr, then run the command again.',
  });
  const link = /(http:\/\/127\.0\.0\.1:\d+\/\S*session_id\S+)/.exec(run.stderr)?.[1] ?? '';
  expect(link).not.toBe('');
  expect(run.stderr).toContain(`Log in at ${link} and run the command again.`);
  expect(run.stdout).not.toContain('session_id');
  expect(run.stdout).not.toMatch(/kitemcp-/);
});

test('exit 4: an MCP server that is down is one object of kind mcp naming it', async ({ cli }) => {
  const url = `${await closedOrigin()}/mcp`;

  const run = await cli(['--ask', QUESTION, '--json', '--url', url]);

  expect(run.code).toBe(4);
  expect(errorObject(run.stdout)).toEqual({ exitCode: 4, kind: 'mcp', message: expect.stringContaining(`Cannot reach the Kite MCP server at ${url}`) });
});

test('exit 5: a rejected key is one object of kind model, without the key', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.options.apiKey = 'sk-the-right-key-0123456789';

  const run = await cli(['--ask', QUESTION, '--json', '--url', kite.mcpUrl]);

  expect(run.code).toBe(5);
  expect(errorObject(run.stdout)).toEqual({ exitCode: 5, kind: 'model', message: expect.stringMatching(/rejected the key \(401\).*check OPENAI_API_KEY/) });
});

test('exit 130: Ctrl-C during a tool call is one object of kind interrupted', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.hangTools.add('get_holdings');
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] });

  const run = await cli(['--ask', QUESTION, '--json', '--url', kite.mcpUrl], { interruptWhen: /→ get_holdings/ });

  expect(run.code).toBe(130);
  expect(errorObject(run.stdout)).toEqual({ exitCode: 130, kind: 'interrupted', message: 'Interrupted.' });
});
