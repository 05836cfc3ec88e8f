/**
 * The REPL's input history, kept across sessions in KITE_CHAT_HOME/history (mode 0600, like every file there) so
 * up-arrow recalls yesterday's questions. Newest first, as node:readline keeps it; slash commands are kept too,
 * answers to kite-chat's own questions are not (createHistoryKeeper).
 */
import type { Store } from '../store.js';

const HISTORY_FILE = 'history.json';
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

/**
 * readline adds every typed line to its history before anyone sees it, and lets a 'history' listener change the list
 * (Node's documented way to drop a sensitive line). The keeper saves the list, except for the lines typed in answer
 * to kite-chat's own questions (an order's "INFY 10", "AGAIN"): those are taken back out, so Up-arrow can never
 * replay a confirmation into the next one.
 */
interface HistoryKeeper {
  /** readline's 'history' listener. */
  onHistory(history: string[]): void;
  /** Runs `answer` (one question to the person) with the line typed meanwhile kept out of the history. */
  keepOut<T>(answer: () => Promise<T>): Promise<T>;
}

export function createHistoryKeeper(initial: readonly string[], save: (history: readonly string[]) => void): HistoryKeeper {
  let kept = [...initial];
  let answering = 0;
  return {
    onHistory(history) {
      if (answering > 0) {
        history.splice(0, history.length, ...kept);
        return;
      }
      kept = [...history];
      save(kept);
    },
    async keepOut(answer) {
      answering += 1;
      try {
        return await answer();
      } finally {
        answering -= 1;
      }
    },
  };
}
