// Terminal display widths (src/terminal/display-width.ts): wide and zero-width characters, and cutting text to a width
// without splitting a character.
import { test, expect } from 'vitest';
import { cutWithEllipsis, displayWidth, joinWithinWidth, truncateToWidth } from '../../../src/terminal/display-width.js';

test.each([
  ['empty text', '', 0],
  ['ASCII', 'INFY', 4],
  ['the rupee sign is one column', '₹', 1],
  ['an Indian amount', '₹1,23,456.78', 12],
  ['CJK ideographs are two columns each', '日本', 4],
  ['Hangul syllables are two columns', '한국', 4],
  ['fullwidth Latin is two columns', 'Ａ', 2],
  ['an emoji shown as a picture is two columns', '📈', 2],
  ['a zero-width joiner sequence is one picture', '👨‍👩‍👧', 2],
  ['a flag of two regional indicators is one picture', '🇮🇳', 2],
  ['a combining accent adds nothing', 'e\u0301', 1],
  ['a zero-width space adds nothing', 'a\u200bb', 2],
  ['a zero-width joiner alone adds nothing', 'a\u200db', 1],
  ['a variation selector adds nothing', '✔\ufe0e', 1],
  ['Devanagari virama and vowel signs add nothing', 'नमस्ते', 4],
  ['the ellipsis is one column', '…', 1],
])('displayWidth counts %s', (_name, text, width) => {
  expect(displayWidth(text)).toBe(width);
});

test('text that fits is returned unchanged', () => {
  expect(truncateToWidth('₹12,34,567', 10)).toBe('₹12,34,567');
});

test('text that does not fit is cut with an ellipsis within the width', () => {
  const cut = truncateToWidth('₹12,34,567', 5);
  expect(cut).toBe('₹12,…');
  expect(displayWidth(cut)).toBe(5);
});

test('a wide character is never split when cutting', () => {
  expect(truncateToWidth('日本語', 4)).toBe('日…');
});

test('a surrogate pair is never split when cutting', () => {
  expect(truncateToWidth('📈📈📈', 4)).toBe('📈…');
});

test('cutWithEllipsis always cuts, even text that would fit exactly', () => {
  expect(cutWithEllipsis('abcd', 4)).toBe('abc…');
  expect(cutWithEllipsis('abcd', 0)).toBe('');
});

test('joinWithinWidth keeps parts on one line while they fit, and starts a new line before the part that would not', () => {
  expect(joinWithinWidth(['kite-chat', 'server https://a.example/sse', 'model m'], ' · ', 80)).toBe('kite-chat · server https://a.example/sse · model m');
  expect(joinWithinWidth(['kite-chat', 'server https://a.example/sse', 'model m'], ' · ', 40)).toBe('kite-chat · server https://a.example/sse\nmodel m');
  expect(joinWithinWidth(['ab', 'cd'], ' · ', 7)).toBe('ab · cd'); // exactly the width fits
  expect(joinWithinWidth(['ab', 'cd'], ' · ', 6)).toBe('ab\ncd');
});

test('joinWithinWidth keeps a part wider than the line whole, and counts wide characters as two columns', () => {
  expect(joinWithinWidth(['a', 'https://very-long.example/path', 'b'], ' · ', 10)).toBe('a\nhttps://very-long.example/path\nb');
  expect(joinWithinWidth(['日本', '日本'], ' ', 8)).toBe('日本\n日本');
  expect(joinWithinWidth(['日本', '日本'], ' ', 9)).toBe('日本 日本');
  expect(joinWithinWidth([], ' · ', 10)).toBe('');
});
