#!/usr/bin/env node
// A test BROWSER (run as `BROWSER <url>`, no shell) that only records: its arguments as one JSON line in
// $FAKE_BROWSER_LOG, nothing else, exit 0. For tests that check exactly what kite-chat handed the browser (one
// argument, untouched) without any login following. Plain JavaScript so it runs without a build step.
import { appendFileSync } from 'node:fs';

if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${JSON.stringify(process.argv.slice(2))}\n`);
