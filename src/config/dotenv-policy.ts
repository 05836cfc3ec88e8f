/**
 * Which `.env` values kite-chat may use (CONTRACT.md ".env files"): BROWSER and KITE_CHAT_HOME never; the `.env` in
 * KITE_CHAT_HOME is the user's own; a `.env` in the current folder may redirect the key or the orders (the model URL,
 * the MCP URL, the order cap) only once `kite-chat trust` approved it as it is now. A folder's `.env` beats the home
 * one, as the more specific file. Pure: config/dotenv-files.ts reads the files and the approvals, cli.ts prints the lines.
 */

/** Never read from a `.env`: a program to run with the signed login link, and where credentials live (and the folders
 * KITE_CHAT_HOME defaults from). Only the environment the user started kite-chat with may set them. */
export const NEVER_FROM_DOTENV: readonly string[] = ['BROWSER', 'KITE_CHAT_HOME', 'XDG_CONFIG_HOME', 'HOME'];
/** Where the API key and the account's data go, and how large an order may be: a folder's `.env` needs approval. */
export const NEEDS_APPROVAL: readonly string[] = ['OPENAI_BASE_URL', 'KITE_MCP_URL', 'KITE_CHAT_MAX_ORDER_VALUE'];
export const TRUST_COMMAND = 'kite-chat trust';

/**
 * One `.env` file as found. `home`: in KITE_CHAT_HOME. A folder's file is `approved` (path and content as approved),
 * `changed` (approved once, different now) or `unapproved`.
 */
export interface DotenvFile {
  path: string;
  values: Readonly<Record<string, string>>;
  trust: 'home' | 'approved' | 'changed' | 'unapproved';
}

interface DotenvSelection {
  /** The values that may be used, the folder's over the home's. */
  values: Record<string, string>;
  /** The file each value came from. */
  sources: Record<string, string>;
  /** One line per file with values that were ignored, saying why and what to do. */
  warnings: string[];
}

/** The values of the files (home first, then the folder) that kite-chat may use, and a warning for each ignored set. */
export function selectDotenvValues(files: readonly DotenvFile[]): DotenvSelection {
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const warnings: string[] = [];
  for (const file of [...files].sort((left, right) => rank(left) - rank(right))) {
    const set = Object.keys(file.values).filter((name) => file.values[name]?.trim() !== '');
    const never = set.filter((name) => NEVER_FROM_DOTENV.includes(name));
    const held = file.trust === 'home' || file.trust === 'approved' ? [] : set.filter((name) => NEEDS_APPROVAL.includes(name));
    if (never.length > 0) {
      const them = never.length === 1 ? 'it' : 'them';
      warnings.push(`Ignored ${list(never)} in ${file.path}: kite-chat never reads ${list(never)} from a .env; set ${them} in your shell instead.`);
    }
    if (held.length > 0) warnings.push(heldWarning(file, held));
    for (const name of set) {
      if (never.includes(name) || held.includes(name)) continue;
      values[name] = file.values[name] ?? '';
      sources[name] = file.path;
    }
  }
  return { values, sources, warnings };
}

/** "Using OPENAI_API_KEY, OPENAI_MODEL from /path/.env.": one line per file, names only (values may be secrets). */
export function describeDotenvUse(names: readonly string[], sources: Readonly<Record<string, string>>): string[] {
  const byFile = new Map<string, string[]>();
  for (const name of names) {
    const path = sources[name];
    if (path !== undefined) byFile.set(path, [...(byFile.get(path) ?? []), name]);
  }
  return [...byFile].map(([path, fileNames]) => `Using ${list(fileNames)} from ${path}.`);
}

function heldWarning(file: DotenvFile, held: readonly string[]): string {
  const why = file.trust === 'changed'
    ? `it changed since you approved it; check it, then run \`${TRUST_COMMAND}\` in that folder again`
    : `this folder's .env is not approved; check it, then run \`${TRUST_COMMAND}\` in that folder`;
  return `Ignored ${list(held)} from ${file.path}: ${why} to use ${held.length === 1 ? 'it' : 'them'}.`;
}

/** The home file first, so the folder's values win. */
function rank(file: DotenvFile): number {
  return file.trust === 'home' ? 0 : 1;
}

function list(names: readonly string[]): string {
  return names.join(', ');
}
