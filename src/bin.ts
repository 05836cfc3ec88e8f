#!/usr/bin/env node
/**
 * The `kite-chat` executable: hands the process's arguments, environment and streams to main() and sets the exit
 * code. The only file that touches the real process; main() never calls process.exit, so cleanup always runs. A
 * SIGTERM or SIGHUP gives the terminal back as it was (terminal/restore.ts), then ends the process by that signal,
 * as whoever sent it expects.
 */
import { homedir } from 'node:os';
import { main } from './cli.js';
import { restoreTerminal } from './terminal/restore.js';

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
