#!/usr/bin/env node
// A test BROWSER for OAuth servers (run as `BROWSER <url>`, no shell): records its arguments as one JSON line in
// $FAKE_BROWSER_LOG, then, unless $FAKE_BROWSER_NO_FOLLOW is set, does what a user does on Kite's next server: opens
// the authorization page, follows its "Continue to Kite" link (or form), and follows the redirect back to the
// loopback listener. $FAKE_BROWSER_TAMPER_STATE=1 changes the `state` on the way back, as a forged redirect would.
// Always exits 0, as a browser launcher does; a failed follow is reported on stderr only. Plain JavaScript.
import { recordLaunch } from './browser-launch.mjs';

/** Redirects followed before giving up: interstitial → callback → loopback is two. */
const MAX_REDIRECTS = 5;

await recordLaunch('browser-oauth', authorize);

async function authorize(url) {
  const page = await fetch(url);
  if (!page.ok) throw new Error(`authorization page answered ${page.status}`);
  const html = await page.text();
  const link = /<a\b[^>]*>\s*Continue to Kite\s*<\/a>/i.exec(html);
  const form = /<form\b[^>]*>/i.exec(html);
  let next;
  if (link !== null) next = new URL(attribute(link[0], 'href') ?? '', page.url);
  else if (form !== null) next = new URL(attribute(form[0], 'action') ?? '', page.url);
  else throw new Error('no "Continue to Kite" link or form on the authorization page');
  await follow(next);
}

async function follow(start) {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const response = await fetch(url, { redirect: 'manual' });
    await response.text();
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
      return;
    }
    url = new URL(location, url);
    if (process.env.FAKE_BROWSER_TAMPER_STATE && url.searchParams.has('code')) url.searchParams.set('state', 'forged-state');
  }
  throw new Error('too many redirects');
}

function attribute(tag, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
