#!/usr/bin/env node
// A test BROWSER (run as `BROWSER <url>`, no shell): records its arguments as one JSON line in $FAKE_BROWSER_LOG,
// then, unless $FAKE_BROWSER_NO_FOLLOW is set, does what a user clicking "Log in" on the fake Kite login page does:
// fetches the page, reads the form's action and hidden inputs, and GETs the callback. Always exits 0, as a browser
// launcher does; a failed follow is reported on stderr only. Plain JavaScript so it runs without a build step.
import { appendFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${JSON.stringify(args)}\n`);

if (!process.env.FAKE_BROWSER_NO_FOLLOW && args[0] !== undefined) {
  try {
    await followLogin(args[0]);
  } catch (error) {
    process.stderr.write(`browser-follow: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

async function followLogin(url) {
  const page = await fetch(url);
  if (!page.ok) throw new Error(`login page answered ${page.status}`);
  const html = await page.text();
  const form = /<form\b[^>]*>/i.exec(html);
  if (form === null) throw new Error('no form on the login page');
  const action = new URL(attribute(form[0], 'action') ?? '', page.url);
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
