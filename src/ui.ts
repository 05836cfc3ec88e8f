/**
 * The terminal seam: stdout carries the answer, stderr carries everything else (status, tool lines, the login link).
 * Every piece of text from the model or a server passes the terminal sanitizer on its way out. Colour only on a TTY
 * and without NO_COLOR/--no-color. Nothing else in src/ writes to the terminal.
 */
import type { Writable } from 'node:stream';
import { createStreamSanitizer, sanitizeForTerminal } from './terminal-text.js';

export interface Ui {
  /** Streams part of the model's answer to stdout. */
  answer(delta: string): void;
  /** Ends the streamed answer with a newline if anything was written. */
  endAnswer(): void;
  /** One status line on stderr (dimmed on a TTY). */
  status(line: string): void;
  /** One warning line on stderr (highlighted on a TTY). */
  warn(line: string): void;
  /** Whether stderr is a terminal a person is watching (spinners, QR codes). */
  readonly interactive: boolean;
}

export interface TerminalStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

const DIM = '\u001b[2m';
const YELLOW = '\u001b[33m';
const RESET = '\u001b[0m';

export function createTerminalUi(streams: TerminalStreams, options: { color: boolean }): Ui {
  const colorOnStderr = options.color && streams.stderr.isTTY === true;
  let answerSanitizer = createStreamSanitizer();
  let answerOpen = false;
  let answerEndsWithNewline = true;
  const paint = (style: string, text: string) => (colorOnStderr ? `${style}${text}${RESET}` : text);

  return {
    interactive: streams.stderr.isTTY === true,
    answer(delta) {
      const clean = answerSanitizer.push(delta);
      if (clean === '') return;
      answerOpen = true;
      answerEndsWithNewline = clean.endsWith('\n');
      streams.stdout.write(clean);
    },
    endAnswer() {
      const rest = answerSanitizer.flush();
      if (rest !== '') {
        streams.stdout.write(rest);
        answerEndsWithNewline = rest.endsWith('\n');
      }
      if (answerOpen && !answerEndsWithNewline) streams.stdout.write('\n');
      answerSanitizer = createStreamSanitizer();
      answerOpen = false;
      answerEndsWithNewline = true;
    },
    status(line) {
      streams.stderr.write(`${paint(DIM, sanitizeForTerminal(line))}\n`);
    },
    warn(line) {
      streams.stderr.write(`${paint(YELLOW, sanitizeForTerminal(line))}\n`);
    },
  };
}
