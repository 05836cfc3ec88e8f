/**
 * How many terminal columns text takes, the way wcwidth-style terminals count it: ₹ and other narrow letters one,
 * East Asian wide and emoji two, combining marks, joiners and other format characters none. Also cutting
 * text to a width with an ellipsis. Pure; it expects text already free of escape sequences.
 */

/** The mark a cut cell ends with: one column wide in every non-CJK locale. */
export const ELLIPSIS = '…';

const ZERO_WIDTH_JOINER = 0x200d;
/** Combining marks, enclosing marks, format characters (ZWJ, ZWNJ, bidi marks, soft hyphen) and controls. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
/** Emoji drawn as pictures by default (📈, ✅): terminals give them two columns. */
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;

/** East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth.txt, W and F), merged into ranges. */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, enclosed CJK
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fe4], // ideographic symbols
  [0x17000, 0x18aff], // Tangut
  [0x1b000, 0x1b2ff], // Kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK extensions B–F
  [0x30000, 0x3fffd], // CJK extension G and beyond
];

/** Columns of one code point, given the code point before it (a ZWJ or a flag's first half changes the answer). */
function codePointWidth(character: string, previous: string | undefined): number {
  const code = character.codePointAt(0) ?? 0;
  if (ZERO_WIDTH.test(character)) return 0;
  if (code >= 0xfe00 && code <= 0xfe0f) return 0; // variation selectors
  if (code >= 0xe0100 && code <= 0xe01ef) return 0; // variation selectors supplement
  if (code >= 0x1160 && code <= 0x11ff) return 0; // Hangul medial vowels and final consonants join the syllable
  if (previous !== undefined && previous.codePointAt(0) === ZERO_WIDTH_JOINER) return 0; // 👨‍👩‍👧 is one picture
  if (EMOJI_PRESENTATION.test(character)) return 2;
  if (WIDE_RANGES.some(([first, last]) => code >= first && code <= last)) return 2;
  return 1;
}

/** Walks text code point by code point with each one's width; a flag (two regional indicators) counts once. */
function* widths(text: string): Generator<[character: string, width: number]> {
  let previous: string | undefined;
  let flagHalfOpen = false;
  for (const character of text) {
    let width = codePointWidth(character, previous);
    if (REGIONAL_INDICATOR.test(character)) {
      if (flagHalfOpen) width = 0;
      flagHalfOpen = !flagHalfOpen;
    } else {
      flagHalfOpen = false;
    }
    previous = character;
    yield [character, width];
  }
}

export function displayWidth(text: string): number {
  let total = 0;
  for (const [, width] of widths(text)) total += width;
  return total;
}

/** The text itself when it fits in maxWidth columns; else its longest head that fits with the ellipsis after it. */
export function truncateToWidth(text: string, maxWidth: number): string {
  return displayWidth(text) <= maxWidth ? text : cutWithEllipsis(text, maxWidth);
}

/** The longest head of text that leaves room for the ellipsis in maxWidth columns, then the ellipsis; always cuts. */
export function cutWithEllipsis(text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const budget = maxWidth - displayWidth(ELLIPSIS);
  let kept = '';
  let used = 0;
  for (const [character, width] of widths(text)) {
    if (used + width > budget) break;
    kept += character;
    used += width;
  }
  return `${kept}${ELLIPSIS}`;
}

/**
 * The parts joined by `separator`, a new line started wherever the next part would pass maxWidth columns. A part
 * wider than the line is kept whole (a URL cut short is no use); the terminal wraps it.
 */
export function joinWithinWidth(parts: readonly string[], separator: string, maxWidth: number): string {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && displayWidth(last) + displayWidth(separator) + displayWidth(part) <= maxWidth) {
      lines[lines.length - 1] = `${last}${separator}${part}`;
    } else {
      lines.push(part);
    }
  }
  return lines.join('\n');
}
