#!/usr/bin/env node
// A test BROWSER that is a real browser: headless Chromium (Debian's, driven by playwright-core) opens the link
// kite-chat hands it, screenshots the Kite login page, clicks "Log in" like a person, and screenshots the result.
// Screenshots go to $BROWSER_ARTIFACTS (default test-artifacts/). Exit 0 only if the success page appeared.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [link] = process.argv.slice(2);
const artifacts = process.env.BROWSER_ARTIFACTS ?? 'test-artifacts';
mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'kite-chat-chromium-'));
// A fresh profile each run; the flags are from the machine notes: no sandbox as root, no background traffic.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 900, height: 700 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let succeeded = false;
try {
  const page = await browser.newPage();
  await page.goto(link);
  await page.screenshot({ path: join(artifacts, 'kite-login-page.png') });
  await page.click('#login');
  await page.waitForURL(/\/callback\?/, { timeout: 10_000 });
  await page.waitForSelector('text=Authentication Complete', { timeout: 10_000 });
  await page.screenshot({ path: join(artifacts, 'kite-login-done.png') });
  succeeded = true;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exitCode = succeeded ? 0 : 1;
