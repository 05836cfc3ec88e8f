// The Markdown renderer (src/terminal/markdown/render.ts): headings, emphasis, links, lists, quotes, rules and code fences.
// untrusted text sanitised.
import { test, expect } from 'vitest';
import { createMarkdownStream, renderMarkdown, type RenderOptions } from '../../../../src/terminal/markdown/render.js';

const PLAIN: RenderOptions = { color: false, width: 80 };
const COLOR: RenderOptions = { color: true, width: 80 };
const ESC = '\u001b';
const RESET = `${ESC}[0m`;
const sgr = (codes: string, text: string) => `${ESC}[${codes}m${text}${RESET}`;

/** Every construct at once: the document the streaming tests split in every way. */
const DOCUMENT = [
  '# Your portfolio ##',
  '',
  'You hold **12 stocks** worth *about* `₹12 lakh`; see [Kite](https://kite.zerodha.com) or <https://zerodha.com>.',
  '',
  '| Symbol | Qty | Current value | P&L |',
  '|:--|--:|--|--|',
  '| INFY | 10 | 1234567.5 | -300 |',
  '| TCS | 5 | ₹2,00,000.00 | +1200.25 |',
  'Two holdings are in profit.',
  '',
  '- one',
  '  * nested',
  '1. first',
  '2) second',
  '> a **quoted** line',
  '***',
  '```ts',
  'const total = a * b; // *not* emphasis',
  '',
  '```',
  '~~~',
  '| not | a table |',
  '~~~',
  'The end',
].join('\n');

const render = (lines: string[], options = PLAIN) => renderMarkdown(lines.join('\n'), options);

test('a heading is bold, without its hashes', () => {
  expect(renderMarkdown('## Holdings ##\n', COLOR)).toBe(`${sgr('1', 'Holdings')}\n`);
  expect(renderMarkdown('## Holdings ##\n', PLAIN)).toBe('Holdings\n');
});

test('a hash not followed by a space is not a heading', () => {
  expect(renderMarkdown('#INFY is up', PLAIN)).toBe('#INFY is up\n');
});

test('bold, italic and inline code are painted and their markers removed', () => {
  const text = 'a **bold** b *italic* c _also italic_ d `code`';
  expect(renderMarkdown(text, COLOR)).toBe(`a ${sgr('1', 'bold')} b ${sgr('3', 'italic')} c ${sgr('3', 'also italic')} d ${sgr('36', 'code')}\n`);
  expect(renderMarkdown(text, PLAIN)).toBe('a bold b italic c also italic d code\n');
});

test('emphasis nests: bold inside italic keeps both styles', () => {
  expect(renderMarkdown('*a **b** c*', COLOR)).toBe(`${sgr('3', 'a ')}${sgr('3;1', 'b')}${sgr('3', ' c')}\n`);
  expect(renderMarkdown('***both***', COLOR)).toBe(`${sgr('1;3', 'both')}\n`);
});

test.each([
  ['snake_case names', 'call get_holdings_list now', 'call get_holdings_list now'],
  ['arithmetic with spaced stars', '2 * 3 * 4 = 24', '2 * 3 * 4 = 24'],
  ['an unclosed star', 'note* this', 'note* this'],
  ['backslash escapes', '\\*not italic\\* and \\_ and \\`', '*not italic* and _ and `'],
  ['markup inside code spans', '`**x**` and ``a ` b``', '**x** and a ` b'],
  ['strikethrough', '~~old~~ new', '~~old~~ new'],
])('%s: left as written', (_name, text, plain) => {
  expect(renderMarkdown(text, PLAIN)).toBe(`${plain}\n`);
});

test('links show their text and their full address', () => {
  expect(renderMarkdown('see [Kite](https://kite.zerodha.com/?a=1) now', PLAIN)).toBe('see Kite (https://kite.zerodha.com/?a=1) now\n');
  expect(renderMarkdown('[Kite](https://kite.zerodha.com)', COLOR)).toBe(`${sgr('4', 'Kite')} (https://kite.zerodha.com)\n`);
  expect(renderMarkdown('[https://x.in](https://x.in) <https://y.in>', PLAIN)).toBe('https://x.in https://y.in\n');
  expect(renderMarkdown('![chart](https://x.in/c.png "title")', PLAIN)).toBe('chart (https://x.in/c.png)\n');
  expect(renderMarkdown('[not a link] (x)', PLAIN)).toBe('[not a link] (x)\n');
});

test('bullet lists get a proper bullet and keep their nesting', () => {
  expect(render(['- one', '* two', '  + nested **bold**'])).toBe('• one\n• two\n  • nested bold\n');
});

test('numbered lists keep their numbers', () => {
  expect(render(['1. first', '2) second', '10. tenth'])).toBe('1. first\n2) second\n10. tenth\n');
});

test('block quotes get a bar, and their content is rendered', () => {
  expect(render(['> a **quote**', '> - item', '>'])).toBe('│ a quote\n│ • item\n│\n');
  expect(renderMarkdown('> hi', COLOR)).toBe(`${sgr('2', '│')} hi\n`);
});

test('horizontal rules become a line no wider than the terminal', () => {
  expect(render(['---', '* * *', '___'], { color: false, width: 10 })).toBe(`${'─'.repeat(10)}\n`.repeat(3));
  expect(renderMarkdown('---', PLAIN)).toBe(`${'─'.repeat(40)}\n`);
});

test('fenced code blocks are kept verbatim and indented, without their fences', () => {
  const lines = ['```python', 'x = a * b  # **not bold**', '', '  indented', '```', 'after'];
  expect(render(lines)).toBe('  x = a * b  # **not bold**\n\n    indented\nafter\n');
  expect(render(['~~~', 'code', '~~~'], COLOR)).toBe(`  ${sgr('36', 'code')}\n`);
});

test('a code fence closes only with the same character and at least the same length', () => {
  expect(render(['````', '```', '~~~', '````', 'out'])).toBe('  ```\n  ~~~\nout\n');
});

test('a fence indented under a list item is code, with the fence indent taken off its lines', () => {
  expect(render(['1. Run:', '    ```bash', '    npm i **x**', '      nested', '    ```', '2. Done'])).toBe(
    '1. Run:\n  npm i **x**\n    nested\n2. Done\n',
  );
});

test('an unclosed code fence ends with the answer', () => {
  expect(render(['```', 'still code'])).toBe('  still code\n');
});

test('every line ends with a newline, including a last line that had none', () => {
  expect(renderMarkdown('one\ntwo', PLAIN)).toBe('one\ntwo\n');
  expect(renderMarkdown('', PLAIN)).toBe('');
});

test('trailing spaces and backslashes that mark hard breaks are dropped', () => {
  expect(render(['line one  ', 'line two\\', 'three'])).toBe('line one\nline two\nthree\n');
});

test('each completed line is written as soon as its newline arrives', () => {
  const stream = createMarkdownStream(PLAIN);
  expect(stream.push('Hello **wor')).toBe('');
  expect(stream.push('ld**\nsecond')).toBe('Hello world\n');
  expect(stream.push(' line\n')).toBe('second line\n');
  expect(stream.flush()).toBe('');
});

test('a table is held until it ends and then drawn whole', () => {
  const stream = createMarkdownStream(PLAIN);
  expect(stream.push('| a | b |\n')).toBe('');
  expect(stream.push('|---|---|\n')).toBe('');
  expect(stream.push('| 1 | x |\n')).toBe('');
  expect(stream.push('after\n')).toBe('a | b\n--|--\n1 | x\nafter\n');
});

test('a line with a pipe that turns out not to start a table is written with the next line', () => {
  const stream = createMarkdownStream(PLAIN);
  expect(stream.push('either | or\n')).toBe('');
  expect(stream.push('next\n')).toBe('either | or\nnext\n');
  expect(stream.push('a | b\n---\n')).toBe(`a | b\n${'─'.repeat(40)}\n`);
});

test('flush draws a table still open at the end of the answer', () => {
  const stream = createMarkdownStream(PLAIN);
  expect(stream.push('| k | v |\n|---|---|\n| 1 | 2 |')).toBe('');
  expect(stream.flush()).toBe('k | v\n--|--\n1 | 2\n');
});

test('a stream can be used again after flush', () => {
  const stream = createMarkdownStream(PLAIN);
  stream.push('```\nopen code');
  stream.flush();
  expect(stream.push('**fresh**\n')).toBe('fresh\n');
});

test.each([
  ['plain', PLAIN],
  ['colour', COLOR],
  ['colour, narrow', { color: true, width: 30 }],
])('streamed one character at a time gives the same output as whole (%s)', (_name, options) => {
  const stream = createMarkdownStream(options);
  let streamed = '';
  for (const character of DOCUMENT) streamed += stream.push(character);
  streamed += stream.flush();
  expect(streamed).toBe(renderMarkdown(DOCUMENT, options));
});

test('streamed in uneven chunks, including split surrogate pairs and CRLF, gives the same output as whole', () => {
  const text = `${DOCUMENT.replace(/\n/g, '\r\n')}\r\n📈 done`;
  const whole = renderMarkdown(text, COLOR);
  for (const size of [2, 3, 5, 7, 13]) {
    const stream = createMarkdownStream(COLOR);
    let streamed = '';
    for (let index = 0; index < text.length; index += size) streamed += stream.push(text.slice(index, index + size));
    expect(streamed + stream.flush()).toBe(whole);
  }
});

test('the whole document renders each construct as expected (plain)', () => {
  expect(renderMarkdown(DOCUMENT, PLAIN)).toBe(
    [
      'Your portfolio',
      '',
      'You hold 12 stocks worth about ₹12 lakh; see Kite (https://kite.zerodha.com) or https://zerodha.com.',
      '',
      'Symbol | Qty | Current value |        P&L',
      '-------|-----|---------------|-----------',
      'INFY   |  10 | ₹12,34,567.50 |   -₹300.00',
      'TCS    |   5 |  ₹2,00,000.00 | +₹1,200.25',
      'Two holdings are in profit.',
      '',
      '• one',
      '  • nested',
      '1. first',
      '2) second',
      '│ a quoted line',
      '─'.repeat(40),
      '  const total = a * b; // *not* emphasis',
      '',
      '  | not | a table |',
      'The end',
      '',
    ].join('\n'),
  );
});

test('with color false the output has no escape sequence at all', () => {
  expect(renderMarkdown(DOCUMENT, PLAIN)).not.toContain(ESC);
  expect(renderMarkdown(DOCUMENT, { color: false, width: 20 })).not.toContain(ESC);
});

test('with colour the only escapes are SGR codes for bold, dim, italic, underline and cyan', () => {
  const output = renderMarkdown(DOCUMENT, COLOR);
  const escapes = output.match(/\u001b[^a-zA-Z]*[a-zA-Z]/g) ?? [];
  expect(escapes.length).toBeGreaterThan(0);
  for (const escape of escapes) expect(escape).toMatch(/^\u001b\[(?:0|[1-4](?:;[1-4])*|36|3;36|1;36|3;1|1;3)m$/);
});

test('escape sequences in the input are removed before styling, even split across chunks', () => {
  const hostile = `**${ESC}[31mred${ESC}[0m** ${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\ \u009b2J${ESC}]52;c;ZXZpbA==\u0007done\rX\n`;
  expect(renderMarkdown(hostile, PLAIN)).toBe('red click doneX\n');
  expect(renderMarkdown(hostile, COLOR)).toBe(`${sgr('1', 'red')} click doneX\n`);
  const stream = createMarkdownStream(PLAIN);
  let streamed = '';
  for (const character of hostile) streamed += stream.push(character);
  expect(streamed + stream.flush()).toBe('red click doneX\n');
});

test('an escape sequence inside a code block or a table cell is removed too', () => {
  const text = ['```', `rm ${ESC}[2K-rf`, '```', '| a |', '|---|', `| ${ESC}]0;title${ESC}\\ok |`].join('\n');
  expect(renderMarkdown(text, PLAIN)).toBe('  rm -rf\na\n--\nok\n');
});

test('a bare address is kept exactly as written, underscores and stars included', () => {
  const link = 'https://kite.zerodha.com/connect/login?api_key=kite_mcp&x=_a_b_&y=*c*';
  expect(renderMarkdown(`Open ${link}.`, PLAIN)).toBe(`Open ${link}.\n`);
  expect(renderMarkdown(`(see ${link}) and _this_`, PLAIN)).toBe(`(see ${link}) and this\n`);
});
