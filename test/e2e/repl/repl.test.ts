// The REPL in a real pseudo-terminal against the fake Kite server and the scripted model: a streamed answer, Ctrl-C
// cancelling a slow tool call without ending the session, slash commands, and a clean /exit.
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from '../../support/fake-kite/index.js';
import { cancelledAtPrompt, startReplInPty, type PtySession } from '../../support/pty-session.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';
import { BROWSER_FOLLOW, temporaryFolder } from '../../support/run-cli.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

let kite: FakeKite | undefined;
let model: ScriptedOpenAI | undefined;
let repl: PtySession | undefined;

afterEach(async () => {
  repl?.kill();
  await Promise.all([kite?.close(), model?.close()]);
  repl = undefined;
  kite = undefined;
  model = undefined;
});

async function startRepl(args: string[] = [], home?: string): Promise<PtySession> {
  home ??= await temporaryFolder();
  return startReplInPty(['--url', kite?.mcpUrl ?? '', '--no-browser', ...args], {
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: model?.baseURL ?? '',
    OPENAI_MODEL: 'scripted-model',
    KITE_CHAT_HOME: home,
  });
}

test('a question gets a streamed answer and /exit leaves with code 0', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    { text: 'You have ₹99,725.05 available.' },
  ]);
  repl = await startRepl();

  await repl.waitFor(/kite-chat · server http:\/\/127\.0\.0\.1:\d+\/mcp · model scripted-model · read-only/);
  await repl.waitFor('›');
  repl.type('How much cash do I have?\r');
  await repl.waitFor('✓ get_margins');
  await repl.waitFor(/You have ₹99,725\.05 available\.\n.*›/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('Ctrl-C during a slow tool call cancels that turn, and the session goes on', async () => {
  kite = await startFakeKite({ autoLogin: true });
  kite.faults.hangTools.add('get_holdings');
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] },
    { text: 'Second answer arrived.' },
  ]);
  repl = await startRepl();

  await repl.waitFor('›');
  repl.type('Show my holdings\r');
  await repl.waitFor(/get_holdings · \d+\.\d s/); // the spinner shows the hung call
  repl.type('\u0003');
  await repl.waitForScreen(cancelledAtPrompt, '(cancelled) and the prompt under it');
  repl.type('Anything else?\r');
  await repl.waitFor('Second answer arrived.');
  // The cancelled turn left no half-answered tool call behind: the second request is a clean conversation.
  const last = model.requests.at(-1)?.body?.messages ?? [];
  expect(last.map((message) => message.role)).toEqual(['system', 'user']);
  repl.type('\u0004');
  expect(await repl.exit).toBe(0);
});

test('Ctrl-C at an empty prompt exits cleanly', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([]);
  repl = await startRepl();

  await repl.waitFor('›');
  repl.type('\u0003');
  expect(await repl.exit).toBe(0);
});

test('/help lists the commands and /tools shows read and write classes', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([]);
  repl = await startRepl();

  await repl.waitFor('›');
  repl.type('/help\r');
  await repl.waitFor('/usage');
  repl.type('/tools\r');
  await repl.waitFor(/place_order\s+write/);
  await repl.waitFor(/get_holdings\s+read/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('input history survives a restart: up-arrow recalls the last question, saved with mode 0600', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([{ text: 'First answer.' }]);
  const home = await temporaryFolder();
  repl = await startRepl([], home);
  await repl.waitFor('›');
  repl.type('What did INFY close at yesterday?\r');
  await repl.waitFor(/First answer\.\n\(answered without looking anything up\)\n.*›/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
  expect((await stat(join(home, 'history.json'))).mode & 0o777).toBe(0o600);

  repl = await startRepl([], home);
  await repl.waitFor('›');
  const before = repl.text().length;
  repl.type('\u001b[A'); // the newest entry: /exit
  await repl.waitFor('/exit', { after: before });
  repl.type('\u001b[A'); // the question before it
  await repl.waitFor('What did INFY close at yesterday?', { after: before });
  repl.type('\u0015/exit\r');
  expect(await repl.exit).toBe(0);
});

test('a login in the middle of a portfolio summary continues the turn and prints no runtime warnings', async () => {
  kite = await startFakeKite();
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'portfolio_summary', arguments: {} }] },
    { toolCalls: [{ name: 'portfolio_summary', arguments: {} }] },
    { text: 'Summed up.' },
  ]);
  const home = await temporaryFolder();
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-qr'], {
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_MODEL: 'scripted-model',
    KITE_CHAT_HOME: home,
    BROWSER: BROWSER_FOLLOW,
  });

  await repl.waitFor('›');
  repl.type('What is my portfolio worth?\r');
  await repl.waitFor(/Summed up\.\n[^]*›/); // the allocation bars come between the answer and the prompt
  expect(repl.text()).toMatch(/✓ portfolio_summary/);
  expect(repl.text()).not.toMatch(/Warning|trace-warnings/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('tab completes a slash command', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([]);
  repl = await startRepl();

  await repl.waitFor('›');
  repl.type('/us\t');
  await repl.waitFor(/› \/usage/);
  repl.type('\r');
  await repl.waitFor('Tokens this session: 0 in, 0 out.');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});
