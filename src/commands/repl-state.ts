/**
 * What one REPL session remembers between turns: the chat model in use, the conversation, the tokens spent and who
 * is logged in. commands/repl.ts runs the turns over it; the slash commands (commands/repl-commands.ts) read and
 * change it.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Complete, Usage } from '../agent/model.js';
import type { ConversationKeeper } from '../conversation/keeper.js';

/** The model a turn is sent to, by name (/model switches it). */
export interface ChatModel { complete: Complete; model: string }

export interface ReplState {
  model: ChatModel;
  messages: ChatCompletionMessageParam[];
  /** Every round's tokens, failed rounds included once the server had read the prompt. */
  usage: Usage;
  /** How many of those kite-chat counted itself, because the server sent none for a reply that failed. */
  estimatedTokens: number;
  userName: string | undefined;
  /** The questions, answers and tool calls kept for /save and --continue (conversation/keeper.ts). */
  conversation: ConversationKeeper;
}

/** Adds one round's tokens to the session's count. */
export function countUsage(state: ReplState, usage: Usage, estimated: boolean): void {
  state.usage = {
    promptTokens: state.usage.promptTokens + usage.promptTokens,
    completionTokens: state.usage.completionTokens + usage.completionTokens,
  };
  if (estimated) state.estimatedTokens += usage.promptTokens + usage.completionTokens;
}
