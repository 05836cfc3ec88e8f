/**
 * What the agent loop needs of a chat model, in its own terms: one request (the messages and the functions offered)
 * and one streamed response (text, tool calls, token usage, why it stopped). model/openai-model.ts implements
 * `Complete` over an OpenAI-compatible API; tests script it. Types only.
 */
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { SpentTokens } from '../errors.js';

export interface Usage { promptTokens: number; completionTokens: number }
/** `arguments` is the raw JSON text as the model sent it; it may be invalid, and the loop says so to the model. */
export interface ModelToolCall { id: string; name: string; arguments: string }
export interface ModelRequest { messages: ChatCompletionMessageParam[]; tools: ChatCompletionFunctionTool[] }
export interface ModelResponse { text: string; toolCalls: ModelToolCall[]; usage: Usage | undefined; finishReason: string | undefined }
/**
 * Rejects with a ModelApiError, or with the abort error as is once `signal` has aborted. A request cancelled after the
 * server had started its reply (so had read the prompt) says what it cost through `onCancelledSpend`, after the abort.
 */
export type Complete = (
  request: ModelRequest,
  options: { signal: AbortSignal; onTextDelta: (delta: string) => void; onCancelledSpend?: (spent: SpentTokens) => void },
) => Promise<ModelResponse>;
