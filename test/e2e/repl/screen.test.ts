// What a person sees: the REPL in a real pseudo-terminal renders a holdings table with aligned columns, shows a
// spinner while a tool runs and clears it, draws the login link as a QR code; piped output has none of that.
import { expect, test } from '../../support/fixtures.js';

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

test('a holdings table is drawn with aligned columns, right-aligned numbers and Indian digit grouping', async ({ startKite, model, repl }) => {
  const kite = await startKite({ autoLogin: true });
  model.push({ text: HOLDINGS_ANSWER });
  const session = repl(['--url', kite.mcpUrl, '--no-color']);

  await session.waitFor('›');
  session.type('Show my holdings\r');
  await session.waitFor(/Total P&L is ₹12,34,456\.40\./);

  const lines = session.text().split('\n');
  const rows = ['AARON', 'ASHOKLEY', 'BHARTIARTL'].map((symbol) => lines.find((line) => line.includes(symbol)) ?? '');
  const header = lines.find((line) => /Symbol/.test(line) && /P&L/.test(line)) ?? '';
  expect(rows.every((row) => row !== '')).toBe(true);
  // Every row is as wide as the header, and each numeric column ends at the same column in every row.
  for (const row of rows) expect(row.length).toBe(header.length);
  const ends = (row: string, value: string) => row.indexOf(value) + value.length;
  expect(ends(rows[0] ?? '', '₹432.80')).toBe(ends(rows[2] ?? '', '₹12,34,567.50'));
  expect(ends(rows[1] ?? '', '₹49.60')).toBe(ends(rows[2] ?? '', '₹12,34,135.00'));
  expect(session.output()).not.toContain('**');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('a spinner names the running tool while it works and is erased when it ends', async ({ startKite, model, repl }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.toolDelayMs['get_holdings'] = 1200;
  model.push({ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }] }, { text: 'Done.' });
  const session = repl(['--url', kite.mcpUrl]);

  await session.waitFor('›');
  session.type('Holdings?\r');
  await session.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] .*get_holdings · \d+\.\d s/);
  await session.waitFor(/✓ get_holdings limit=5 · \d+ rows · [\d.]+ m?s/);
  await session.waitFor('Done.');

  const raw = session.output();
  const lastSpinner = Math.max(...[...'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'].map((frame) => raw.lastIndexOf(frame)));
  const summary = raw.indexOf('✓');
  // The spinner's line was erased (CR + erase line) before the summary line was written.
  expect(raw.slice(lastSpinner, summary)).toContain('\r\u001b[2K');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('on a terminal the login link comes with a QR code; --no-qr leaves it out', async ({ kite, model, repl }) => {
  model.push({ toolCalls: [{ name: 'login', arguments: {} }] }, { text: 'Logged in, thanks.' });
  let session = repl(['--url', kite.mcpUrl, '--no-browser']);

  await session.waitFor('›');
  session.type('Log me in\r');
  await session.waitFor('Or scan it with your phone:');
  await session.waitFor(/[▀▄█]{5,}/);
  const sessionId = kite.requests.find((request) => request.tool === 'login')?.sessionId ?? '';
  kite.completeLogin(sessionId);
  await session.waitFor('Logged in, thanks.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);

  model.push({ toolCalls: [{ name: 'login', arguments: {} }] }, { text: 'Second.' });
  kite.expireLogin();
  session = repl(['--url', kite.mcpUrl, '--no-browser', '--no-qr']);
  await session.waitFor('›');
  session.type('Log me in\r');
  await session.waitFor('/authorize?session_id=');
  kite.completeLogin(kite.requests.filter((request) => request.tool === 'login').at(-1)?.sessionId ?? '');
  await session.waitFor('Second.');
  expect(session.text()).not.toContain('scan it with your phone');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
});

test('piped --ask output has no colour, spinner or QR code, and keeps the Markdown as written', async ({ kite, model, cli }) => {
  model.push({ toolCalls: [{ name: 'login', arguments: {} }] }, { text: HOLDINGS_ANSWER });

  const login = await cli(['--ask', 'Log me in', '--url', kite.mcpUrl, '--login-timeout', '0', '--no-browser']);
  expect(login.code).toBe(3);
  expect(login.stderr).toContain('/authorize?session_id=');
  expect(login.stderr).not.toMatch(/[▀▄█]/);
  expect(login.stderr).not.toContain('\u001b');

  const answered = await cli(['--ask', 'Holdings?', '--url', kite.mcpUrl]);
  expect(answered.code).toBe(0);
  expect(answered.stdout).toBe(`${HOLDINGS_ANSWER}\n`);
  expect(answered.stderr).not.toContain('\u001b');
});
