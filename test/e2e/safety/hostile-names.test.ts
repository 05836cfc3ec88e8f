// The user name is the server's text (issue 14): a name carrying an OSC 52 clipboard write, a title change, a screen
// clear and a right-to-left override reaches neither `kite-chat login`'s line nor the REPL prompt with any of them.
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from '../../support/fake-kite/index.js';
import { startReplInPty, type PtySession } from '../../support/pty-session.js';
import { BROWSER_FOLLOW, runCli, temporaryFolder } from '../../support/run-cli.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';

/** "Ra" OSC-52 "vi " title-change clear-screen cursor-home RLO "Kumar": a person should read "Ravi Kumar". */
const HOSTILE_NAME = 'Ra\u001b]52;c;cm0gLXJmIH4=\u0007vi \u001b]0;owned\u0007\u001b[2J\u001b[H\u202eKumar';
const SHOWN_NAME = 'Ravi Kumar';
const HOSTILE_SEQUENCES = ['\u001b]52;', '\u001b]0;', '\u001b[2J', '\u001b[H', '\u202e'];

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

test('kite-chat login shows a hostile user name stripped, after a browser login and when already logged in', async () => {
  kite = await startFakeKite();
  kite.faults.userName = HOSTILE_NAME;
  const home = await temporaryFolder();
  const env = { KITE_CHAT_HOME: home, BROWSER: BROWSER_FOLLOW, FAKE_BROWSER_LOG: `${home}/browser.log` };

  const first = await runCli(['login', '--url', kite.mcpUrl, '--login-timeout', '20'], { env });
  const again = await runCli(['login', '--url', kite.mcpUrl], { env });

  expect(first.code).toBe(0);
  expect(first.stdout).toBe(`Logged in to Kite as ${SHOWN_NAME}.\n`); // from get_profile once the login is seen
  expect(again.code).toBe(0);
  expect(again.stdout).toBe(`Logged in to Kite as ${SHOWN_NAME}.\n`); // from "You are already logged in as …"
  for (const sequence of HOSTILE_SEQUENCES) expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain(sequence);
});

test('the REPL prompt names the account with a hostile user name stripped', async () => {
  kite = await startFakeKite({ autoLogin: true });
  kite.faults.userName = HOSTILE_NAME;
  model = await startScriptedOpenAI([]);
  repl = startReplInPty(['--url', kite.mcpUrl, '--no-browser'], {
    OPENAI_API_KEY: 'sk-test-not-a-real-key',
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_MODEL: 'scripted-model',
    KITE_CHAT_HOME: await temporaryFolder(),
  });

  await repl.waitFor('›');
  await waitForProfileRead(kite);
  repl.type('/clear\r'); // the first prompt was drawn before the profile arrived; the next one names the account
  await repl.waitFor(`kite (${SHOWN_NAME}) › `);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
  for (const sequence of HOSTILE_SEQUENCES) expect(repl.output()).not.toContain(sequence);
});

async function waitForProfileRead(fake: FakeKite): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (fake.requests.some((request) => request.tool === 'get_profile' && request.status !== undefined)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the REPL never read the profile');
}
