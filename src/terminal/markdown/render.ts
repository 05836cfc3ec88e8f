/**
 * The model's Markdown answer as terminal text, streamed line by line: each line is written as soon as its newline
 * arrives, except tables, which are held until they end and then drawn aligned (terminal/markdown/table.ts). Input is
 * untrusted: it passes the terminal sanitizer before any SGR of ours is added, and with color false the output has
 * no escape sequence at all. Pure: deltas in, text to write out; the caller owns the terminal.
 */
import { createStreamSanitizer, type StreamSanitizer } from '../text.js';
import { paint, renderInline, type InlineStyle } from './inline.js';
import { isTableRow, parseDelimiterRow, renderTable, splitTableRow } from './table.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal columns: wider tables are shrunk or written as key: value blocks. */
  width: number;
}

interface MarkdownStream {
  /** Takes the next piece of the answer; returns the text of the lines it completed (often ''). */
  push(delta: string): string;
  /** Ends the answer: returns whatever was held (a last line without a newline, an open table). */
  flush(): string;
}

/** A rule as wide as the terminal reads as a page break; this wide reads as a section break. */
const MAXIMUM_RULE_WIDTH = 40;
/** Code blocks are set off by this indent, so they stand apart even without colour. */
const CODE_INDENT = '  ';

/** Any indent, not CommonMark's three spaces: models indent fences under list items, and mean them as code. */
const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})([^`]*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const BULLET = /^([ \t]*)[-*+][ \t]+(.*)$/;
const ORDERED = /^([ \t]*)(\d{1,9}[.)])[ \t]+(.*)$/;

type State =
  | { kind: 'text' }
  /** A line with a `|` that starts a table if the next line is a delimiter row. */
  | { kind: 'maybe-table'; header: string }
  | { kind: 'table'; header: string; delimiter: string; rows: string[] }
  /** `indent`: the fence's own indent, taken off each code line so code under a list item is not pushed right. */
  | { kind: 'code'; fence: string; indent: number };

export function renderMarkdown(text: string, options: RenderOptions): string {
  const stream = createMarkdownStream(options);
  return stream.push(text) + stream.flush();
}

/** The stream's state between deltas: the block it is in and the line not yet ended. */
interface Renderer {
  options: RenderOptions;
  /** One for the stream's life: its flush() leaves it as new. */
  readonly sanitizer: StreamSanitizer;
  state: State;
  partialLine: string;
}

export function createMarkdownStream(options: RenderOptions): MarkdownStream {
  const renderer: Renderer = { options, sanitizer: createStreamSanitizer(), state: { kind: 'text' }, partialLine: '' };
  return {
    push: (delta) => takeLines(renderer, renderer.sanitizer.push(delta)),
    flush: () => flushRenderer(renderer),
  };
}

function flushRenderer(renderer: Renderer): string {
  let output = takeLines(renderer, renderer.sanitizer.flush());
  if (renderer.partialLine !== '') output += takeLine(renderer, renderer.partialLine);
  renderer.partialLine = '';
  if (renderer.state.kind === 'table') output += endTable(renderer);
  if (renderer.state.kind === 'maybe-table') output += `${renderLine(renderer.state.header, renderer.options)}\n`;
  // An unclosed code fence simply ends with the answer.
  renderer.state = { kind: 'text' };
  return output;
}

function takeLines(renderer: Renderer, clean: string): string {
  // Most deltas end no line: appending alone keeps a long line streamed in tiny pieces linear, not quadratic.
  if (!clean.includes('\n')) {
    renderer.partialLine += clean;
    return '';
  }
  const pieces = (renderer.partialLine + clean).split('\n');
  renderer.partialLine = pieces.pop() ?? '';
  return pieces.map((line) => takeLine(renderer, line)).join('');
}

/** One complete line in; the output it releases out (each output line ends with a newline). */
function takeLine(renderer: Renderer, line: string): string {
  const { state, options } = renderer;
  switch (state.kind) {
    case 'code':
      if (closesFence(line, state.fence)) {
        renderer.state = { kind: 'text' };
        return '';
      }
      return `${renderCodeLine(removeIndent(line, state.indent), options)}\n`;
    case 'table':
      if (isTableRow(line)) {
        state.rows.push(line);
        return '';
      }
      return endTable(renderer) + takeLine(renderer, line);
    case 'maybe-table': {
      const header = state.header;
      const alignments = parseDelimiterRow(line);
      if (alignments !== undefined && alignments.length === splitTableRow(header).length) {
        renderer.state = { kind: 'table', header, delimiter: line, rows: [] };
        return '';
      }
      renderer.state = { kind: 'text' };
      return `${renderLine(header, options)}\n${takeLine(renderer, line)}`;
    }
    case 'text':
      return takeTextLine(renderer, line);
  }
}

function takeTextLine(renderer: Renderer, line: string): string {
  const fence = FENCE_OPEN.exec(line);
  if (fence !== null) {
    renderer.state = { kind: 'code', fence: fence[2] ?? '```', indent: (fence[1] ?? '').length };
    return '';
  }
  if (isTableRow(line) && blockKind(line) === 'paragraph') {
    renderer.state = { kind: 'maybe-table', header: line };
    return '';
  }
  return `${renderLine(line, renderer.options)}\n`;
}

function endTable(renderer: Renderer): string {
  if (renderer.state.kind !== 'table') return '';
  const table = renderer.state;
  renderer.state = { kind: 'text' };
  return renderTable(table, renderer.options);
}

function closesFence(line: string, fence: string): boolean {
  const match = FENCE_CLOSE.exec(line);
  const closing = match?.[1];
  return closing !== undefined && closing[0] === fence[0] && closing.length >= fence.length;
}

/** Up to `indent` leading spaces or tabs off the line; code indented less than its fence keeps what it has. */
function removeIndent(line: string, indent: number): string {
  const leading = /^[ \t]*/.exec(line)?.[0].length ?? 0;
  return line.slice(Math.min(indent, leading));
}

function renderCodeLine(line: string, options: RenderOptions): string {
  if (line.trim() === '') return '';
  return `${CODE_INDENT}${paint(line, ['code'], options.color)}`;
}

type BlockKind = 'blank' | 'heading' | 'rule' | 'quote' | 'bullet' | 'ordered' | 'paragraph';

function blockKind(line: string): BlockKind {
  if (line.trim() === '') return 'blank';
  if (HEADING.test(line)) return 'heading';
  if (RULE.test(line)) return 'rule'; // before bullets: `* * *` is a rule, not an item
  if (QUOTE.test(line)) return 'quote';
  if (BULLET.test(line)) return 'bullet';
  if (ORDERED.test(line)) return 'ordered';
  return 'paragraph';
}

/** One line outside code and tables, without its newline. */
function renderLine(line: string, options: RenderOptions): string {
  const { color } = options;
  const inline = (text: string, styles: readonly InlineStyle[] = []) => renderInline(text, color, styles);
  switch (blockKind(line)) {
    case 'blank':
      return '';
    case 'heading': {
      // Closing hashes (`## Title ##`) are decoration.
      const text = (HEADING.exec(line)?.[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      return inline(text, ['bold']);
    }
    case 'rule':
      return paint('─'.repeat(Math.max(1, Math.min(options.width, MAXIMUM_RULE_WIDTH))), ['dim'], color);
    case 'quote': {
      const inner = QUOTE.exec(line)?.[1] ?? '';
      return `${paint('│', ['dim'], color)} ${renderLine(inner, options)}`.trimEnd();
    }
    case 'bullet': {
      const [, indent = '', text = ''] = BULLET.exec(line) ?? [];
      return `${indent}• ${inline(text.trimEnd())}`;
    }
    case 'ordered': {
      const [, indent = '', marker = '', text = ''] = ORDERED.exec(line) ?? [];
      return `${indent}${marker} ${inline(text.trimEnd())}`;
    }
    case 'paragraph':
      // Trailing spaces or a backslash mark a Markdown hard break: the line ends here anyway.
      return inline(line.replace(/(?:[ \t]+|\\)$/, ''));
  }
}
