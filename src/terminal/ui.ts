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
import { createSecretMask, type SecretMask } from '../redact.js';
import { createStreamSanitizer, oneLineForTerminal, sanitizeForTerminal } from './text.js';
import { DIM, RESET, YELLOW } from './styles.js';

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

interface TerminalStreams {
  stdout: TerminalStream;
  stderr: TerminalStream;
}

const DEFAULT_COLUMNS = 80;

export function createTerminalUi(streams: TerminalStreams, options: { color: boolean; secrets?: readonly string[] }): Ui {
  const colorOnStderr = options.color && streams.stderr.isTTY === true;
  const mask = createSecretMask(options.secrets ?? []);
  const held = createHeldOutput();
  const activity = createStatusLine({
    write: (text) => streams.stderr.write(text),
    now: () => performance.now(),
    setInterval,
    clearInterval,
    enabled: streams.stderr.isTTY === true,
    color: colorOnStderr,
    columns: () => streams.stderr.columns,
  });
  const answer = createAnswerWriter(streams, { color: options.color, mask, activity, emit: held.emit });
  const paint = (style: string, text: string) => (colorOnStderr ? `${style}${text}${RESET}` : text);
  const writeLine = (text: string) => {
    activity.clear();
    streams.stderr.write(text);
  };
  return {
    interactive: streams.stderr.isTTY === true,
    color: colorOnStderr,
    activity,
    columns: () => streams.stderr.columns ?? DEFAULT_COLUMNS,
    answer: answer.write,
    endAnswer: answer.end,
    status(line) {
      const text = `${paint(DIM, mask(sanitizeForTerminal(line)))}\n`;
      held.emit(() => writeLine(text));
    },
    warn(line) {
      const text = `${paint(YELLOW, mask(sanitizeForTerminal(line)))}\n`;
      held.emit(() => writeLine(text));
    },
    result(line) {
      const text = `${mask(sanitizeForTerminal(line))}\n`;
      held.emit(() => streams.stdout.write(text));
    },
    inline: (text) => mask(oneLineForTerminal(text)),
    drawing(text) {
      held.emit(() => writeLine(text.endsWith('\n') ? text : `${text}\n`));
    },
    holdForQuestion() {
      activity.pause();
      return held.hold(() => activity.resume());
    },
  };
}

/** Writes waiting while a question is on screen: written in order once it is answered or withdrawn. */
function createHeldOutput() {
  /** Undefined when no question is on screen. */
  let held: (() => void)[] | undefined;
  return {
    emit(write: () => void): void {
      if (held === undefined) write();
      else held.push(write);
    },
    hold(afterwards: () => void): () => void {
      held ??= [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        for (const write of waiting) write();
        afterwards();
      };
    },
  };
}

/**
 * The answer on stdout: masked as it streams (a key split across deltas too), rendered from Markdown on a TTY, and
 * ended with a newline when anything was written.
 */
function createAnswerWriter(
  streams: TerminalStreams,
  options: { color: boolean; mask: SecretMask; activity: StatusLine; emit: (write: () => void) => void },
) {
  const { mask, activity, emit } = options;
  // On a TTY the answer is rendered (styled only with colour on); piped, it stays the plain text the model wrote.
  const newAnswerStream = () =>
    streams.stdout.isTTY === true
      ? createMarkdownStream({ color: options.color, width: streams.stdout.columns ?? DEFAULT_COLUMNS })
      : createStreamSanitizer();
  // One for the writer's life: its flush() at each answer's end empties what it held back.
  const answerMask = mask.stream();
  let answerStream = newAnswerStream();
  // Answer text was written and its last line has no newline yet: the answer's end adds one.
  let lineOpen = false;
  const writeAnswer = (text: string) => {
    if (text === '') return;
    activity.clear();
    lineOpen = !text.endsWith('\n');
    streams.stdout.write(text);
  };
  return {
    write(delta: string): void {
      const text = answerStream.push(answerMask.push(delta));
      emit(() => writeAnswer(text));
    },
    end(): void {
      const text = answerStream.push(answerMask.flush()) + answerStream.flush();
      answerStream = newAnswerStream();
      emit(() => {
        writeAnswer(text);
        if (lineOpen) streams.stdout.write('\n');
        lineOpen = false;
      });
    },
  };
}
