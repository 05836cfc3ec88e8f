/**
 * Tool results of questions already answered leave the history: each becomes a one-line note that the data is stale
 * and the tool can be called again, while the questions, the tool calls and the answers stay. Prices and positions go
 * stale within minutes, so a follow-up should look again anyway, and a session stops re-sending every earlier result
 * with every request (BENCHMARKS.md, prompt_tokens). Pure; the REPL applies it after each turn, and a conversation
 * resumed from disk can be passed through it the same way.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** What the model reads in place of an answered question's tool result. */
export const STALE_TOOL_RESULT = 'Stale: this result served an earlier answer and was removed. Call the tool again for current data.';

/**
 * The messages with every tool result that an answer follows replaced by STALE_TOOL_RESULT. An answer is an
 * assistant message without tool calls; results after the last answer (a turn still running, or one that ended
 * without an answer) are kept. Tool messages stay in place, so every tool call keeps its reply (OpenAI insists on
 * that). The input is not mutated.
 */
export function elideAnsweredToolResults(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const lastAnswer = messages.findLastIndex(isAnswer);
  return messages.map((message, index) =>
    message.role === 'tool' && index < lastAnswer && message.content !== STALE_TOOL_RESULT
      ? { ...message, content: STALE_TOOL_RESULT }
      : message);
}

function isAnswer(message: ChatCompletionMessageParam): boolean {
  return message.role === 'assistant' && (message.tool_calls === undefined || message.tool_calls.length === 0);
}
