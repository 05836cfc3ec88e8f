/**
 * For model servers that take one tool call per assistant message (llama.cpp with the Llama 3.2 template answers
 * 400 "This model only supports single tool-calls at once!"): recognising that refusal, and the same history written
 * with each parallel call in an assistant message of its own, followed by its result. Pure; model/openai-model.ts decides
 * when to switch.
 */
import type {
  ChatCompletionAssistantMessageParam, ChatCompletionMessageParam, ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';

/** The refusal's words: something about tool calls, and one of single/one/parallel/multiple. Server-specific, so loose. */
const TOOL_CALLS_WORDS = /tool[\s_-]?calls?/i;
const ONE_AT_A_TIME_WORDS = /\b(single|one|parallel|multiple|more than one)\b/i;

/** Whether an error is a 400 refusing more than one tool call in a message. */
export function isParallelToolCallRefusal(status: number | undefined, message: string): boolean {
  return status === 400 && TOOL_CALLS_WORDS.test(message) && ONE_AT_A_TIME_WORDS.test(message);
}

/**
 * The messages with every assistant message that holds several tool calls split into one per call, each followed by
 * its tool message; the text of the original stays with the first. Other messages are kept as they are.
 */
export function oneToolCallPerMessage(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const result: ChatCompletionMessageParam[] = [];
  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index] as ChatCompletionMessageParam;
    const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
    if (message.role !== 'assistant' || calls.length < 2) {
      result.push(message);
      continue;
    }
    const results: ChatCompletionToolMessageParam[] = [];
    while (messages[index + 1]?.role === 'tool') {
      index += 1;
      results.push(messages[index] as ChatCompletionToolMessageParam);
    }
    calls.forEach((call, position) => {
      const single: ChatCompletionAssistantMessageParam = { ...message, content: position === 0 ? (message.content ?? null) : null, tool_calls: [call] };
      result.push(single);
      const answer = results.find((toolMessage) => toolMessage.tool_call_id === call.id);
      if (answer !== undefined) result.push(answer);
    });
    // Tool messages that answer none of the calls (none are expected) stay, after the calls, as they were.
    result.push(...results.filter((toolMessage) => !calls.some((call) => call.id === toolMessage.tool_call_id)));
  }
  return result;
}
