/**
 * Prompt tokens of one recorded Chat Completions request, counted with gpt-tokenizer's o200k_base (the GPT-4o / GPT-5
 * family's encoding) in two ways. `rendered` is what the model reads: per-message overhead, role, text, tool calls,
 * and the tool definitions rendered as OpenAI renders them for the model (`namespace functions { … }`, gpt-tokenizer's
 * formatFunctionDefinitions, calibrated against the API's usage figures). `json` is the request's messages and tools
 * as JSON text, an upper bound. Pure.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { formatFunctionDefinitions, type ChatCompletionFunctionDefinition } from 'gpt-tokenizer/functionCalling';
import type { RecordedBody } from '../test/support/scripted-openai.js';

/** OpenAI's framing around every message (start, role separator, end), as gpt-tokenizer counts it. */
const MESSAGE_OVERHEAD = 3;
/** The assistant reply's priming at the end of every prompt. */
const REPLY_PRIMING = 3;
/** Framing of the rendered function definitions, and what is saved when they share the system message. */
const FUNCTIONS_OVERHEAD = 9;
const FUNCTIONS_WITH_SYSTEM_SAVING = 4;
/** Framing of each tool call inside an assistant message. */
const TOOL_CALL_OVERHEAD = 3;

export interface PromptTokens {
  rendered: number;
  json: number;
}

export function countPromptTokens(body: RecordedBody): PromptTokens {
  const messages = body.messages ?? [];
  const tools = body.tools ?? [];
  let rendered = REPLY_PRIMING;
  for (const message of messages) {
    rendered += MESSAGE_OVERHEAD + countTokens(message.role) + countTokens(contentText(message.content));
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        if (call.type !== 'function') continue;
        rendered += TOOL_CALL_OVERHEAD + countTokens(call.function.name) + countTokens(call.function.arguments);
      }
    }
  }
  const functions = functionDefinitions(body);
  if (functions.length > 0) {
    rendered += countTokens(formatFunctionDefinitions(functions)) + FUNCTIONS_OVERHEAD;
    if (messages.some((message) => message.role === 'system')) rendered -= FUNCTIONS_WITH_SYSTEM_SAVING;
  }
  return { rendered, json: countTokens(JSON.stringify({ messages, tools })) };
}

export function sumPromptTokens(bodies: readonly RecordedBody[]): PromptTokens {
  return bodies.map(countPromptTokens).reduce((total, one) => ({ rendered: total.rendered + one.rendered, json: total.json + one.json }), { rendered: 0, json: 0 });
}

/** The tools part alone (rendered), to say how much of a request the definitions are. */
export function toolDefinitionTokens(body: RecordedBody): number {
  const functions = functionDefinitions(body);
  return functions.length === 0 ? 0 : countTokens(formatFunctionDefinitions(functions)) + FUNCTIONS_OVERHEAD;
}

/** The request's functions; their parameters are JSON Schema, which gpt-tokenizer types more narrowly than OpenAI. */
function functionDefinitions(body: RecordedBody): ChatCompletionFunctionDefinition[] {
  return (body.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function as unknown as ChatCompletionFunctionDefinition] : []));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '')).join('');
}
