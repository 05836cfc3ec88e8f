/**
 * kite-chat's REPL in a real pseudo-terminal (node-pty), for tests that type as a person does and read the screen:
 * `type()` sends keys, `waitFor()` waits until the output so far matches, `exit` resolves with the exit code.
 */
import { spawn, type IPty } from 'node-pty';
import { BIN, REPO_ROOT } from './run-cli.js';

/** A screen that never shows what a test waits for is a failure, not a hang. */
const WAIT_TIMEOUT_MS = 15_000;

export interface PtySession {
  /** The kite-chat process id (for /proc/<pid>/status in the soak test). */
  readonly pid: number;
  readonly output: () => string;
  /** Output with terminal escape sequences removed, for plain-text assertions. */
  readonly text: () => string;
  type(keys: string): void;
  waitFor(pattern: RegExp | string, options?: { after?: number }): Promise<void>;
  readonly exit: Promise<number>;
  kill(): void;
}

export function startReplInPty(args: readonly string[], env: Record<string, string>, size = { cols: 120, rows: 40 }): PtySession {
  const child: IPty = spawn(process.execPath, [BIN, ...args], {
    name: 'xterm-256color',
    cols: size.cols,
    rows: size.rows,
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...env },
  });
  let output = '';
  child.onData((data) => {
    output += data;
  });
  const exit = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  const text = () => stripEscapes(output);
  return {
    pid: child.pid,
    output: () => output,
    text,
    type: (keys) => child.write(keys),
    async waitFor(pattern, options = {}) {
      const started = Date.now();
      const from = options.after ?? 0;
      const matches = () => {
        const seen = text().slice(from);
        return typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen);
      };
      while (!matches()) {
        if (Date.now() - started > WAIT_TIMEOUT_MS) {
          throw new Error(`timed out waiting for ${String(pattern)}; the screen so far:\n${text().slice(-2000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    exit,
    kill: () => child.kill(),
  };
}

export function stripEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '').replace(/\r/g, '');
}
