/**
 * A conversation as kite-chat keeps it beyond one run: each turn's question, answer and one record per tool call
 * (name, arguments, whether it failed), never the tool results, which are stale by the next run. Built from the
 * agent's TurnResult with secrets redacted, turned back into model messages (questions and answers only), and read
 * back from JSON with every field checked. Pure.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { TurnResult } from '../agent/events.js';
import { isRecord } from '../json.js';

export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  isError: boolean;
}

export interface ConversationTurn {
  question: string;
  /** Empty when the turn stopped without one (round limit, repeated call, an empty answer). */
  answer: string;
  tools: ToolCallRecord[];
}

export interface SavedConversation {
  /** ISO time of the last save. */
  savedAt: string;
  model: string;
  turns: ConversationTurn[];
}

/** The turn as kept: its texts and tool arguments passed through `redact` (keys, session ids, signed links). */
export function turnFrom(question: string, result: TurnResult, redact: (text: string) => string): ConversationTurn {
  return {
    question: redact(question),
    answer: redact(result.text),
    tools: result.toolCalls.map((call) => ({
      name: redact(call.name),
      arguments: redactedArguments(call.arguments ?? {}, redact),
      isError: call.isError,
    })),
  };
}

/** What the model is given back: each question and its answer, nothing a tool returned. */
export function questionsAndAnswers(turns: readonly ConversationTurn[]): ChatCompletionMessageParam[] {
  return turns.flatMap((turn): ChatCompletionMessageParam[] =>
    turn.answer.trim() === ''
      ? [] // a turn without an answer says nothing the next question can build on
      : [{ role: 'user', content: turn.question }, { role: 'assistant', content: turn.answer }]);
}

/** A saved conversation read back, or undefined when the JSON is not one (the caller starts afresh). */
export function readSavedConversation(value: unknown): SavedConversation | undefined {
  if (!isRecord(value) || typeof value['savedAt'] !== 'string' || Number.isNaN(Date.parse(value['savedAt']))) return undefined;
  if (typeof value['model'] !== 'string' || !Array.isArray(value['turns'])) return undefined;
  const turns = value['turns'].map(readTurn);
  if (turns.some((turn) => turn === undefined)) return undefined;
  return { savedAt: value['savedAt'], model: value['model'], turns: turns as ConversationTurn[] };
}

function readTurn(value: unknown): ConversationTurn | undefined {
  if (!isRecord(value) || typeof value['question'] !== 'string' || typeof value['answer'] !== 'string') return undefined;
  if (!Array.isArray(value['tools'])) return undefined;
  const tools = value['tools'].flatMap((call): ToolCallRecord[] =>
    isRecord(call) && typeof call['name'] === 'string' && typeof call['isError'] === 'boolean' && isRecord(call['arguments'])
      ? [{ name: call['name'], arguments: call['arguments'], isError: call['isError'] }]
      : []);
  return { question: value['question'], answer: value['answer'], tools };
}

function redactedArguments(args: Record<string, unknown>, redact: (text: string) => string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(redact(JSON.stringify(args)));
    return isRecord(value) ? value : {};
  } catch {
    return {}; // a redaction that broke the JSON: the call's name is record enough
  }
}
