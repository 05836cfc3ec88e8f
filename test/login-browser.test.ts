// The Kite login as a person does it: kite-chat opens the link in a real headless Chromium (the BROWSER program),
// which clicks "Log in" on the fake Kite login page; kite-chat detects the login and answers. Screenshots of the
// login page and the success page are saved under test-artifacts/.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeKite, type FakeKite } from './support/fake-kite/index.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from './support/scripted-openai.js';
import { REPO_ROOT, runCli, temporaryFolder } from './support/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let kite: FakeKite | undefined;
let model: ScriptedOpenAI | undefined;

afterEach(async () => {
  await Promise.all([kite?.close(), model?.close()]);
});

test('headless Chromium clicks Log in on the Kite page and kite-chat carries on with the answer', async () => {
  // .ci/run installs Debian's chromium; without it this test cannot mean anything, so it fails loudly.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  kite = await startFakeKite();
  model = await startScriptedOpenAI([
    { toolCalls: [{ name: 'get_profile', arguments: {} }] },
    { toolCalls: [{ name: 'get_profile', arguments: {} }] },
    { text: 'You are logged in.' },
  ]);
  const started = Date.now();

  const run = await runCli(['--ask', 'Who am I?', '--url', kite.sseUrl], {
    env: {
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_MODEL: 'scripted-model',
      KITE_CHAT_HOME: await temporaryFolder(),
      BROWSER: join(REPO_ROOT, 'test', 'support', 'browser-chromium.mjs'),
      BROWSER_ARTIFACTS: ARTIFACTS,
      HOME: await temporaryFolder(),
    },
    killAfterMs: 60_000,
  });

  expect(run.stderr).not.toMatch(/at .+\.js:\d+/);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('You are logged in.\n');
  expect(kite.requests.some((request) => request.path === '/callback' && request.status === 200)).toBe(true);
  for (const name of ['kite-login-page.png', 'kite-login-done.png']) {
    const file = await waitForFile(join(ARTIFACTS, name)); // the browser outlives kite-chat by its last screenshot
    expect(file.mtimeMs).toBeGreaterThanOrEqual(started - 1000);
    expect(file.size).toBeGreaterThan(1000);
  }
}, 90_000);

async function waitForFile(path: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const file = await stat(path).catch(() => undefined);
    if (file !== undefined && file.size > 0) return file;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return stat(path);
}
