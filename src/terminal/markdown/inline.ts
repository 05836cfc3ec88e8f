/**
 * Markdown inside one line (emphasis, `code`, links, backslash escapes) read into styled spans, and spans painted
 * with SGR or left plain. Text must already have passed the terminal sanitizer: the only escapes in the output are
 * the SGR codes added here, each span closed with a reset so no style leaks past it. Block structure is
 * terminal/markdown/render.ts; cutting spans to a width is here so tables keep their styles when a cell is shortened.
 */
import { cutWithEllipsis, displayWidth, ELLIPSIS } from '../display-width.js';
import { RESET } from '../styles.js';

export type InlineStyle = 'bold' | 'italic' | 'underline' | 'dim' | 'code';

export interface Span {
  text: string;
  styles: readonly InlineStyle[];
}

/** SGR parameters: bold, dim, italic, underline, and cyan for code; nothing else is ever written. */
const SGR_CODES: Record<InlineStyle, string> = { bold: '1', dim: '2', italic: '3', underline: '4', code: '36' };

/** CommonMark lets a backslash escape any ASCII punctuation character. */
const ESCAPABLE = /^[!-/:-@[-`{-~]$/;
const AUTOLINK = /^<((?:https?|mailto):[^\s<>]+)>/i;
/** A bare address: kept exactly as written, so `_` or `*` in a query string never turns into emphasis. */
const BARE_URL = /^(?:https?:\/\/|www\.)[^\s<>]*[^\s<>.,:;!?'")\]*_]/i;
const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;
const WHITESPACE = /^\s$/u;

export function parseInline(text: string, styles: readonly InlineStyle[] = []): Span[] {
  const spans: Span[] = [];
  parseInto(text, styles, spans);
  return spans;
}

export function spansText(spans: readonly Span[]): string {
  return spans.map((span) => span.text).join('');
}

/** Each styled span opens its own SGR and ends with a reset; with color false the text alone. */
export function paintSpans(spans: readonly Span[], color: boolean): string {
  return spans
    .map((span) => {
      if (!color || span.styles.length === 0 || span.text === '') return span.text;
      const codes = [...new Set(span.styles)].map((style) => SGR_CODES[style]);
      return `\u001b[${codes.join(';')}m${span.text}${RESET}`;
    })
    .join('');
}

export function paint(text: string, styles: readonly InlineStyle[], color: boolean): string {
  return paintSpans([{ text, styles }], color);
}

export function renderInline(text: string, color: boolean, styles: readonly InlineStyle[] = []): string {
  return paintSpans(parseInline(text, styles), color);
}

/** The spans cut to maxWidth columns, the last one ending in an ellipsis that keeps that span's style. */
export function truncateSpans(spans: readonly Span[], maxWidth: number): Span[] {
  if (displayWidth(spansText(spans)) <= maxWidth) return [...spans];
  const kept: Span[] = [];
  let remaining = maxWidth;
  for (const span of spans) {
    const width = displayWidth(span.text);
    // A span that fills the rest exactly is cut too: the ellipsis needs its column, as later spans are dropped.
    if (width < remaining) {
      kept.push(span);
      remaining -= width;
      continue;
    }
    kept.push({ text: cutWithEllipsis(span.text, remaining), styles: span.styles });
    return kept;
  }
  // Every span fitted yet the whole did not: only no spans at all with a negative (or NaN) maxWidth get here, since
  // a span that fills the rest exactly is cut above and the spans' widths add up to at least the whole's.
  kept.push({ text: ELLIPSIS, styles: [] });
  return kept;
}

function parseInto(text: string, styles: readonly InlineStyle[], spans: Span[]): void {
  let literal = '';
  const pushLiteral = () => {
    if (literal !== '') spans.push({ text: literal, styles });
    literal = '';
  };
  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? '';
    const next = text[index + 1] ?? '';
    if (character === '\\' && ESCAPABLE.test(next)) {
      literal += next;
      index += 2;
      continue;
    }
    if (character === '`') {
      const run = runLength(text, index, '`');
      const close = findBacktickRun(text, index + run, run);
      if (close === -1) {
        literal += '`'.repeat(run);
      } else {
        pushLiteral();
        spans.push({ text: codeSpanContent(text.slice(index + run, close)), styles: [...styles, 'code'] });
      }
      index = close === -1 ? index + run : close + run;
      continue;
    }
    const linkStart = character === '[' ? index : character === '!' && next === '[' ? index + 1 : -1;
    const link = linkStart === -1 ? undefined : matchLink(text, linkStart);
    if (link !== undefined) {
      pushLiteral();
      pushLink(link.label, link.url, styles, spans);
      index = link.end;
      continue;
    }
    const autolink = character === '<' ? AUTOLINK.exec(text.slice(index)) : null;
    if (autolink !== null) {
      pushLiteral();
      spans.push({ text: autolink[1] ?? '', styles: [...styles, 'underline'] });
      index += autolink[0].length;
      continue;
    }
    const bareUrl = /[hHwW]/.test(character) && !WORD_CHARACTER.test(text[index - 1] ?? '') ? BARE_URL.exec(text.slice(index)) : null;
    if (bareUrl !== null) {
      literal += bareUrl[0];
      index += bareUrl[0].length;
      continue;
    }
    if (character === '*' || character === '_') {
      const run = runLength(text, index, character);
      const emphasis = matchEmphasis(text, index, character, run);
      if (emphasis === undefined) {
        literal += character.repeat(run);
        index += run;
      } else {
        pushLiteral();
        parseInto(text.slice(index + run, emphasis.close), [...styles, ...emphasis.styles], spans);
        index = emphasis.close + run;
      }
      continue;
    }
    literal += character;
    index += 1;
  }
  pushLiteral();
}

/** `text (url)`, or the url alone when the label says nothing more; the url is always shown in full. */
function pushLink(label: string, url: string, styles: readonly InlineStyle[], spans: Span[]): void {
  const labelSpans = parseInline(label, [...styles, 'underline']);
  const labelText = spansText(labelSpans).trim();
  if (labelText === '' || labelText === url || `mailto:${labelText}` === url) {
    spans.push({ text: url, styles: [...styles, 'underline'] });
    return;
  }
  spans.push(...labelSpans, { text: ` (${url})`, styles });
}

function runLength(text: string, start: number, character: string): number {
  let end = start;
  while (text[end] === character) end += 1;
  return end - start;
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function findBacktickRun(text: string, from: number, length: number): number {
  let index = text.indexOf('`', from);
  while (index !== -1) {
    const run = runLength(text, index, '`');
    if (run === length) return index;
    index = text.indexOf('`', index + run);
  }
  return -1;
}

/** CommonMark: one space is stripped from each side when both are there, so `` ` `` ` `` can show a backtick. */
function codeSpanContent(content: string): string {
  if (content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') {
    return content.slice(1, -1);
  }
  return content;
}

/** `[label](url)` or `[label](<url> "title")` starting at `start` (a `[`); undefined when it is not a link. */
function matchLink(text: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  let labelEnd = -1;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (character === '\\') index += 1;
    else if (character === '[') depth += 1;
    else if (character === ']' && --depth === 0) {
      labelEnd = index;
      break;
    }
  }
  if (labelEnd === -1 || text[labelEnd + 1] !== '(') return undefined;
  const destination = /^\(\s*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/.exec(
    text.slice(labelEnd + 1),
  );
  if (destination === null) return undefined;
  const url = (destination[1] ?? destination[2] ?? '').replace(/\\([!-/:-@[-`{-~])/g, '$1');
  return { label: text.slice(start + 1, labelEnd), url, end: labelEnd + 1 + destination[0].length };
}

/**
 * A delimiter run of one to three `*` or `_` that opens emphasis when a matching run of the same length closes it.
 * Openers must be followed, closers preceded, by non-space (so `2 * 3` stays arithmetic), and `_` never opens or
 * closes inside a word, so snake_case names like get_holdings_list are left alone.
 */
function matchEmphasis(
  text: string,
  start: number,
  delimiter: string,
  run: number,
): { close: number; styles: InlineStyle[] } | undefined {
  if (run > 3) return undefined;
  const after = text[start + run] ?? '';
  if (after === '' || WHITESPACE.test(after)) return undefined;
  if (delimiter === '_' && WORD_CHARACTER.test(text[start - 1] ?? '')) return undefined;

  let index = start + run;
  while (index < text.length) {
    const character = text[index];
    if (character === '\\') {
      index += 2;
      continue;
    }
    if (character === '`') {
      const length = runLength(text, index, '`');
      const close = findBacktickRun(text, index + length, length);
      index = close === -1 ? index + length : close + length;
      continue;
    }
    if (character !== delimiter) {
      index += 1;
      continue;
    }
    const length = runLength(text, index, delimiter);
    const before = text[index - 1] ?? '';
    const following = text[index + length] ?? '';
    const closes =
      length === run &&
      index > start + run &&
      !WHITESPACE.test(before) &&
      !(delimiter === '_' && WORD_CHARACTER.test(following));
    if (closes) {
      const styles: InlineStyle[] = run === 1 ? ['italic'] : run === 2 ? ['bold'] : ['bold', 'italic'];
      return { close: index, styles };
    }
    index += length;
  }
  return undefined;
}
