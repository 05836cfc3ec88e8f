#!/usr/bin/env node
/**
 * The `kite-chat` executable: hands the process's arguments, environment and streams to main() and sets the exit
 * code. The only file that touches the real process; main() never calls process.exit, so cleanup always runs.
 */
import { homedir } from 'node:os';
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  homeDir: homedir(),
  platform: process.platform,
  onInterrupt(listener) {
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
  },
});
