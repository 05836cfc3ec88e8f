/**
 * Bracketed paste for the REPL: a pasted multi-line question must become one question. The terminal is asked to
 * wrap pastes in ESC[200~ … ESC[201~; the REPL's readline reads a stand-in for stdin in which the line breaks inside
 * a paste become a visible ␤, so readline keeps them on the input line until the user presses Enter, and the
 * question gets its line breaks back. Streams in, streams out: the caller owns the terminal and readline.
 */
import { PassThrough, type Readable } from 'node:stream';

/** Terminal controls (xterm, VTE, iTerm2, Windows Terminal, tmux): turn bracketed paste on and off. */
export const ENABLE_BRACKETED_PASTE = '\u001b[?2004h';
export const DISABLE_BRACKETED_PASTE = '\u001b[?2004l';
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';
/** Shown on the input line for each pasted line break (U+2424 SYMBOL FOR NEWLINE); readline would submit a real one. */
export const PASTED_LINE_BREAK = '\u2424';
/** A marker may arrive split across two reads; this much of a read's tail is held back until the next one. */
const MARKER_TAIL = PASTE_START.length - 1;

/** A stateful chunk transform: line breaks between the paste markers become PASTED_LINE_BREAK; the rest is as is. */
export function createPasteFolder(): { fold(chunk: string): string; flush(): string } {
  let pasting = false;
  let held = '';
  const foldComplete = (text: string): string => {
    let out = '';
    let rest = text;
    for (;;) {
      const marker = pasting ? PASTE_END : PASTE_START;
      const at = rest.indexOf(marker);
      const part = at === -1 ? rest : rest.slice(0, at);
      out += pasting ? part.replace(/\r\n|\r|\n/g, PASTED_LINE_BREAK) : part;
      if (at === -1) return out;
      out += marker; // readline reads the markers as keys named paste-start / paste-end and inserts nothing
      rest = rest.slice(at + marker.length);
      pasting = !pasting;
    }
  };
  return {
    fold(chunk) {
      const text = held + chunk;
      // Hold back a tail that could be the start of a marker ("\u001b[20"), so a split marker is still seen.
      const escape = text.lastIndexOf('\u001b');
      const split = escape !== -1 && text.length - escape <= MARKER_TAIL && isMarkerPrefix(text.slice(escape)) ? escape : text.length;
      held = text.slice(split);
      return foldComplete(text.slice(0, split));
    },
    flush() {
      const rest = held;
      held = '';
      return foldComplete(rest);
    },
  };
}

/** The question as the user meant it: pasted line breaks restored. */
export function unfoldQuestion(line: string): string {
  return line.replaceAll(PASTED_LINE_BREAK, '\n');
}

export type TerminalInput = Readable & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * A stand-in for a terminal's stdin that folds pastes (createPasteFolder) and otherwise behaves as the terminal for
 * readline: isTTY, raw mode, pause and resume pass through. `release()` detaches it from stdin (call it on close).
 */
export function createPasteAwareInput(stdin: TerminalInput): { input: TerminalInput; release(): void } {
  const folder = createPasteFolder();
  const stream = new PassThrough({ encoding: 'utf8' });
  const input: TerminalInput = stream;
  const onData = (chunk: Buffer | string) => {
    const folded = folder.fold(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    if (folded !== '') stream.write(folded);
  };
  const onEnd = () => stream.end(folder.flush());
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  Object.assign(input, {
    isTTY: stdin.isTTY,
    setRawMode: (mode: boolean) => stdin.setRawMode?.(mode),
  });
  Object.defineProperty(input, 'isRaw', { get: () => stdin.isRaw });
  const { pause, resume } = input;
  input.pause = function pauseBoth() {
    stdin.pause();
    return pause.call(this);
  };
  input.resume = function resumeBoth() {
    stdin.resume();
    return resume.call(this);
  };
  return {
    input,
    release() {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    },
  };
}

function isMarkerPrefix(tail: string): boolean {
  return PASTE_START.startsWith(tail) || PASTE_END.startsWith(tail);
}
