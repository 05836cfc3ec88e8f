// The bracketed-paste fold the REPL reads through: line breaks inside ESC[200~ … ESC[201~ become ␤ (readline keeps
// them on the input line), everything else passes unchanged, markers split across reads still count, and the
// question gets its line breaks back.
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { createPasteAwareInput, createPasteFolder, PASTED_LINE_BREAK, unfoldQuestion } from '../../../src/terminal/paste-input.js';

const START = '\u001b[200~';
const END = '\u001b[201~';

test('line breaks inside a paste are folded; the Enter after it is not', () => {
  const folder = createPasteFolder();
  expect(folder.fold(`${START}a\rb\r\nc\n${END}\r`)).toBe(`${START}a${PASTED_LINE_BREAK}b${PASTED_LINE_BREAK}c${PASTED_LINE_BREAK}${END}\r`);
});

test('typed text and keys outside a paste pass unchanged', () => {
  const folder = createPasteFolder();
  expect(folder.fold('hello\r\u001b[A\u0003')).toBe('hello\r\u001b[A\u0003');
});

test('a paste and its markers split across reads are folded the same', () => {
  const folder = createPasteFolder();
  const whole = `${START}one\rtwo${END}\r`;
  let out = '';
  for (const piece of [whole.slice(0, 3), whole.slice(3, 9), whole.slice(9, 14), whole.slice(14, 17), whole.slice(17)]) out += folder.fold(piece);
  out += folder.flush();
  expect(out).toBe(`${START}one${PASTED_LINE_BREAK}two${END}\r`);
});

test('the question gets its line breaks back', () => {
  expect(unfoldQuestion(`Compare:${PASTED_LINE_BREAK}NSE:INFY${PASTED_LINE_BREAK}NSE:TCS`)).toBe('Compare:\nNSE:INFY\nNSE:TCS');
});

test('the stand-in input forwards folded data, raw mode, pause and resume, and lets go of stdin on release', async () => {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(mode: boolean) { stdin.isRaw = mode; } });
  const { input, release } = createPasteAwareInput(stdin);
  expect(input.isTTY).toBe(true);
  input.setRawMode?.(true);
  expect(stdin.isRaw).toBe(true);
  expect(input.isRaw).toBe(true);
  const received: string[] = [];
  input.on('data', (chunk: string) => received.push(chunk));
  stdin.write(`${START}a\rb${END}`);
  await new Promise((resolve) => setImmediate(resolve));
  expect(received.join('')).toBe(`${START}a${PASTED_LINE_BREAK}b${END}`);
  input.pause();
  expect(stdin.isPaused()).toBe(true);
  input.resume();
  expect(stdin.isPaused()).toBe(false);
  release();
  expect(stdin.listenerCount('data')).toBe(0);
});
