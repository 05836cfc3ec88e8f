/**
 * The REPL's conversation kept in KITE_CHAT_HOME/conversation.json (through store.ts: mode 0600, no symbolic links,
 * written whole or not at all) after every answered turn, so `kite-chat --continue` can resume it: questions and
 * answers go back to the model, tool results do not, and the person is told how old it is. /clear forgets it.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { TurnResult } from '../agent/events.js';
import type { Store } from '../store.js';
import { questionsAndAnswers, readSavedConversation, turnFrom, type ConversationTurn } from './transcript.js';

export const CONVERSATION_FILE = 'conversation.json';

export interface ConversationKeeper {
  /** Every turn of this conversation so far, a resumed one's included. */
  readonly turns: readonly ConversationTurn[];
  /** The redaction every kept turn went through (keys, session ids, signed links); /save applies it to its file too. */
  readonly redact: (text: string) => string;
  /**
   * Adds an answered turn and saves the conversation in the background (saves run one after another), so the
   * prompt is back at once: a line typed before it would be lost.
   */
  record(question: string, result: TurnResult): void;
  /** Forgets the conversation, here and (in the background) in KITE_CHAT_HOME. */
  clear(): void;
  /** Resolves once every save asked for so far has been written (the REPL waits for it before it ends). */
  settled(): Promise<void>;
  /**
   * Takes up the saved conversation: its questions and answers for the model, and one line for the person (how old
   * it is, or that there was none). A damaged file is a ConfigError from the store, as for every file there.
   */
  resume(): Promise<{ messages: ChatCompletionMessageParam[]; notice: string }>;
}

export interface KeeperDeps {
  store: Store;
  redact: (text: string) => string;
  now: () => Date;
  model: () => string;
  /** Told once when saving fails; the chat goes on. */
  warn: (line: string) => void;
}

export function createConversationKeeper(deps: KeeperDeps): ConversationKeeper {
  let turns: ConversationTurn[] = [];
  let warned = false;
  let saving: Promise<void> = Promise.resolve();

  /** Never rejects: a failed save is one warning, and the chat goes on. */
  async function save(): Promise<void> {
    try {
      if (turns.length === 0) await deps.store.remove(CONVERSATION_FILE);
      else await deps.store.writeJson(CONVERSATION_FILE, { savedAt: deps.now().toISOString(), model: deps.model(), turns });
    } catch (error) {
      if (warned) return;
      warned = true;
      const reason = error instanceof Error ? error.message : String(error);
      deps.warn(`Could not keep the conversation for --continue under ${deps.store.home}: ${reason}`);
    }
  }

  return {
    get turns() {
      return turns;
    },
    redact: deps.redact,
    record(question, result) {
      turns = [...turns, turnFrom(question, result, deps.redact)];
      saving = saving.then(save);
    },
    clear() {
      turns = [];
      saving = saving.then(save);
    },
    settled: () => saving,
    async resume() {
      const saved = readSavedConversation(await deps.store.readJson(CONVERSATION_FILE));
      if (saved === undefined || saved.turns.length === 0) {
        return { messages: [], notice: `No saved conversation in ${deps.store.home} to continue; starting a new one.` };
      }
      turns = saved.turns;
      const age = ageText(deps.now().getTime() - Date.parse(saved.savedAt));
      const count = `${saved.turns.length} question${saved.turns.length === 1 ? '' : 's'}`;
      return {
        messages: questionsAndAnswers(saved.turns),
        notice: `Continuing the conversation saved ${age} (${count}). Its tool results were not kept: figures will be looked up again.`,
      };
    },
  };
}

/** "5 minutes ago", "3 hours ago", "2 days ago"; a save from the future (a changed clock) is "just now". */
export function ageText(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return 'just now';
  const [amount, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'} ago`;
}
