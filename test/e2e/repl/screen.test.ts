// What a person sees: the REPL in a real pseudo-terminal renders a holdings table with aligned columns, shows a
// spinner while a tool runs and clears it, draws the login link as a QR code; piped output has none of that.
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from '../../support/fake-kite/index.js';
import { startReplInPty, type PtySession } from '../../support/pty-session.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';
import { runCli, temporaryFolder } from '../../support/run-cli.js';

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

const HOLDINGS_ANSWER = [
  'Here are your holdings:',
  '',
  '| Symbol | Qty | Avg price | LTP | P&L |',
  '|---|---|---|---|---|',
  '| AARON | 1 | 161 | 432.8 | 271.8 |',
  '| ASHOKLEY | 1 | 113.35 | 162.95 | 49.6 |',
  '| BHARTIARTL | 1 | 432.5 | 1234567.5 | 1234135 |',
  '',
  'Total P&L is **₹12,34,456.40**.',
].join('\n');

async function environment(): Promise<Record<string, string>> {
  return {
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: model?.baseURL ?? '',
    OPENAI_MODEL: 'scripted-model',
    KITE_CHAT_HOME: await temporaryFolder(),
  };
}

test('a holdings table is drawn with aligned columns, right-aligned numbers and Indian digit grouping', async () => {
  kite = await startFakeKite({ autoLogin: true });
  model = await startScriptedOpenAI([{ text: HOLDINGS_ANSWER }]);
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-color'], await environment());

  await repl.waitFor('›');
  repl.type('Show my holdings\r');
  await repl.waitFor(/Total P&L is ₹12,34,456\.40\./);

  const lines = repl.text().split('\n');
  const rows = ['AARON', 'ASHOKLEY', 'BHARTIARTL'].map((symbol) => lines.find((line) => line.includes(symbol)) ?? '');
  const header = lines.find((line) => /Symbol/.test(line) && /P&L/.test(line)) ?? '';
  expect(rows.every((row) => row !== '')).toBe(true);
  // Every row is as wide as the header, and each numeric column ends at the same column in every row.
  for (const row of rows) expect(row.length).toBe(header.length);
  const ends = (row: string, value: string) => row.indexOf(value) + value.length;
  expect(ends(rows[0] ?? '', '₹432.80')).toBe(ends(rows[2] ?? '', '₹12,34,567.50'));
  expect(ends(rows[1] ?? '', '₹49.60')).toBe(ends(rows[2] ?? '', '₹12,34,135.00'));
  expect(repl.output()).not.toContain('**');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('a spinner names the running tool while it works and is erased when it ends', async () => {
  kite = await startFakeKite({ autoLogin: true });
  kite.faults.toolDelayMs['get_holdings'] = 1200;
  model = await startScriptedOpenAI([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }, { text: 'Done.' }]);
  repl = startReplInPty(['--url', kite.mcpUrl], await environment());

  await repl.waitFor('›');
  repl.type('Holdings?\r');
  await repl.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] .*get_holdings · \d+\.\d s/);
  await repl.waitFor(/✓ get_holdings limit=5 · \d+ rows · [\d.]+ m?s/);
  await repl.waitFor('Done.');

  const raw = repl.output();
  const lastSpinner = Math.max(...[...'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'].map((frame) => raw.lastIndexOf(frame)));
  const summary = raw.indexOf('✓');
  // The spinner's line was erased (CR + erase line) before the summary line was written.
  expect(raw.slice(lastSpinner, summary)).toContain('\r\u001b[2K');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('on a terminal the login link comes with a QR code; --no-qr leaves it out', async () => {
  kite = await startFakeKite();
  model = await startScriptedOpenAI([{ toolCalls: [{ name: 'login', arguments: {} }] }, { text: 'Logged in, thanks.' }]);
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-browser'], await environment());

  await repl.waitFor('›');
  repl.type('Log me in\r');
  await repl.waitFor('Or scan it with your phone:');
  await repl.waitFor(/[▀▄█]{5,}/);
  const sessionId = kite.requests.find((request) => request.tool === 'login')?.sessionId ?? '';
  kite.completeLogin(sessionId);
  await repl.waitFor('Logged in, thanks.');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);

  model.push({ toolCalls: [{ name: 'login', arguments: {} }] }, { text: 'Second.' });
  kite.expireLogin();
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-browser', '--no-qr'], await environment());
  await repl.waitFor('›');
  repl.type('Log me in\r');
  await repl.waitFor('/authorize?session_id=');
  kite.completeLogin(kite.requests.filter((request) => request.tool === 'login').at(-1)?.sessionId ?? '');
  await repl.waitFor('Second.');
  expect(repl.text()).not.toContain('scan it with your phone');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('piped --ask output has no colour, spinner or QR code, and keeps the Markdown as written', async () => {
  kite = await startFakeKite();
  model = await startScriptedOpenAI([{ toolCalls: [{ name: 'login', arguments: {} }] }, { text: HOLDINGS_ANSWER }]);
  const env = await environment();

  const login = await runCli(['--ask', 'Log me in', '--url', kite.mcpUrl, '--login-timeout', '0', '--no-browser'], { env });
  expect(login.code).toBe(3);
  expect(login.stderr).toContain('/authorize?session_id=');
  expect(login.stderr).not.toMatch(/[▀▄█]/);
  expect(login.stderr).not.toContain('\u001b');

  const answered = await runCli(['--ask', 'Holdings?', '--url', kite.mcpUrl], { env });
  expect(answered.code).toBe(0);
  expect(answered.stdout).toBe(`${HOLDINGS_ANSWER}\n`);
  expect(answered.stderr).not.toContain('\u001b');
});
