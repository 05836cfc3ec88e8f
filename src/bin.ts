#!/usr/bin/env node
/**
 * The `kite-chat` executable: hands the process's arguments, environment and streams to main() and sets the exit
 * code. The only file that touches the real process; main() never calls process.exit, so cleanup always runs. A
 * SIGTERM or SIGHUP gives the terminal back as it was (terminal/restore.ts), then ends the process by that signal,
 * as whoever sent it expects.
 */
import { homedir } from 'node:os';
import { setFlagsFromString } from 'node:v8';

// Before anything else loads: the bundle's source maps (scripts/build.mjs) are only read for modules loaded after
// this, and they make a stack trace (NODE_DEBUG=kite-chat, a crash) name our src/ files and lines.
process.setSourceMapsEnabled(true);
// fetch (undici) parses HTTP with llhttp compiled to WebAssembly, which V8 re-compiles with TurboFan in the background
// once it is hot, and exiting waits for that compile: 100–250 ms after the answer on a busy machine. Liftoff alone
// parses our few kilobytes just as well, and the process exits at once (BENCHMARKS.md, cold_start_ms).
setFlagsFromString('--liftoff-only');
const [{ main }, { restoreTerminal }] = await Promise.all([import('./cli.js'), import('./terminal/restore.js')]);

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    restoreTerminal(process.stdin, process.stderr);
    process.kill(process.pid, signal); // this handler is gone now, so the default action ends the process
  });
}

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  homeDir: homedir(),
  platform: process.platform,
  uid: process.getuid?.(),
  onInterrupt(listener) {
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
  },
});
