// The user name is the server's text (issue 14): a name carrying an OSC 52 clipboard write, a title change, a screen
// clear and a right-to-left override reaches neither `kite-chat login`'s line nor the REPL prompt with any of them.
import type { FakeKite } from '../../support/fake-kite/index.js';
import { expect, test } from '../../support/fixtures.js';
import { BROWSER_FOLLOW } from '../../support/run-cli.js';

/** "Ra" OSC-52 "vi " title-change clear-screen cursor-home RLO "Kumar": a person should read "Ravi Kumar". */
const HOSTILE_NAME = 'Ra\u001b]52;c;cm0gLXJmIH4=\u0007vi \u001b]0;owned\u0007\u001b[2J\u001b[H\u202eKumar';
const SHOWN_NAME = 'Ravi Kumar';
const HOSTILE_SEQUENCES = ['\u001b]52;', '\u001b]0;', '\u001b[2J', '\u001b[H', '\u202e'];

test('kite-chat login shows a hostile user name stripped, after a browser login and when already logged in', async ({ kite, cli }) => {
  kite.faults.userName = HOSTILE_NAME;
  const env = { BROWSER: BROWSER_FOLLOW };

  const first = await cli(['login', '--url', kite.mcpUrl, '--login-timeout', '20'], { env });
  const again = await cli(['login', '--url', kite.mcpUrl], { env });

  expect(first.code).toBe(0);
  expect(first.stdout).toBe(`Logged in to Kite as ${SHOWN_NAME}.\n`); // from get_profile once the login is seen
  expect(again.code).toBe(0);
  expect(again.stdout).toBe(`Logged in to Kite as ${SHOWN_NAME}.\n`); // from "You are already logged in as …"
  for (const sequence of HOSTILE_SEQUENCES) expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain(sequence);
});

test('the REPL prompt names the account with a hostile user name stripped', async ({ startKite, repl }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.userName = HOSTILE_NAME;
  const session = repl(['--url', kite.mcpUrl, '--no-browser']);

  await session.waitFor('›');
  await waitForProfileRead(kite);
  session.type('/clear\r'); // the first prompt was drawn before the profile arrived; the next one names the account
  await session.waitFor(`kite (${SHOWN_NAME}) › `);
  session.type('/exit\r');
  expect(await session.exit).toBe(0);
  for (const sequence of HOSTILE_SEQUENCES) expect(session.output()).not.toContain(sequence);
});

async function waitForProfileRead(fake: FakeKite): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (fake.requests.some((request) => request.tool === 'get_profile' && request.status !== undefined)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the REPL never read the profile');
}
