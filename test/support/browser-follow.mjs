#!/usr/bin/env node
// A test BROWSER (run as `BROWSER <url>`, no shell): records its arguments as one JSON line in $FAKE_BROWSER_LOG,
// then, unless $FAKE_BROWSER_NO_FOLLOW is set, does what a user does with either form of Kite's login link: on the
// hosted server's interstitial it follows "Continue to Kite login"; on the (fake) Kite login page it clicks "Log in",
// that is, reads the form's action and hidden inputs and GETs the callback. Always exits 0, as a browser launcher
// does; a failed follow is reported on stderr only. Plain JavaScript so it runs without a build step.
import { recordLaunch } from './browser-launch.mjs';

/** Pages walked before the login form must have appeared: the hosted interstitial, then Kite's login page. */
const MAX_PAGES = 3;

await recordLaunch('browser-follow', followLogin);

async function followLogin(url) {
  let next = url;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await fetch(next);
    if (!page.ok) throw new Error(`login page answered ${page.status}`);
    const html = await page.text();
    const form = /<form\b[^>]*>/i.exec(html);
    if (form !== null) return submitLogin(form[0], html, page.url);
    const onward = /<a\b[^>]*>\s*Continue to Kite\b[^<]*<\/a>/i.exec(html);
    if (onward === null) throw new Error('no login form and no "Continue to Kite login" link on the page');
    next = new URL(attribute(onward[0], 'href') ?? '', page.url);
  }
  throw new Error(`no login form within ${MAX_PAGES} pages`);
}

async function submitLogin(form, html, pageUrl) {
  const action = new URL(attribute(form, 'action') ?? '', pageUrl);
  for (const input of html.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name');
    if (attribute(input, 'type')?.toLowerCase() === 'hidden' && name !== undefined) {
      action.searchParams.append(name, attribute(input, 'value') ?? '');
    }
  }
  const callback = await fetch(action);
  await callback.text();
  if (!callback.ok) throw new Error(`callback answered ${callback.status}`);
}

function attribute(tag, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  if (match === null) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? '');
}

function decodeEntities(value) {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
