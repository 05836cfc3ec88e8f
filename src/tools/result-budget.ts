/**
 * The size cap on what one tool result may cost the model: a table keeps whole rows from the top, other text is cut
 * at the budget, and either way the model is told what it is missing and how to ask for less. Pure: it only measures
 * and slices strings that tools/compact-result.ts has already built.
 */

/** ~24 000 characters ≈ 6 000 tokens: a few hundred holdings or orders, yet cheap to repeat on every request. */
export const DEFAULT_RESULT_BUDGET_CHARS = 24_000;

/** Kite's paginated tools take from/limit (SERVER.md §3), so the model can always fetch the rest itself. */
const ASK_FOR_LESS = "Ask for fewer with the tool's limit/from arguments or a narrower query.";

interface CappedTable {
  text: string;
  rowsShown: number;
  truncated: boolean;
}

interface CappedText {
  text: string;
  truncated: boolean;
}

function rowsNotice(shown: number, total: number): string {
  return `[truncated: showing ${shown} of ${total} rows. ${ASK_FOR_LESS}]`;
}

function charactersNotice(omitted: number): string {
  return `[truncated: ${omitted} more characters. ${ASK_FOR_LESS}]`;
}

function checkBudget(maxChars: number): void {
  if (Number.isNaN(maxChars) || maxChars < 0) throw new RangeError(`maxChars must be a number ≥ 0, got ${maxChars}`);
}

/**
 * Head lines (preamble, header) always stay; rows are kept whole from the top while the text plus the notice fits.
 * Only a budget smaller than the head and the notice themselves is exceeded, because half a header helps nobody.
 */
export function capTableLines(headLines: readonly string[], rowLines: readonly string[], maxChars: number): CappedTable {
  checkBudget(maxChars);
  const full = [...headLines, ...rowLines].join('\n');
  if (full.length <= maxChars) return { text: full, rowsShown: rowLines.length, truncated: false };

  // The notice for "shown of total" is never longer than with shown = total, so reserve that much.
  const reserved = rowsNotice(rowLines.length, rowLines.length).length;
  let used = headLines.join('\n').length + 1 + reserved;
  let shown = 0;
  for (const row of rowLines) {
    if (used + row.length + 1 > maxChars) break;
    used += row.length + 1;
    shown += 1;
  }
  const lines = [...headLines, ...rowLines.slice(0, shown), rowsNotice(shown, rowLines.length)];
  return { text: lines.join('\n'), rowsShown: shown, truncated: true };
}

/** Cuts text that is not a table at the budget (never inside a surrogate pair) and says how much was left out. */
export function capText(text: string, maxChars: number): CappedText {
  checkBudget(maxChars);
  if (text.length <= maxChars) return { text, truncated: false };

  // As above: the notice with every character omitted is the longest it can be.
  let kept = Math.max(0, maxChars - 1 - charactersNotice(text.length).length);
  const last = text.charCodeAt(kept - 1);
  if (kept > 0 && last >= 0xd800 && last <= 0xdbff) kept -= 1;
  const notice = charactersNotice(text.length - kept);
  return { text: kept === 0 ? notice : `${text.slice(0, kept)}\n${notice}`, truncated: true };
}
