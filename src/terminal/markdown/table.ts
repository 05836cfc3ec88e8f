/**
 * GFM tables drawn for the terminal: columns aligned by display width, numeric columns right-aligned, plain numbers
 * in money columns grouped as rupees, wide tables shrunk (prose columns only, with an ellipsis) or, when even that
 * cannot fit, written as one `key: value` block per row. Recognising table lines is here too; deciding when a table
 * starts and ends in a stream is terminal/markdown/render.ts. Cells arrive sanitized; the only escapes added are SGR.
 */
import { displayWidth } from '../display-width.js';
import { paint, paintSpans, parseInline, spansText, truncateSpans, type InlineStyle, type Span } from './inline.js';
import { formatAmountCell, isAmountColumn, isNumericColumn } from './table-numbers.js';

type Alignment = 'left' | 'right' | 'center';

export interface TableLines {
  header: string;
  delimiter: string;
  rows: readonly string[];
}

/** A shrunk text column keeps at least this many columns: seven characters and the ellipsis still name something. */
const MINIMUM_SHRUNK_WIDTH = 8;
/** Between cells: a space, the rule, a space. */
const SEPARATOR_WIDTH = 3;
const DELIMITER_CELL = /^\s*(:?)-+(:?)\s*$/;

interface Glyphs {
  vertical: string;
  horizontal: string;
  cross: string;
}

/** Box drawing when painting; the plain `|` and `-` the brief asks for otherwise. */
const COLOR_GLYPHS: Glyphs = { vertical: '│', horizontal: '─', cross: '┼' };
const PLAIN_GLYPHS: Glyphs = { vertical: '|', horizontal: '-', cross: '|' };

interface Column {
  header: Span[];
  cells: Span[][];
  align: Alignment;
  /** Prose (names, sectors, notes) may lose its end; numbers and single tokens never are cut. */
  cuttable: boolean;
  width: number;
}

/** A row's cells: split on `|` not escaped with a backslash, the outer pipes dropped, `\|` read as `|`. */
export function splitTableRow(line: string): string[] {
  let text = line.replace(/\t/g, ' ').trim(); // a tab has no fixed width, so it could not be aligned
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '\\' && text[index + 1] === '|') {
      cell += '|';
      index += 1;
    } else if (character === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += character;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** A line that can belong to a table: not blank, with at least one unescaped `|`. */
export function isTableRow(line: string): boolean {
  return line.trim() !== '' && /(?:^|[^\\])\|/.test(line);
}

/** The column alignments when the line is a delimiter row (`|---|:--:|--:|`), else undefined. */
export function parseDelimiterRow(line: string): Array<Alignment | undefined> | undefined {
  if (!isTableRow(line) && !/^\s*:?-+:?\s*$/.test(line)) return undefined;
  const alignments: Array<Alignment | undefined> = [];
  for (const cell of splitTableRow(line)) {
    const match = DELIMITER_CELL.exec(cell);
    if (match === null) return undefined;
    const [, left, right] = match;
    alignments.push(left && right ? 'center' : right ? 'right' : left ? 'left' : undefined);
  }
  return alignments;
}

/** The whole table, each line ending in a newline. */
export function renderTable(lines: TableLines, options: { color: boolean; width: number }): string {
  const columns = readColumns(lines);
  if (columns.length === 0) return '';
  if (!shrinkToFit(columns, options.width)) return renderRecords(columns, options.color);
  const glyphs = options.color ? COLOR_GLYPHS : PLAIN_GLYPHS;
  const rule = paint(glyphs.vertical, ['dim'], options.color);
  const drawRow = (cellsOf: (column: Column) => Span[], styles: readonly InlineStyle[]) =>
    columns
      .map((column) => {
        const spans = truncateSpans(cellsOf(column), column.width);
        const painted = paintSpans(withStyles(spans, styles), options.color);
        return alignPainted(painted, displayWidth(spansText(spans)), column.width, column.align);
      })
      .join(` ${rule} `)
      .trimEnd();
  const separator = columns
    .map((column, index) => {
      const outer = index === 0 || index === columns.length - 1 ? 1 : 2;
      return glyphs.horizontal.repeat(column.width + (columns.length === 1 ? 0 : outer));
    })
    .join(glyphs.cross);
  const output = [
    drawRow((column) => column.header, ['bold']),
    paint(separator, ['dim'], options.color),
    ...(columns[0]?.cells ?? []).map((_, row) => drawRow((column) => column.cells[row] ?? [], [])),
  ];
  return `${output.join('\n')}\n`;
}

/** Pads painted text by the width of its plain text (escape codes take no columns). */
function alignPainted(painted: string, textWidth: number, width: number, align: Alignment): string {
  const missing = Math.max(0, width - textWidth);
  if (align === 'right') return `${' '.repeat(missing)}${painted}`;
  if (align === 'left') return `${painted}${' '.repeat(missing)}`;
  const before = Math.floor(missing / 2);
  return `${' '.repeat(before)}${painted}${' '.repeat(missing - before)}`;
}

function withStyles(spans: readonly Span[], styles: readonly InlineStyle[]): Span[] {
  if (styles.length === 0) return [...spans];
  return spans.map((span) => ({ text: span.text, styles: [...span.styles, ...styles] }));
}

function readColumns(lines: TableLines): Column[] {
  const header = splitTableRow(lines.header);
  const alignments = parseDelimiterRow(lines.delimiter) ?? [];
  const rows = lines.rows.map(splitTableRow);
  // Cells past the header's count are kept (as unnamed columns): a stray cell may be the one number that matters.
  const count = Math.max(header.length, ...rows.map((row) => row.length));
  const columns: Column[] = [];
  for (let index = 0; index < count; index += 1) {
    const headerText = header[index] ?? '';
    const cellTexts = rows.map((row) => row[index] ?? '');
    let cells = cellTexts.map((text) => parseInline(text));
    const plainCells = cells.map(spansText);
    const numeric = isNumericColumn(plainCells);
    if (numeric && isAmountColumn(spansText(parseInline(headerText)), plainCells)) cells = cells.map(formatAmount);
    const headerSpans = parseInline(headerText);
    const width = Math.max(1, ...[headerSpans, ...cells].map((spans) => displayWidth(spansText(spans))));
    const cuttable = !numeric && cells.every((spans) => isProse(spansText(spans)));
    columns.push({ header: headerSpans, cells, align: numeric ? 'right' : (alignments[index] ?? 'left'), cuttable, width });
  }
  return columns;
}

/**
 * Short cells, or cells of several words. A long single token is a trading symbol, an order id or a URL: cut, it
 * could read as a different instrument (NIFTY24DEC24000CE → NIFTY24…), so its column stays whole.
 */
function isProse(text: string): boolean {
  return displayWidth(text) <= MINIMUM_SHRUNK_WIDTH || /\s/.test(text.trim());
}

/** Rewrites a cell that is one span holding a plain number; a cell mixing styles is left exactly as written. */
function formatAmount(spans: Span[]): Span[] {
  const [only] = spans;
  if (spans.length !== 1 || only === undefined) return spans;
  const formatted = formatAmountCell(only.text);
  return formatted === undefined ? spans : [{ text: formatted, styles: only.styles }];
}

function tableWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, column) => sum + column.width, 0) + SEPARATOR_WIDTH * (columns.length - 1);
}

/** Narrows the widest cuttable column one step at a time; false when the table still does not fit in `width`. */
function shrinkToFit(columns: Column[], width: number): boolean {
  let excess = tableWidth(columns) - width;
  while (excess > 0) {
    const candidates = columns.filter((column) => column.cuttable && column.width > MINIMUM_SHRUNK_WIDTH);
    const widest = candidates.reduce<Column | undefined>((best, column) => (best === undefined || column.width > best.width ? column : best), undefined);
    if (widest === undefined) return false;
    widest.width -= 1;
    excess -= 1;
  }
  return true;
}

/** One block per row, `key: value` with the values aligned, a blank line between blocks; values are never cut. */
function renderRecords(columns: readonly Column[], color: boolean): string {
  const keys = columns.map((column, index) => spansText(column.header) || `column ${index + 1}`);
  const keyWidth = Math.max(...keys.map(displayWidth));
  const rowCount = columns[0]?.cells.length ?? 0;
  if (rowCount === 0) return `${paint(keys.join(', '), ['bold'], color)}\n`;
  const blocks: string[] = [];
  for (let row = 0; row < rowCount; row += 1) {
    const lines = columns.map((column, index) => {
      const key = keys[index] ?? '';
      const value = paintSpans(column.cells[row] ?? [], color);
      return `${paint(`${key}:`, ['bold'], color)}${' '.repeat(keyWidth - displayWidth(key))} ${value}`.trimEnd();
    });
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
