// Markdown tables on a terminal (src/terminal/markdown/render.ts, table.ts): columns aligned by display width, numbers
// right-aligned, tables fitted to the width.
import { test, expect } from 'vitest';
import { displayWidth } from '../../../../src/terminal/display-width.js';
import { renderMarkdown, type RenderOptions } from '../../../../src/terminal/markdown/render.js';

const PLAIN: RenderOptions = { color: false, width: 80 };
const ESC = '\u001b';
const sgr = (codes: string, text: string) => `${ESC}[${codes}m${text}${ESC}[0m`;
const table = (lines: string[], options = PLAIN) => renderMarkdown(`${lines.join('\n')}\n`, options);

/** Display columns at which each line has its `|` separators. */
function separatorColumns(line: string): number[] {
  const columns: number[] = [];
  let position = 0;
  for (const character of line) {
    if (character === '|') columns.push(position);
    position += displayWidth(character);
  }
  return columns;
}

test('columns are aligned, numeric columns right-aligned and text columns left-aligned', () => {
  expect(table(['| Symbol | Qty | Exchange |', '|---|---|---|', '| INFY | 10 | NSE |', '| TATAMOTORS | 1250 | BSE |'])).toBe(
    ['Symbol     |  Qty | Exchange', '-----------|------|---------', 'INFY       |   10 | NSE', 'TATAMOTORS | 1250 | BSE', ''].join('\n'),
  );
});

test('plain numbers in a money column get Indian grouping and two decimals; formatted ones are kept', () => {
  const output = table([
    '| Symbol | Current value |',
    '|---|---|',
    '| INFY | 1234567.5 |',
    '| TCS | ₹2,00,000.00 |',
    '| HDFC | 1,234,567 |',
    '| **Total** | **1299567.5** |',
  ]);
  expect(output).toBe(
    [
      'Symbol | Current value',
      '-------|--------------',
      'INFY   | ₹12,34,567.50',
      'TCS    |  ₹2,00,000.00',
      'HDFC   |     1,234,567',
      'Total  | ₹12,99,567.50',
      '',
    ].join('\n'),
  );
});

test('a money column in crores is not rewritten as rupees', () => {
  expect(table(['| Fund | Value (₹ Cr) |', '|---|---|', '| A | 12.5 |'])).toBe('Fund | Value (₹ Cr)\n-----|-------------\nA    |         12.5\n');
});

test('signs, percentages, parentheses and placeholders still make a numeric column', () => {
  const output = table(['| Stock | Change |', '|---|---|', '| A | +2.5% |', '| B | (1.25%) |', '| C | — |', '| D | −0.4% |']);
  expect(output).toBe('Stock |  Change\n------|--------\nA     |   +2.5%\nB     | (1.25%)\nC     |       —\nD     |   −0.4%\n');
});

test('alignment is measured in display columns, so ₹ and wide characters line up', () => {
  const lines = table(['| Name | Qty |', '|---|---|', '| 日本 | 1 |', '| ₹ test | 2 |', '| 📈 up | 3 |']).trimEnd().split('\n');
  const expected = separatorColumns(lines[0] ?? '');
  expect(expected).toEqual([7]);
  for (const line of lines) expect(separatorColumns(line)).toEqual(expected);
});

test('the delimiter row sets the alignment of text columns', () => {
  expect(table(['| Left | Centre | Right |', '|:--|:--:|--:|', '| a | b | c |'])).toBe('Left | Centre | Right\n-----|--------|------\na    |   b    |     c\n');
});

test('an escaped pipe stays inside its cell and extra cells are kept as an unnamed column', () => {
  expect(table(['| a | b |', '|---|---|', '| x \\| y | 1 | extra |'])).toBe('a     | b |\n------|---|------\nx | y | 1 | extra\n');
});

test('tabs inside cells are read as spaces, so the columns stay aligned', () => {
  expect(table(['| a | b |', '|---|---|', '| x\ty | 1 |'])).toBe('a   | b\n----|--\nx y | 1\n');
});

test('a header and delimiter without rows draw the header alone', () => {
  expect(table(['| a | b |', '|---|---|'])).toBe('a | b\n--|--\n');
});

test('a delimiter row with the wrong number of cells does not make a table', () => {
  expect(table(['| a | b |', '|---|'])).toBe('| a | b |\n|---|\n');
});

test('with colour the header is bold and the rules are dim box-drawing lines', () => {
  expect(table(['| a | b |', '|---|---|', '| x | 1 |'], { color: true, width: 80 })).toBe(
    `${sgr('1', 'a')} ${sgr('2', '│')} ${sgr('1', 'b')}\n${sgr('2', '──┼──')}\nx ${sgr('2', '│')} 1\n`,
  );
});

test('a table a little too wide shrinks its widest text column with an ellipsis', () => {
  expect(table(['| Name | Qty |', '|---|---|', '| Reliance Industries | 5 |'], { color: false, width: 20 })).toBe(
    'Name           | Qty\n---------------|----\nReliance Indu… |   5\n',
  );
});

test('a wide table fits in 60 columns by cutting text columns only, never a numeric one', () => {
  const output = table(
    [
      '| Symbol | Company | Sector | Qty | Current value |',
      '|---|---|---|---|---|',
      '| RELIANCE | Reliance Industries Limited (Mumbai) | Oil, Gas & Consumable Fuels | 15 | 2845670.5 |',
      '| HDFCBANK | HDFC Bank Limited | Financial Services and Banking | 120 | 198765.25 |',
    ],
    { color: false, width: 60 },
  );
  const lines = output.trimEnd().split('\n');
  for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(60);
  const expected = separatorColumns(lines[0] ?? '');
  for (const line of [lines[0], lines[2], lines[3]]) expect(separatorColumns(line ?? '')).toEqual(expected);
  expect(lines[2]).toMatch(/^RELIANCE \| Reliance In… \| Oil, Gas & … \|/);
  expect(lines[2]).toMatch(/\| +15 \| ₹28,45,670\.50$/);
  expect(lines[3]).toMatch(/\| +120 \| +₹1,98,765\.25$/);
});

test('a table that cannot fit even shrunk becomes one key: value block per row', () => {
  expect(table(['| Qty | Avg price | Current value |', '|---|---|---|', '| 10 | 1500 | 15000 |', '| 2 | 99.5 | 199 |'], { color: false, width: 20 })).toBe(
    [
      'Qty:           10',
      'Avg price:     ₹1,500.00',
      'Current value: ₹15,000.00',
      '',
      'Qty:           2',
      'Avg price:     ₹99.50',
      'Current value: ₹199.00',
      '',
    ].join('\n'),
  );
});

test('a column of single long tokens such as option symbols is never cut, only the prose beside it', () => {
  const lines = ['| Symbol | Note |', '|---|---|', '| NIFTY24DEC24000CE | bought on the dip today |'];
  expect(table(lines, { color: false, width: 30 })).toBe(
    'Symbol            | Note\n------------------|-----------\nNIFTY24DEC24000CE | bought on…\n',
  );
  expect(table(lines, { color: false, width: 25 })).toBe('Symbol: NIFTY24DEC24000CE\nNote:   bought on the dip today\n');
});

test('key: value blocks keep the full values and paint the keys bold with colour', () => {
  const output = table(['| Symbol | Qty |', '|---|---|', '| AVERYLONGSYMBOLNAMEINDEED | 1 |'], { color: true, width: 12 });
  expect(output).toBe(`${sgr('1', 'Symbol:')} AVERYLONGSYMBOLNAMEINDEED\n${sgr('1', 'Qty:')}    1\n`);
});

test('a table ends at the first line without a pipe, which is then rendered normally', () => {
  expect(table(['| a |', '|---|', '| 1 |', '**after**'])).toBe('a\n-\n1\nafter\n');
});
