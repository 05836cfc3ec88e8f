// The REPL in a real pseudo-terminal against the fake Kite server and the scripted model: a streamed answer, Ctrl-C
// cancelling a slow tool call without ending the session, slash commands, a clean /exit, and the banner on a narrow terminal.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replWith, type ReplWith } from '../../support/faults-harness.js';
import { test as base, expect } from '../../support/fixtures.js';
import { cancelledAtPrompt } from '../../support/pty-session.js';
import { BROWSER_FOLLOW } from '../../support/run-cli.js';

/** `replWith(steps, { args })`: the REPL against a logged-in fake Kite, the model answering with `steps`, at its prompt. */
const test = base.extend<{ replWith: ReplWith }>({ replWith });

test('a question gets a streamed answer and /exit leaves with code 0', async ({ replWith }) => {
  const { session } = await replWith([
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    { text: 'You have ₹99,725.05 available.' },
  ]);

  await session.waitFor(/kite-chat · server http:\/\/127\.0\.0\.1:\d+\/mcp · model scripted-model · read-only/);
  session.type('How much cash do I have?\r');
  await session.waitFor('✓ get_margins');
  await session.waitFor(/You have ₹99,725\.05 available\.\n.*›/);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('on an 80-column terminal the banner breaks between its parts, never inside the server URL', async ({ startKite, repl }) => {
  const kite = await startKite({ autoLogin: true });
  const session = repl(['--url', kite.mcpUrl, '--no-browser'], { size: { cols: 80, rows: 24 } });

  const screen = await session.waitForScreen((shown) => shown.lines.some((line) => line.includes('›')), 'the prompt');
  const top = screen.lines.slice(0, 3);
  expect(top[0]).toMatch(/^kite-chat · server http:\/\/127\.0\.0\.1:\d+\/mcp · model scripted-model$/);
  expect(top[1]).toBe('read-only (start with --trading to place orders)');
  expect(top[2]).toBe('Type a question, /help for commands, Ctrl-D to leave.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('Ctrl-C during a slow tool call cancels that turn, and the session goes on', async ({ replWith, model }) => {
  const { session, fake: kite } = await replWith([
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 10 } }] },
    { text: 'Second answer arrived.' },
  ]);
  kite.faults.hangTools.add('get_holdings');

  await session.say('Show my holdings', /get_holdings · \d+\.\d s/); // the spinner shows the hung call
  session.type('\u0003');
  await session.waitForScreen(cancelledAtPrompt, '(cancelled) and the prompt under it');
  session.type('Anything else?\r');
  await session.waitFor('Second answer arrived.');
  // The cancelled turn left no half-answered tool call behind: the second request is a clean conversation.
  const last = model.requests.at(-1)?.body?.messages ?? [];
  expect(last.map((message) => message.role)).toEqual(['system', 'user']);
  session.type('\u0004');
  expect(await session.exit).toBe(0);
});

test('Ctrl-C at an empty prompt exits cleanly', async ({ replWith }) => {
  const { session } = await replWith([]);

  session.type('\u0003');
  expect(await session.exit).toBe(0);
});

test('/help lists the commands and /tools shows read and write classes', async ({ replWith }) => {
  const { session } = await replWith([]);

  await session.say('/help', '/usage');
  await session.say('/tools', /place_order\s+write/);
  await session.waitFor(/get_holdings\s+read/);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('input history survives a restart: up-arrow recalls the last question, saved with mode 0600', async ({ replWith, repl, home }) => {
  const started = await replWith([{ text: 'First answer.' }]);
  let session = started.session;
  session.type('What did INFY close at yesterday?\r');
  await session.waitFor(/First answer\.\n\(answered without looking anything up\)\n.*›/);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
  expect((await stat(join(home, 'history.json'))).mode & 0o777).toBe(0o600);

  session = repl(['--url', started.fake.mcpUrl, '--no-browser']);
  await session.waitFor('›');
  const before = session.text().length;
  session.type('\u001b[A'); // the newest entry: /exit
  await session.waitFor('/exit', { after: before });
  session.type('\u001b[A'); // the question before it
  await session.waitFor('What did INFY close at yesterday?', { after: before });
  session.type('\u0015/exit\r');
  expect(await session.exit).toBe(0);
});

test('a login in the middle of a portfolio summary continues the turn and prints no runtime warnings', async ({ kite, model, repl }) => {
  model.push(
    { toolCalls: [{ name: 'portfolio_summary', arguments: {} }] },
    { toolCalls: [{ name: 'portfolio_summary', arguments: {} }] },
    { text: 'Summed up.' },
  );
  const session = repl(['--url', kite.mcpUrl, '--no-qr'], { env: { BROWSER: BROWSER_FOLLOW } });

  await session.waitFor('›');
  session.type('What is my portfolio worth?\r');
  await session.waitFor(/Summed up\.\n[^]*›/); // the allocation bars come between the answer and the prompt
  expect(session.text()).toMatch(/✓ portfolio_summary/);
  expect(session.text()).not.toMatch(/Warning|trace-warnings/);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('tab completes a slash command', async ({ replWith }) => {
  const { session } = await replWith([]);

  session.type('/us\t');
  await session.waitFor(/› \/usage/);
  session.type('\r');
  await session.waitFor('Tokens this session: 0 in, 0 out.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});
