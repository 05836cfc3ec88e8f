/**
 * kite-chat's REPL in a real pseudo-terminal (node-pty), for tests that type as a person does and read the screen:
 * `type()` sends keys; `screen()` is what a terminal shows now (the output rendered by xterm.js's headless terminal:
 * visible rows and the cursor, with everything that was overwritten gone), `waitForScreen()` waits for a screen,
 * `watchScreen()` samples it while kite-chat waits. `text()`/`waitFor()` read the whole byte stream with escapes
 * removed (text a terminal overwrote still "appears" there), for tests about what was printed at all.
 */
import xtermHeadless from '@xterm/headless';
import { spawn, type IPty } from 'node-pty';
import { displayWidth } from '../../src/terminal/display-width.js';
import { BIN, REPO_ROOT } from './run-cli.js';

/** A screen that never shows what a test waits for is a failure, not a hang. */
const WAIT_TIMEOUT_MS = 15_000;
/** How often a waiting test looks again; a person would not notice anything shorter either. */
const POLL_INTERVAL_MS = 25;

export interface Screen {
  /** The visible rows, top to bottom, trailing blanks trimmed. */
  lines: string[];
  /** Where the cursor is, 0-based, in the visible rows. */
  cursor: { row: number; column: number };
}

export interface PtySession {
  /** The kite-chat process id (for /proc/<pid>/status in the soak test). */
  readonly pid: number;
  readonly output: () => string;
  /** Output with terminal escape sequences removed, for plain-text assertions. */
  readonly text: () => string;
  type(keys: string): void;
  waitFor(pattern: RegExp | string, options?: { after?: number }): Promise<void>;
  /** Types `line` and Enter, as a person answers, then waits until `expected` shows in what is printed after it. */
  say(line: string, expected: RegExp | string): Promise<void>;
  /** The screen as the terminal shows it once everything written so far has been drawn. */
  screen(): Promise<Screen>;
  /** Waits until `check` holds for the screen; on timeout the error shows `what` and the screen. */
  waitForScreen(check: (screen: Screen) => boolean, what: string): Promise<Screen>;
  /** The screen every `everyMs` for `forMs`: what a person looking at it would have seen meanwhile. */
  watchScreen(forMs: number, everyMs?: number): Promise<Screen[]>;
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
  const terminal = new xtermHeadless.Terminal({ cols: size.cols, rows: size.rows, allowProposedApi: true });
  let output = '';
  child.onData((data) => {
    output += data;
    terminal.write(data);
  });
  const exit = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  const text = () => stripEscapes(output);

  async function screen(): Promise<Screen> {
    await new Promise<void>((resolve) => terminal.write('', resolve)); // everything received so far is drawn
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < terminal.rows; row += 1) lines.push((buffer.getLine(buffer.baseY + row)?.translateToString() ?? '').trimEnd());
    return { lines, cursor: { row: buffer.cursorY, column: buffer.cursorX } };
  }

  async function waitFor(pattern: RegExp | string, options: { after?: number } = {}): Promise<void> {
    const from = options.after ?? 0;
    const matches = () => {
      const seen = text().slice(from);
      return typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen);
    };
    await until(matches, () => `timed out waiting for ${String(pattern)}; the output so far:\n${text().slice(-2000)}`);
  }

  return {
    pid: child.pid,
    output: () => output,
    text,
    type: (keys) => child.write(keys),
    waitFor,
    async say(line, expected) {
      const from = text().length;
      child.write(`${line}\r`);
      await waitFor(expected, { after: from });
    },
    screen,
    async waitForScreen(check, what) {
      const started = Date.now();
      let last = await screen();
      while (!check(last)) {
        if (Date.now() - started > WAIT_TIMEOUT_MS) throw new Error(`timed out waiting for ${what}; the screen:\n${showScreen(last)}`);
        await sleep(POLL_INTERVAL_MS);
        last = await screen();
      }
      return last;
    },
    async watchScreen(forMs, everyMs = 100) {
      const samples = [await screen()];
      for (let waited = 0; waited < forMs; waited += everyMs) {
        await sleep(everyMs);
        samples.push(await screen());
      }
      return samples;
    },
    exit,
    kill: () => child.kill(),
  };
}

async function until(condition: () => boolean, failure: () => string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > WAIT_TIMEOUT_MS) throw new Error(failure());
    await sleep(POLL_INTERVAL_MS);
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Whether `text` is the last line with anything on it and the cursor sits right after it, as at a prompt. */
export function endsWithPrompt(screen: Screen, text: string): boolean {
  const row = lastUsedRow(screen);
  return row === screen.cursor.row && screen.lines[row] === text.trimEnd() && screen.cursor.column === displayWidth(text);
}

/** The REPL's prompt (`kite (Name · TRADING) › `) is the last line, with the cursor after it. */
export function atPrompt(screen: Screen): boolean {
  const line = screen.lines[screen.cursor.row] ?? '';
  return /^kite \(.*\) ›$/.test(line) && endsWithPrompt(screen, `${line} `);
}

/** "(cancelled)" right above the prompt, which is the last line: a cancelled turn as a person sees it. */
export function cancelledAtPrompt(screen: Screen): boolean {
  return atPrompt(screen) && screen.lines[screen.cursor.row - 1] === '(cancelled)';
}

/** The last row with anything on it (or the cursor's row, if that is further down). */
export function lastUsedRow(screen: Screen): number {
  const used = screen.lines.findLastIndex((line) => line !== '');
  return Math.max(used, screen.cursor.row);
}

/** The screen as text for a failure message, with the cursor marked ▮. */
export function showScreen(screen: Screen): string {
  return `(cursor at row ${screen.cursor.row}, column ${screen.cursor.column})\n` + screen.lines
    .map((line, row) => (row === screen.cursor.row ? `${line.padEnd(screen.cursor.column)}▮` : line))
    .join('\n')
    .trimEnd();
}

export function stripEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '').replace(/\r/g, '');
}
