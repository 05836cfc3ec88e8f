/**
 * A streamed chat completion folded into one response: text deltas passed on as they arrive, tool-call deltas
 * assembled by index (or by id, for servers that send none), the usage and the finish reason. Chunks are read
 * defensively: the server's types are a promise, not a fact, and model output never crashes the assembly.
 */
import { randomUUID } from 'node:crypto';
import type { ModelResponse, ModelToolCall, Usage } from '../agent/model.js';
import { isRecord } from '../json.js';
import { ModelApiError } from '../errors.js';
import { stoppedHalfway } from './model-errors.js';

export interface Assembly {
  add(chunk: unknown): void;
  finish(origin: string): ModelResponse;
  /** What the server sent so far: the text and the tool-call names and arguments. */
  received(): string;
  usage(): Usage | undefined;
}

/** Folds streamed chunks into one response. Chunks are read defensively: the server's types are a promise, not a fact. */
export function createAssembly(onTextDelta: (delta: string) => void): Assembly {
  let text = '';
  let usage: Usage | undefined;
  let finishReason: string | undefined;
  let chunkCount = 0;
  const toolCalls = new Map<number, ModelToolCall>();
  let lastIndex: number | undefined;

  const addToolCallDelta = (value: unknown, position: number): void => {
    const delta = asRecord(value);
    if (delta === undefined) return;
    const id = typeof delta.id === 'string' && delta.id !== '' ? delta.id : undefined;
    const index = typeof delta.index === 'number' ? delta.index : guessIndex(toolCalls, id, lastIndex ?? position);
    const toolCall = toolCalls.get(index) ?? { id: '', name: '', arguments: '' };
    toolCalls.set(index, toolCall);
    lastIndex = index;
    if (id !== undefined && toolCall.id === '') toolCall.id = id;
    const fn = asRecord(delta.function);
    if (fn === undefined) return;
    // OpenAI sends the name once; a server that repeats it whole on every delta must not double it.
    if (typeof fn.name === 'string' && fn.name !== toolCall.name) toolCall.name += fn.name;
    if (typeof fn.arguments === 'string') toolCall.arguments += fn.arguments;
    else if (fn.arguments !== undefined && fn.arguments !== null) toolCall.arguments += JSON.stringify(fn.arguments);
  };

  return {
    add(value) {
      const chunk = asRecord(value);
      if (chunk === undefined) return;
      chunkCount += 1;
      const chunkUsage = asRecord(chunk.usage);
      if (chunkUsage !== undefined) {
        usage = { promptTokens: tokenCount(chunkUsage.prompt_tokens), completionTokens: tokenCount(chunkUsage.completion_tokens) };
      }
      const choices = Array.isArray(chunk.choices) ? chunk.choices.map(asRecord) : [];
      const choice = choices.find((candidate) => candidate !== undefined && (candidate.index ?? 0) === 0);
      if (choice === undefined) return;
      if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
      const delta = asRecord(choice.delta);
      if (delta === undefined) return;
      for (const piece of [delta.content, delta.refusal]) {
        if (typeof piece !== 'string' || piece === '') continue;
        text += piece;
        onTextDelta(piece);
      }
      if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach(addToolCallDelta);
    },
    received: () => text + [...toolCalls.values()].map((call) => call.name + call.arguments).join(''),
    usage: () => usage,
    finish(origin) {
      if (chunkCount === 0) {
        throw new ModelApiError(`The model API at ${origin} sent an empty reply: check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.`);
      }
      // Every OpenAI-compatible server ends a choice with a finish_reason; without one the answer was cut off.
      if (finishReason === undefined) throw new ModelApiError(stoppedHalfway(origin));
      const ordered = [...toolCalls.entries()].sort(([left], [right]) => left - right);
      return {
        text,
        toolCalls: ordered.map(([, toolCall]) => ({ ...toolCall, id: toolCall.id === '' ? generatedId() : toolCall.id })),
        usage,
        finishReason,
      };
    },
  };
}

/** For servers that omit `index`: a new id starts a new call, anything else continues the last one. */
function guessIndex(toolCalls: Map<number, ModelToolCall>, id: string | undefined, fallback: number): number {
  if (id === undefined) return fallback;
  for (const [index, toolCall] of toolCalls) if (toolCall.id === id) return index;
  return toolCalls.size === 0 ? 0 : Math.max(...toolCalls.keys()) + 1;
}

function generatedId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
