/**
 * What the terminal needs back when kite-chat is stopped by a signal (SIGTERM, SIGHUP) rather than leaving by itself,
 * when readline's own cleanup never runs: bracketed paste off, the cursor shown, line editing (cooked mode) back on.
 * Each is harmless when it was never changed, and nothing is written unless the stream is a terminal. bin.ts calls it.
 */
import { DISABLE_BRACKETED_PASTE } from './paste-input.js';

const SHOW_CURSOR = '\u001b[?25h';

interface TerminalInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

interface TerminalOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function restoreTerminal(stdin: TerminalInput, stderr: TerminalOutput): void {
  try {
    if (stdin.isTTY === true && stdin.isRaw === true) stdin.setRawMode?.(false);
    // A new line too, so the shell's prompt does not start after ours.
    if (stderr.isTTY === true) stderr.write(`${DISABLE_BRACKETED_PASTE}${SHOW_CURSOR}\n`);
  } catch {
    // after SIGHUP the terminal may be gone; there is nothing left to restore then
  }
}
