// The Kite login as a person does it: kite-chat opens today's hosted link in a real headless Chromium (the BROWSER
// program, browser-chromium.mjs, with the Chromium that npm ci installs: see support/chromium.mjs), which clicks
// "Continue to Kite login" on the interstitial and "Log in" on the fake Kite login page; kite-chat detects the login
// and answers. Screenshots of the three pages are saved under test-artifacts/.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { chromiumExecutable } from '../../support/chromium.mjs';
import { expect, test } from '../../support/fixtures.js';
import { REPO_ROOT, temporaryFolder } from '../../support/run-cli.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SCREENSHOTS = ['kite-interstitial.png', 'kite-login-page.png', 'kite-login-done.png'];

let chromium = '';

beforeAll(async () => {
  // No system browser is needed: the first run unpacks the Chromium inside @sparticuz/chromium. None at all fails here.
  chromium = await chromiumExecutable();
}, 120_000);

test.override({ browser: join(REPO_ROOT, 'test', 'support', 'browser-chromium.mjs') });

test('headless Chromium continues past the interstitial, clicks Log in, and kite-chat carries on with the answer', async ({ kite, model, cli }) => {
  // kite: the hosted form, /authorize?session_id=… on the server's own origin
  model.push(
    { toolCalls: [{ name: 'get_profile', arguments: {} }] },
    { toolCalls: [{ name: 'get_profile', arguments: {} }] },
    { text: 'You are logged in.' },
  );
  // Screenshots of an earlier run must not count as this run's.
  await Promise.all(SCREENSHOTS.map((name) => rm(join(ARTIFACTS, name), { force: true })));

  const run = await cli(['--ask', 'Who am I?', '--url', kite.sseUrl], {
    env: { BROWSER_ARTIFACTS: ARTIFACTS, CHROMIUM_PATH: chromium, HOME: await temporaryFolder() },
    killAfterMs: 60_000,
  });

  expect(run.stderr).not.toMatch(/at .+\.js:\d+/);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('You are logged in.\n');
  const pages = kite.requests.filter((request) => request.transport === 'http').map((request) => `${request.path} ${request.status}`);
  expect(pages).toEqual(expect.arrayContaining(['/authorize 200', '/connect/login 200', '/callback 200']));
  expect(pages.indexOf('/authorize 200')).toBeLessThan(pages.indexOf('/connect/login 200'));
  for (const name of SCREENSHOTS) {
    const file = await waitForFile(join(ARTIFACTS, name)); // the browser outlives kite-chat by its last screenshot
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
