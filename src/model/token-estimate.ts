/**
 * Token counts kite-chat works out itself when a server sent none: the prompt of a request (messages, tool calls and
 * the tool definitions rendered as OpenAI renders them for the model) and a partial reply, with gpt-tokenizer's
 * o200k_base (the GPT-4o / GPT-5 encoding; for other models an estimate). The tokenizer is loaded on first use only
 * (~0.4 s, ~60 MB), so start-up never pays for it; bench/token-count.ts shares the counting.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

/** OpenAI's framing around every message (start, role separator, end), as gpt-tokenizer counts it. */
const MESSAGE_OVERHEAD = 3;
/** The assistant reply's priming at the end of every prompt. */
const REPLY_PRIMING = 3;
/** Framing of the rendered function definitions, and what is saved when they share the system message. */
const FUNCTIONS_OVERHEAD = 9;
const FUNCTIONS_WITH_SYSTEM_SAVING = 4;
/** Framing of each tool call inside an assistant message. */
const TOOL_CALL_OVERHEAD = 3;
/** Without the tokenizer (a broken install), characters per token: Kite's JSON measures 3.1–3.9 (agent/history-budget.ts). */
const FALLBACK_CHARACTERS_PER_TOKEN = 3;

/** The two functions of gpt-tokenizer this file needs; gpt-tokenizer types function parameters narrowly. */
export interface Tokenizer {
  countTokens(text: string): number;
  formatFunctionDefinitions(functions: never[]): string;
}

interface PromptParts {
  messages: readonly ChatCompletionMessageParam[];
  tools: readonly ChatCompletionTool[];
}

/** The prompt tokens of a request as the model reads it. */
export function countPromptTokens(tokenizer: Tokenizer, request: PromptParts): number {
  const { countTokens } = tokenizer;
  let tokens = REPLY_PRIMING;
  for (const message of request.messages) {
    tokens += MESSAGE_OVERHEAD + countTokens(message.role) + countTokens(contentText(message.content));
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) {
      if (call.type === 'function') tokens += TOOL_CALL_OVERHEAD + countTokens(call.function.name) + countTokens(call.function.arguments);
    }
  }
  const definitions = toolDefinitionTokens(tokenizer, request.tools);
  if (definitions > 0) {
    tokens += definitions;
    if (request.messages.some((message) => message.role === 'system')) tokens -= FUNCTIONS_WITH_SYSTEM_SAVING;
  }
  return tokens;
}

/** The tool definitions alone, rendered (`namespace functions { … }`), with their framing; 0 without tools. */
export function toolDefinitionTokens(tokenizer: Tokenizer, tools: readonly ChatCompletionTool[]): number {
  const functions = tools.flatMap((tool) => (tool.type === 'function' ? [tool.function as never] : []));
  return functions.length === 0 ? 0 : tokenizer.countTokens(tokenizer.formatFunctionDefinitions(functions)) + FUNCTIONS_OVERHEAD;
}

/** What a failed request cost, counted here: its prompt and whatever of the reply had arrived. */
export async function estimateSpentTokens(request: PromptParts, replyText: string): Promise<{ promptTokens: number; completionTokens: number }> {
  const tokenizer = await loadTokenizer();
  if (tokenizer === undefined) {
    const characters = JSON.stringify(request).length;
    return { promptTokens: Math.ceil(characters / FALLBACK_CHARACTERS_PER_TOKEN), completionTokens: Math.ceil(replyText.length / FALLBACK_CHARACTERS_PER_TOKEN) };
  }
  return { promptTokens: countPromptTokens(tokenizer, request), completionTokens: tokenizer.countTokens(replyText) };
}

let loading: Promise<Tokenizer | undefined> | undefined;

/** gpt-tokenizer, imported once on first use; undefined if it cannot be loaded. */
function loadTokenizer(): Promise<Tokenizer | undefined> {
  loading ??= Promise.all([import('gpt-tokenizer/encoding/o200k_base'), import('gpt-tokenizer/functionCalling')]).then(
    ([encoding, functionCalling]) => ({
      countTokens: (text: string) => encoding.countTokens(text),
      formatFunctionDefinitions: (functions: never[]) => functionCalling.formatFunctionDefinitions(functions),
    }),
    () => undefined,
  );
  return loading;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '')).join('');
}
