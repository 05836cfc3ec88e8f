#!/usr/bin/env node
// A test BROWSER that is a real browser: headless Chromium (see chromium.mjs), driven by playwright-core, opens the
// link kite-chat hands it and goes through Kite's login as a person does: on the hosted server's interstitial it
// clicks "Continue to Kite login", on the Kite login page "Log in". Screenshots of each page go to $BROWSER_ARTIFACTS
// (default test-artifacts/): kite-interstitial.png (hosted link only), kite-login-page.png, kite-login-done.png.
// Exit 0 only if the success page appeared.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumExecutable } from './chromium.mjs';

/** How long one page may take to appear; a login page that never shows is a failure, not a hang. */
const PAGE_TIMEOUT_MS = 10_000;

const [link] = process.argv.slice(2);
const artifacts = process.env.BROWSER_ARTIFACTS ?? 'test-artifacts';
mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'kite-chat-chromium-'));
// A fresh profile each run; no sandbox as root, no background traffic.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: await chromiumExecutable(),
  headless: true,
  viewport: { width: 900, height: 700 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let succeeded = false;
try {
  const page = await browser.newPage();
  await page.goto(link);
  const onward = page.getByRole('link', { name: 'Continue to Kite login' });
  if (await onward.count() > 0) {
    await page.screenshot({ path: join(artifacts, 'kite-interstitial.png') });
    await onward.click();
  }
  await page.waitForSelector('#login', { timeout: PAGE_TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, 'kite-login-page.png') });
  await page.click('#login');
  await page.waitForURL(/\/callback\?/, { timeout: PAGE_TIMEOUT_MS });
  await page.waitForSelector('text=Authentication Complete', { timeout: PAGE_TIMEOUT_MS });
  await page.screenshot({ path: join(artifacts, 'kite-login-done.png') });
  succeeded = true;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exitCode = succeeded ? 0 : 1;
