/**
 * The REPL's input history, kept across sessions in KITE_CHAT_HOME/history (mode 0600, like every file there) so
 * up-arrow recalls yesterday's questions. Newest first, as node:readline keeps it; slash commands are kept too.
 */
import type { Store } from './store.js';

export const HISTORY_FILE = 'history.json';
/** Enough to find last week's questions; small enough to read at every start. */
export const HISTORY_SIZE = 500;

export async function loadHistory(store: Store): Promise<string[]> {
  const saved = await store.readJson(HISTORY_FILE).catch(() => undefined);
  if (!Array.isArray(saved)) return [];
  return saved.filter((line): line is string => typeof line === 'string').slice(0, HISTORY_SIZE);
}

export function saveHistory(store: Store, history: readonly string[]): Promise<void> {
  return store.writeJson(HISTORY_FILE, history.slice(0, HISTORY_SIZE));
}
