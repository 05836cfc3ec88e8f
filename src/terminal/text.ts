/**
 * Makes untrusted text (model answers, server results, links) safe to write to a terminal: no escape sequences,
 * no control characters but newline and tab, no line-overwriting carriage returns, no bidi overrides (PEERS.md R14).
 * A small state machine, so streamed text is cleaned the same way however it is split into chunks.
 * Pure: text in, text out. Colour and other styling are added by terminal/ui.ts after this, never before.
 */

const ESC = '\u001b';
const BEL = '\u0007';
const CAN = '\u0018';
const SUB = '\u001a';
/** 8-bit introducers: xterm and others honour these C1 characters like ESC [, ESC ] and friends. */
const C1_CSI = '\u009b';
const C1_STRING_STARTS = new Set(['\u0090', '\u0098', '\u009d', '\u009e', '\u009f']); // DCS, SOS, OSC, PM, APC
const C1_ST = '\u009c';
/** After ESC: `[` starts a CSI; `]` OSC, `P` DCS, `X` SOS, `^` PM, `_` APC start strings that run until ST/BEL. */
const STRING_INTRODUCERS = new Set([']', 'P', 'X', '^', '_']);
/** Bidi embeddings, overrides, isolates and marks: they reorder what is shown (the "Trojan Source" trick). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** Anything that needs the state machine; text without any of these passes through untouched. */
const NEEDS_WORK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** A name or a value on one line: a server can send a page where a user name belongs. */
const MAX_INLINE_CHARS = 200;

type State = 'text' | 'escape' | 'escape-intermediate' | 'csi' | 'string';

export interface StreamSanitizer {
  /** Cleans one chunk; an escape sequence or `\r` cut off at the chunk's end is held back until the next push. */
  push(chunk: string): string;
  /** Ends the stream: whatever is still held back is an unfinished sequence (or a lone `\r`) and is dropped. */
  flush(): string;
}

export function sanitizeForTerminal(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  const sanitizer = createStreamSanitizer();
  return sanitizer.push(text) + sanitizer.flush();
}

/**
 * Untrusted text for the middle of a line (a user name in the prompt, a value in a message): sanitised, its line
 * breaks and tabs folded to single spaces, trimmed and cut to a sensible length. For any caller that prints such text.
 */
export function oneLineForTerminal(text: string): string {
  const line = sanitizeForTerminal(text).replace(/\s+/g, ' ').trim();
  if (line.length <= MAX_INLINE_CHARS) return line;
  const cut = line.slice(0, MAX_INLINE_CHARS - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * Text where only printable ASCII may appear (a tool name, a host in a warning): every other character, spaces
 * included, becomes `?`, and text longer than `max` is cut to `max` characters followed by `…`.
 */
export function printableAscii(text: string, max: number): string {
  const printable = text.replace(/[^\x21-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** The sanitizer's state between chunks. */
interface Machine {
  state: State;
  /** A \r was seen: it is dropped unless a \n follows. */
  carriageReturnPending: boolean;
  /** A high surrogate at a chunk's end waits for its pair: written alone, a stream would encode it as U+FFFD. */
  highSurrogatePending: string;
}

export function createStreamSanitizer(): StreamSanitizer {
  const machine: Machine = { state: 'text', carriageReturnPending: false, highSurrogatePending: '' };
  return { push: (chunk) => push(machine, chunk), flush: () => flush(machine) };
}

function push(machine: Machine, chunk: string): string {
  let input = machine.highSurrogatePending + chunk;
  machine.highSurrogatePending = '';
  if (isHighSurrogate(input.at(-1) ?? '')) {
    machine.highSurrogatePending = input.slice(-1);
    input = input.slice(0, -1);
  }
  if (machine.state === 'text' && !machine.carriageReturnPending && !NEEDS_WORK.test(input)) return input;
  let output = '';
  for (const character of input.split('')) output += step(machine, character);
  return output;
}

function flush(machine: Machine): string {
  const rest = machine.highSurrogatePending === '' ? '' : step(machine, machine.highSurrogatePending);
  machine.state = 'text';
  machine.carriageReturnPending = false;
  machine.highSurrogatePending = '';
  return rest;
}

/** Feeds one UTF-16 code unit through the machine and returns what may be shown of it ('' for most controls). */
function step(machine: Machine, character: string): string {
  switch (machine.state) {
    case 'text':
      return stepText(machine, character);
    case 'escape':
      return stepEscape(machine, character);
    case 'escape-intermediate':
      return stepEscapeIntermediate(machine, character);
    case 'csi':
      return stepCsi(machine, character);
    case 'string':
      return stepString(machine, character);
  }
}

function stepText(machine: Machine, character: string): string {
  if (machine.carriageReturnPending) {
    machine.carriageReturnPending = false;
    if (character === '\n') return '\n'; // \r\n is an ordinary line end
    // a \r before anything else would move the cursor back over the line: it is dropped
  }
  if (character === '\r') machine.carriageReturnPending = true;
  else if (character === ESC) machine.state = 'escape';
  else if (character === C1_CSI) machine.state = 'csi';
  else if (C1_STRING_STARTS.has(character)) machine.state = 'string';
  else if (character === '\n' || character === '\t') return character;
  else if (!isControl(character) && !BIDI_CONTROLS.test(character)) return character;
  return '';
}

function stepEscape(machine: Machine, character: string): string {
  if (character === '[') machine.state = 'csi';
  else if (STRING_INTRODUCERS.has(character)) machine.state = 'string';
  else if (character === ESC) machine.state = 'escape'; // the first ESC was lone; this one starts afresh
  else if (isIntermediate(character)) machine.state = 'escape-intermediate';
  else if (isEscapeFinal(character)) machine.state = 'text'; // a two-character sequence such as ESC c (reset) or ESC 7
  else {
    machine.state = 'text'; // a lone ESC before ordinary text: drop the ESC, keep the text
    return stepText(machine, character);
  }
  return '';
}

function stepEscapeIntermediate(machine: Machine, character: string): string {
  if (isIntermediate(character)) return '';
  machine.state = 'text';
  if (isEscapeFinal(character)) return ''; // e.g. ESC ( B, a character-set designation
  return stepText(machine, character);
}

function stepCsi(machine: Machine, character: string): string {
  const code = character.charCodeAt(0);
  if (code >= 0x20 && code <= 0x3f) return ''; // parameters and intermediates
  machine.state = 'text';
  if (code >= 0x40 && code <= 0x7e) return ''; // the final byte
  // Anything else breaks the sequence off: terminals abandon it, and so do we, then read the character afresh.
  if (character === CAN || character === SUB) return '';
  return stepText(machine, character);
}

function stepString(machine: Machine, character: string): string {
  // ESC ends the string too: ESC \ is the terminator (itself a complete escape); any other ESC starts a new one.
  if (character === ESC) machine.state = 'escape';
  else if (character === BEL || character === C1_ST || character === CAN || character === SUB) machine.state = 'text';
  return ''; // the string's content (an OSC 8 target, an OSC 52 clipboard payload, a title) is never shown
}

function isControl(character: string): boolean {
  const code = character.charCodeAt(0);
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function isIntermediate(character: string): boolean {
  const code = character.charCodeAt(0);
  return code >= 0x20 && code <= 0x2f;
}

function isEscapeFinal(character: string): boolean {
  const code = character.charCodeAt(0);
  return code >= 0x30 && code <= 0x7e;
}

function isHighSurrogate(character: string): boolean {
  const code = character.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff;
}
