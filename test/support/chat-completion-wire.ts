/**
 * Pure builders for the Chat Completions wire format, as api.openai.com sends it: streaming chunks (text deltas,
 * tool-call deltas, finish, usage), the non-streaming `chat.completion` object, and the error body. The scripted
 * server (scripted-openai.ts) decides what to send and when; this file only decides what the bytes look like.
 */

/** Tool-call arguments arrive in pieces this long, so clients must really concatenate them by index. */
const ARGUMENT_PIECE_CHARS = 16;
/** A rough tokens-per-character ratio, good enough for /usage and cost tests when a step gives no usage. */
const CHARACTERS_PER_TOKEN = 4;

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as its JSON text; a string is sent exactly as given (so it may be invalid JSON). */
  arguments: string | object;
  id?: string;
}

export interface ScriptedUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export interface ScriptedReply {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Defaults to "tool_calls" when there are tool calls, else "stop". */
  finishReason?: string;
}

export interface ReplyContext {
  /** The completion id every chunk of one reply shares. */
  completionId: string;
  created: number;
  model: string;
  /** The request's 1-based number, used to make tool-call ids unique across a conversation. */
  requestNumber: number;
  includeUsage: boolean;
  promptTokens: number;
}

interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

export function errorBody(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** The data payloads of one streamed reply, in order; the caller adds `data: ` framing and `[DONE]`. */
export function streamChunks(reply: ScriptedReply, context: ReplyContext): object[] {
  const toolCalls = wireToolCalls(reply, context);
  const chunks: object[] = [chunk(context, { role: 'assistant', content: '', refusal: null })];
  for (const piece of textPieces(reply.text ?? '')) chunks.push(chunk(context, { content: piece }));
  toolCalls.forEach((toolCall, index) => {
    // OpenAI's first delta of a call names it and carries an empty arguments string; the SDK's stream helper
    // throws when `type` is missing from it.
    chunks.push(chunk(context, {
      tool_calls: [{ index, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
    }));
    for (const piece of argumentPieces(toolCall.arguments)) {
      chunks.push(chunk(context, { tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk(context, {}, finishReason(reply, toolCalls)));
  if (context.includeUsage) {
    chunks.push({ ...envelope(context), choices: [], usage: usage(reply, toolCalls, context) });
  }
  return chunks;
}

/** Text pieces as a partial stream, for faults that break off after some text. */
export function partialTextChunks(text: string, context: ReplyContext): object[] {
  const chunks: object[] = [chunk(context, { role: 'assistant', content: '', refusal: null })];
  for (const piece of textPieces(text)) chunks.push(chunk(context, { content: piece }));
  return chunks;
}

export function completionObject(reply: ScriptedReply, context: ReplyContext): object {
  const toolCalls = wireToolCalls(reply, context);
  const message = {
    role: 'assistant',
    content: reply.text ?? (toolCalls.length === 0 ? '' : null),
    refusal: null,
    ...(toolCalls.length === 0 ? {} : {
      tool_calls: toolCalls.map((toolCall) => ({
        id: toolCall.id,
        type: 'function',
        function: { name: toolCall.name, arguments: toolCall.arguments },
      })),
    }),
  };
  return {
    id: context.completionId,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(reply, toolCalls) }],
    usage: usage(reply, toolCalls, context),
    system_fingerprint: 'fp_scripted',
  };
}

function wireToolCalls(reply: ScriptedReply, context: ReplyContext): WireToolCall[] {
  return (reply.toolCalls ?? []).map((toolCall, index) => ({
    id: toolCall.id ?? `call_scripted_${context.requestNumber}_${index}`,
    name: toolCall.name,
    arguments: typeof toolCall.arguments === 'string' ? toolCall.arguments : JSON.stringify(toolCall.arguments),
  }));
}

function envelope(context: ReplyContext): object {
  return {
    id: context.completionId,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    system_fingerprint: 'fp_scripted',
  };
}

function chunk(context: ReplyContext, delta: object, finish: string | null = null): object {
  return {
    ...envelope(context),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    // With include_usage OpenAI sends `usage: null` on every chunk but the last.
    ...(context.includeUsage ? { usage: null } : {}),
  };
}

function finishReason(reply: ScriptedReply, toolCalls: WireToolCall[]): string {
  return reply.finishReason ?? (toolCalls.length === 0 ? 'stop' : 'tool_calls');
}

function usage(reply: ScriptedReply, toolCalls: WireToolCall[], context: ReplyContext): object {
  const generated = (reply.text ?? '') + toolCalls.map((toolCall) => toolCall.name + toolCall.arguments).join('');
  const promptTokens = reply.usage?.promptTokens ?? context.promptTokens;
  const completionTokens = reply.usage?.completionTokens ?? Math.max(1, estimateTokens(generated));
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** Word-sized pieces, each keeping its trailing space, so "Hello there" streams as "Hello ", "there". */
function textPieces(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function argumentPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += ARGUMENT_PIECE_CHARS) {
    pieces.push(text.slice(start, start + ARGUMENT_PIECE_CHARS));
  }
  return pieces;
}
