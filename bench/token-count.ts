/**
 * Prompt tokens of one recorded Chat Completions request, counted with gpt-tokenizer's o200k_base (the GPT-4o / GPT-5
 * family's encoding) in two ways. `rendered` is what the model reads (src/model/token-estimate.ts: per-message overhead,
 * role, text, tool calls, and the tool definitions rendered as OpenAI renders them for the model, calibrated against
 * the API's usage figures). `json` is the request's messages and tools as JSON text, an upper bound. Pure.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { formatFunctionDefinitions } from 'gpt-tokenizer/functionCalling';
import { countPromptTokens as renderedTokens, toolDefinitionTokens as definitionTokens, type Tokenizer } from '../src/model/token-estimate.js';
import type { RecordedBody } from '../test/support/scripted-openai.js';

const TOKENIZER: Tokenizer = { countTokens, formatFunctionDefinitions: (functions) => formatFunctionDefinitions(functions) };

export interface PromptTokens {
  rendered: number;
  json: number;
}

export function countPromptTokens(body: RecordedBody): PromptTokens {
  const messages = body.messages ?? [];
  const tools = body.tools ?? [];
  return { rendered: renderedTokens(TOKENIZER, { messages, tools }), json: countTokens(JSON.stringify({ messages, tools })) };
}

export function sumPromptTokens(bodies: readonly RecordedBody[]): PromptTokens {
  return bodies.map(countPromptTokens).reduce((total, one) => ({ rendered: total.rendered + one.rendered, json: total.json + one.json }), { rendered: 0, json: 0 });
}

/** The tools part alone (rendered), to say how much of a request the definitions are. */
export function toolDefinitionTokens(body: RecordedBody): number {
  return definitionTokens(TOKENIZER, body.tools ?? []);
}
