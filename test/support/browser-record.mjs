#!/usr/bin/env node
// A test BROWSER (run as `BROWSER <url>`, no shell) that only records: its arguments as one JSON line in
// $FAKE_BROWSER_LOG, nothing else, exit 0. For tests that check exactly what kite-chat handed the browser (one
// argument, untouched) without any login following. Plain JavaScript so it runs without a build step.
import { recordLaunch } from './browser-launch.mjs';

await recordLaunch('browser-record');
