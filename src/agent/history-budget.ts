/**
 * Keeps a conversation within a token budget before it is sent again: the oldest tool results are replaced by a
 * one-line note first (the model can call the tool again), then the oldest whole turns go. The system messages at
 * the top and the newest turn are never touched, and an assistant message with tool_calls never loses its tool
 * messages (OpenAI refuses that history). Pure: messages in, messages out; the REPL and the agent decide when.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** Fits beside the tool definitions (~2.5k tokens) and an answer in a 32k-context local model; a fifth of 128k. */
export const DEFAULT_HISTORY_BUDGET_TOKENS = 24_000;
/** Once over budget, trim to this share of it, so the next few turns send an unchanged prefix (prompt caching). */
const TRIM_TARGET_SHARE = 0.75;
/** Kite results measure 3.1–3.9 characters a token with gpt-tokenizer (o200k), candle tables ~2: 3 errs early. */
const CHARACTERS_PER_TOKEN = 3;
/** What the model reads in place of a removed result. */
export const TRIMMED_TOOL_RESULT =
  '[older tool result removed to keep the conversation within its size budget; call the tool again if it is needed]';

interface HistoryFitOptions {
  /** Above this estimate the history is trimmed. */
  maxTokens: number;
  /** Trim down to this estimate (default 75% of maxTokens). */
  targetTokens?: number;
  /** false: only tool results are trimmed, no turn is dropped (default true). */
  dropTurns?: boolean;
}

interface HistoryFit {
  /** The input array itself when nothing had to go, else a new array (the input is never mutated). */
  messages: ChatCompletionMessageParam[];
  trimmedResults: number;
  droppedTurns: number;
  /** The estimate of what is returned; still above maxTokens when the newest turn alone is larger. */
  tokens: number;
}

/** A rough token count: the message as JSON, at CHARACTERS_PER_TOKEN. */
export function estimateTokens(messages: readonly ChatCompletionMessageParam[]): number {
  let characters = 0;
  for (const message of messages) characters += messageCharacters(message);
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

export function fitHistory(messages: ChatCompletionMessageParam[], options: HistoryFitOptions): HistoryFit {
  const { maxTokens } = options;
  if (!(maxTokens > 0)) throw new RangeError(`maxTokens must be above 0, got ${maxTokens}.`);
  const targetTokens = Math.min(options.targetTokens ?? maxTokens * TRIM_TARGET_SHARE, maxTokens);
  const initial = estimateTokens(messages);
  if (initial <= maxTokens) return { messages, trimmedResults: 0, droppedTurns: 0, tokens: initial };

  const targetCharacters = targetTokens * CHARACTERS_PER_TOKEN;
  const sizes = messages.map(messageCharacters);
  let characters = sizes.reduce((sum, size) => sum + size, 0);
  const kept = [...messages];
  const newestTurn = lastUserIndex(messages);

  // First the oldest tool results outside the newest turn.
  let trimmedResults = 0;
  for (let index = 0; index < newestTurn && characters > targetCharacters; index += 1) {
    const message = kept[index];
    if (message?.role !== 'tool' || message.content === TRIMMED_TOOL_RESULT) continue;
    const trimmed: ChatCompletionMessageParam = { ...message, content: TRIMMED_TOOL_RESULT };
    const saved = (sizes[index] ?? 0) - messageCharacters(trimmed);
    if (saved <= 0) continue;
    kept[index] = trimmed;
    characters -= saved;
    trimmedResults += 1;
  }

  // Then whole turns, oldest first: from one user message up to the next, never the newest.
  let droppedTurns = 0;
  const start = leadingSystemCount(kept);
  let firstKept = start;
  while (options.dropTurns !== false && characters > targetCharacters) {
    const turnEnd = nextUserIndex(kept, firstKept + 1);
    if (turnEnd === undefined || turnEnd > newestTurn) break;
    for (let index = firstKept; index < turnEnd; index += 1) characters -= messageCharacters(kept[index] as ChatCompletionMessageParam);
    firstKept = turnEnd;
    droppedTurns += 1;
  }
  const result = [...kept.slice(0, start), ...kept.slice(firstKept)];
  return { messages: result, trimmedResults, droppedTurns, tokens: Math.ceil(characters / CHARACTERS_PER_TOKEN) };
}

function messageCharacters(message: ChatCompletionMessageParam): number {
  return JSON.stringify(message).length;
}

function leadingSystemCount(messages: readonly ChatCompletionMessageParam[]): number {
  let count = 0;
  while (messages[count]?.role === 'system' || messages[count]?.role === 'developer') count += 1;
  return count;
}

/** Where the newest turn starts; the whole history counts as the newest turn when it has no user message. */
function lastUserIndex(messages: readonly ChatCompletionMessageParam[]): number {
  for (let index = messages.length - 1; index >= 0; index -= 1) if (messages[index]?.role === 'user') return index;
  return leadingSystemCount(messages);
}

function nextUserIndex(messages: readonly ChatCompletionMessageParam[], from: number): number | undefined {
  for (let index = from; index < messages.length; index += 1) if (messages[index]?.role === 'user') return index;
  return undefined;
}

/**
 * A question longer than this is refused, not sent: a third of the history budget (about 8,000 tokens), so one
 * question cannot push the whole conversation out; a page of pasted text still fits.
 */
export const MAX_QUESTION_CHARS = Math.floor((DEFAULT_HISTORY_BUDGET_TOKENS / 3) * CHARACTERS_PER_TOKEN);

/** Why a question is too long to send, or undefined when it may go. */
export function questionTooLong(text: string): string | undefined {
  if (text.length <= MAX_QUESTION_CHARS) return undefined;
  const size = (count: number) => count.toLocaleString('en-US');
  return `The question is ${size(text.length)} characters long; kite-chat sends at most ${size(MAX_QUESTION_CHARS)} `
    + `(about ${size(MAX_QUESTION_CHARS / CHARACTERS_PER_TOKEN)} tokens). Shorten it, or ask about a part at a time.`;
}
