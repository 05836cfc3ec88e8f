/**
 * The terminal seam: stdout carries the answer, stderr carries everything else (status, tool lines, the live
 * spinner, the login link and its QR code). Every piece of text from the model or a server passes the terminal
 * sanitizer on its way out, and the configured API key is masked in everything written, whatever its shape; on a TTY
 * the answer is rendered from Markdown. Colour only on a TTY and without NO_COLOR/--no-color. While a question to the
 * person is on screen (terminal/questions.ts) the spinner is paused and everything else written here waits, so the
 * question stays the last line. Nothing else in src/ writes to the terminal (readline writes the REPL prompt, which
 * it gets from inline()).
 */
import type { Writable } from 'node:stream';
import { createMarkdownStream } from './markdown/render.js';
import { createStatusLine, type StatusLine } from './status-line.js';
import { createSecretMask } from '../redact.js';
import { createStreamSanitizer, oneLineForTerminal, sanitizeForTerminal } from './text.js';

export interface Ui {
  /** Streams part of the model's answer to stdout. */
  answer(delta: string): void;
  /** Ends the streamed answer with a newline if anything was written. */
  endAnswer(): void;
  /** One status line on stderr (dimmed on a TTY). */
  status(line: string): void;
  /** One warning line on stderr (highlighted on a TTY). */
  warn(line: string): void;
  /** A drawing made by kite-chat itself (the QR code): written to stderr as is, never from untrusted text. */
  drawing(text: string): void;
  /** One line of a command's result on stdout (`kite-chat login`, `tools`). */
  result(line: string): void;
  /** Untrusted text for another writer (readline's prompt): one line, sanitised, with the key masked. */
  inline(text: string): string;
  /** The live spinner line on stderr; does nothing unless stderr is a TTY. */
  readonly activity: StatusLine;
  /** Whether stderr is a terminal a person is watching (spinners, QR codes). */
  readonly interactive: boolean;
  /** Whether kite-chat's own styling (colour) is on for stderr. */
  readonly color: boolean;
  /** Columns of the terminal on stderr (80 when unknown). */
  columns(): number;
  /**
   * A question to the person is about to be the last line: the spinner pauses and all other output is held back.
   * The returned function, called once it is answered or withdrawn, writes what was held and resumes the spinner.
   */
  holdForQuestion(): () => void;
}

type TerminalStream = Writable & { isTTY?: boolean; columns?: number };

export interface TerminalStreams {
  stdout: TerminalStream;
  stderr: TerminalStream;
}

const DIM = '\u001b[2m';
const YELLOW = '\u001b[33m';
const RESET = '\u001b[0m';
const DEFAULT_COLUMNS = 80;

export function createTerminalUi(streams: TerminalStreams, options: { color: boolean; secrets?: readonly string[] }): Ui {
  const colorOnStderr = options.color && streams.stderr.isTTY === true;
  const mask = createSecretMask(options.secrets ?? []);
  let answerMask = mask.stream();
  // On a TTY the answer is rendered (styled only with colour on); piped, it stays the plain text the model wrote.
  const newAnswerStream = () =>
    streams.stdout.isTTY === true
      ? createMarkdownStream({ color: options.color, width: streams.stdout.columns ?? DEFAULT_COLUMNS })
      : createStreamSanitizer();
  let answerStream = newAnswerStream();
  let answerOpen = false;
  let answerEndsWithNewline = true;
  /** Writes waiting for the question on screen to be answered; undefined when no question is on screen. */
  let held: (() => void)[] | undefined;
  const emit = (write: () => void) => (held === undefined ? write() : held.push(write));
  const paint = (style: string, text: string) => (colorOnStderr ? `${style}${text}${RESET}` : text);
  const activity = createStatusLine({
    write: (text) => streams.stderr.write(text),
    now: () => performance.now(),
    setInterval,
    clearInterval,
    enabled: streams.stderr.isTTY === true,
    color: colorOnStderr,
    columns: () => streams.stderr.columns,
  });

  function writeAnswer(text: string): void {
    if (text === '') return;
    activity.clear();
    answerOpen = true;
    answerEndsWithNewline = text.endsWith('\n');
    streams.stdout.write(text);
  }

  function writeLine(text: string): void {
    activity.clear();
    streams.stderr.write(text);
  }

  return {
    interactive: streams.stderr.isTTY === true,
    color: colorOnStderr,
    activity,
    columns: () => streams.stderr.columns ?? DEFAULT_COLUMNS,
    answer(delta) {
      const text = answerStream.push(answerMask.push(delta));
      emit(() => writeAnswer(text));
    },
    endAnswer() {
      const text = answerStream.push(answerMask.flush()) + answerStream.flush();
      answerMask = mask.stream();
      answerStream = newAnswerStream();
      emit(() => {
        writeAnswer(text);
        if (answerOpen && !answerEndsWithNewline) streams.stdout.write('\n');
        answerOpen = false;
        answerEndsWithNewline = true;
      });
    },
    status(line) {
      const text = `${paint(DIM, mask(sanitizeForTerminal(line)))}\n`;
      emit(() => writeLine(text));
    },
    warn(line) {
      const text = `${paint(YELLOW, mask(sanitizeForTerminal(line)))}\n`;
      emit(() => writeLine(text));
    },
    result(line) {
      const text = `${mask(sanitizeForTerminal(line))}\n`;
      emit(() => streams.stdout.write(text));
    },
    inline(text) {
      return mask(oneLineForTerminal(text));
    },
    drawing(text) {
      emit(() => writeLine(text.endsWith('\n') ? text : `${text}\n`));
    },
    holdForQuestion() {
      activity.pause();
      held ??= [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        for (const write of waiting) write();
        activity.resume();
      };
    },
  };
}
