/**
 * The agent loop: one user turn as rounds of "ask the model, run the tools it asked for", until it answers in prose,
 * asks for the same call a third round in a row, or uses up its rounds. It works over injected functions (`complete`,
 * `callTool`), reports through events and returns the messages the turn added; it never prints and has no I/O of its
 * own. Gating writes, logging in and compacting results belong to the CallTool it is given (tools/executor.ts).
 */
import type {
  ChatCompletionAssistantMessageParam, ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ConfigError, ContextLengthError, ModelApiError } from '../errors.js';
import { fitHistory, questionTooLong } from './history-budget.js';
import type { Complete, ModelResponse, ModelToolCall, Usage } from '../model/openai-model.js';
import { parseToolArguments, type ToolEntry } from '../tools/schema.js';
import type { AgentEvent, CallTool, ToolOutcome, TurnResult, TurnToolCall } from './events.js';
import { isRecord } from '../tools/json-schema.js';

export type { AgentEvent, CallTool, ToolOutcome, TurnResult, TurnToolCall } from './events.js';

/** A model that asks for the same call a third round in a row is stuck: the same answer will not unstick it. */
const REPEAT_LIMIT = 3;
/** A thrown error goes back to the model on one line; a stack trace or an HTML page must not fill its context. */
const MAX_ERROR_MESSAGE_CHARS = 500;

export interface TurnInput {
  complete: Complete;
  callTool: CallTool;
  tools: readonly ToolEntry[];
  /** The history including the system prompt and the new user message; never mutated. */
  messages: readonly ChatCompletionMessageParam[];
  onEvent: (event: AgentEvent) => void;
  signal: AbortSignal;
  /** Model calls allowed in this turn; at least 1. */
  maxRounds: number;
}

/** What one requested call came to: the record for the caller and the tool message for the model. */
interface CallRecord extends TurnToolCall {
  id: string;
  toolMessage: string;
}

interface CallContext {
  entries: ReadonlyMap<string, ToolEntry>;
  callTool: CallTool;
  onEvent: (event: AgentEvent) => void;
  signal: AbortSignal;
}

/**
 * Rejects with an error named AbortError as soon as `signal` aborts, whatever the model or a tool is doing then; with
 * a ConfigError, before any request, when the new question is too long to send (agent/history-budget.ts).
 */
export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const { complete, onEvent, signal, maxRounds } = input;
  if (!Number.isInteger(maxRounds) || maxRounds < 1) throw new RangeError(`maxRounds must be a whole number of at least 1, got ${maxRounds}.`);
  const question = input.messages.at(-1);
  const tooLong = question?.role === 'user' && typeof question.content === 'string' ? questionTooLong(question.content) : undefined;
  if (tooLong !== undefined) throw new ConfigError(tooLong);
  const definitions = input.tools.filter((tool) => tool.hidden !== true).map((tool) => tool.definition);
  const context: CallContext = {
    entries: new Map(input.tools.map((tool) => [tool.definition.function.name, tool])),
    callTool: input.callTool,
    onEvent,
    signal,
  };
  const added: ChatCompletionMessageParam[] = [];
  const toolCalls: TurnToolCall[] = [];
  /** The call keys of the last REPEAT_LIMIT - 1 rounds, oldest first. */
  const earlierRounds: Set<string>[] = [];
  let usage: Usage = { promptTokens: 0, completionTokens: 0 };
  /** The input history, replaced by a trimmed copy if the model's context window overflowed once. */
  let history = input.messages;
  let trimmedHistory: ChatCompletionMessageParam[] | undefined;

  for (let round = 1; ; round += 1) {
    throwIfAborted(signal);
    onEvent({ type: 'model-request', round });
    const onTextDelta = (delta: string): void => {
      // Text still buffered when the user cancelled must not reach the screen.
      if (!signal.aborted && delta !== '') onEvent({ type: 'assistant-text', delta });
    };
    const ask = async (): Promise<ModelResponse> => {
      try {
        return await untilAborted(complete({ messages: [...history, ...added], tools: [...definitions] }, { signal, onTextDelta }), signal);
      } catch (error) {
        // The server had read the prompt before it failed: those tokens were spent all the same (/usage counts them).
        if (error instanceof ModelApiError && error.spent !== undefined && !signal.aborted) {
          const { promptTokens, completionTokens, estimated } = error.spent;
          onEvent({ type: 'usage', usage: { promptTokens, completionTokens }, estimated });
        }
        throw error;
      }
    };
    let response: ModelResponse;
    try {
      response = await ask();
    } catch (error) {
      // Once per turn: older tool results go, and the request is sent again; a second overflow is the user's to solve.
      if (!(error instanceof ContextLengthError) || trimmedHistory !== undefined) throw error;
      // Every tool result older than this turn goes (the model can fetch again); the turns themselves stay.
      const fit = fitHistory([...history], { maxTokens: 1, targetTokens: 0, dropTurns: false });
      if (fit.trimmedResults === 0) throw error;
      history = trimmedHistory = fit.messages;
      onEvent({ type: 'history-trimmed', trimmedResults: fit.trimmedResults });
      response = await ask();
    }
    usage = addUsage(usage, response.usage);
    if (response.usage !== undefined) onEvent({ type: 'usage', usage: response.usage, estimated: false });
    const finish = (stoppedBy: TurnResult['stoppedBy']): TurnResult => ({
      text: response.text, stoppedBy, rounds: round, usage, toolCalls, messages: added,
      cutOff: stoppedBy === 'answer' && response.finishReason === 'length',
      ...(trimmedHistory === undefined ? {} : { trimmedHistory }),
    });

    if (response.toolCalls.length === 0) {
      // An empty answer adds no message: some OpenAI-compatible servers reject an assistant message with no content.
      if (response.text !== '') added.push({ role: 'assistant', content: response.text });
      return finish('answer');
    }

    added.push(assistantToolCallMessage(response));
    const keys = response.toolCalls.map(callKey);
    const repeated = response.toolCalls.find((_call, index) =>
      earlierRounds.length === REPEAT_LIMIT - 1 && earlierRounds.every((roundKeys) => roundKeys.has(keys[index] ?? '')));
    let stop: { stoppedBy: 'repeated-call' | 'round-limit'; event: AgentEvent; reason: string } | undefined;
    if (repeated !== undefined) {
      const name = displayName(repeated, context);
      stop = {
        stoppedBy: 'repeated-call',
        event: { type: 'repeated-call', name },
        reason: `Not called: the turn was stopped because ${name} was requested with the same arguments ${REPEAT_LIMIT} rounds in a row.`,
      };
    } else if (round >= maxRounds) {
      stop = {
        stoppedBy: 'round-limit',
        event: { type: 'round-limit', rounds: round },
        reason: `Not called: the turn was stopped at its limit of ${maxRounds} model rounds.`,
      };
    }

    // A stopped turn runs none of the last response's calls: nobody would read their results, and some may be writes.
    const records = stop === undefined
      ? await untilAborted(Promise.all(response.toolCalls.map((call) => runCall(call, context))), signal)
      : response.toolCalls.map((call) => refuseCall(call, stop.reason, context));
    // OpenAI requires a tool message for every tool_call id of the assistant message, in any order; ours follow it.
    for (const record of records) {
      added.push({ role: 'tool', tool_call_id: record.id, content: record.toolMessage });
      toolCalls.push({ name: record.name, arguments: record.arguments, isError: record.isError });
    }
    if (stop !== undefined) {
      onEvent(stop.event);
      return finish(stop.stoppedBy);
    }
    earlierRounds.push(new Set(keys));
    if (earlierRounds.length > REPEAT_LIMIT - 1) earlierRounds.shift();
  }
}

/** Refuses what cannot run (unknown tool, bad arguments) and runs the rest; never throws except on abort. */
async function runCall(call: ModelToolCall, context: CallContext): Promise<CallRecord> {
  const { onEvent, signal } = context;
  const entry = context.entries.get(call.name);
  if (entry === undefined) {
    const names = [...context.entries.values()].filter((tool) => tool.hidden !== true).map((tool) => tool.definition.function.name);
    const available = names.length === 0 ? '(none)' : names.join(', ');
    return refuseCall(call, `Unknown tool '${call.name}'. Available tools: ${available}.`, context);
  }
  // A hidden tool is refused by the executor whatever its arguments; checking them first would hide the refusal.
  const parsed = entry.hidden === true ? parseLoosely(call.arguments) : parseToolArguments(call.arguments, entry.inputSchema);
  if (!parsed.ok) return refuseCall(call, parsed.error, context);

  const name = entry.serverName;
  onEvent({ type: 'tool-call-start', id: call.id, name, arguments: parsed.value });
  const started = performance.now();
  let text: string;
  let toolMessage: string;
  let isError: boolean;
  let display: ToolOutcome['display'];
  try {
    // A copy, so whatever the executor does to its arguments cannot change the record of what the model asked.
    const outcome = await context.callTool({ id: call.id, name, arguments: structuredClone(parsed.value) }, { signal });
    ({ text, isError, display } = outcome);
    toolMessage = isError ? `[tool error] ${text}` : text; // the display never reaches the model
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    text = `Tool call failed: ${oneLine(error)}`;
    toolMessage = text;
    isError = true;
  }
  throwIfAborted(signal); // the turn has already rejected; no event may follow it
  onEvent({ type: 'tool-call-end', id: call.id, name, isError, durationMs: Math.round(performance.now() - started), text, ...(display === undefined ? {} : { display }) });
  return { id: call.id, name, arguments: parsed.value, isError, toolMessage };
}

/** A call that is answered without running: it still gets its two events, so the user sees what the model wanted. */
function refuseCall(call: ModelToolCall, text: string, context: CallContext): CallRecord {
  const name = displayName(call, context);
  const args = readObject(call.arguments);
  context.onEvent({ type: 'tool-call-start', id: call.id, name, arguments: args });
  context.onEvent({ type: 'tool-call-end', id: call.id, name, isError: true, durationMs: 0, text });
  return { id: call.id, name, arguments: args, isError: true, toolMessage: text };
}

/** The server's name for a known tool (what the user knows it by), else the name the model made up. */
function displayName(call: ModelToolCall, context: CallContext): string {
  return context.entries.get(call.name)?.serverName ?? call.name;
}

function assistantToolCallMessage(response: ModelResponse): ChatCompletionAssistantMessageParam {
  return {
    role: 'assistant',
    content: response.text === '' ? null : response.text,
    tool_calls: response.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      // Ollama's OpenAI layer answers 400 "invalid tool call arguments" when a history entry is not a JSON object
      // (ollama/ollama openai/openai.go FromChatRequest); the tool message already tells the model what was wrong.
      function: { name: call.name, arguments: call.arguments.trim() !== '' && readObject(call.arguments) !== undefined ? call.arguments : '{}' },
    })),
  };
}

/** Name plus arguments with object keys sorted, so `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }` count as the same call. */
function callKey(call: ModelToolCall): string {
  const value = readObject(call.arguments);
  return JSON.stringify([call.name, value === undefined ? call.arguments.trim() : sortKeys(value)]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}

/** The arguments as the model sent them when they are a JSON object (empty text counts as `{}`), else undefined. */
function readObject(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}


function addUsage(total: Usage, round: Usage | undefined): Usage {
  if (round === undefined) return total;
  return { promptTokens: total.promptTokens + round.promptTokens, completionTokens: total.completionTokens + round.completionTokens };
}

function oneLine(error: unknown): string {
  let message: string;
  try {
    message = error instanceof Error ? error.message : String(error);
  } catch {
    message = ''; // an object whose toString throws
  }
  const line = message.replace(/\s+/g, ' ').trim() || (error instanceof Error ? error.name : 'unknown error');
  return line.length <= MAX_ERROR_MESSAGE_CHARS ? line : `${line.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…`;
}

/** Settles like `promise`, except that it rejects with an AbortError the moment `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onAbort();
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? abortError(signal) : error);
      },
    );
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

/** The signal's own reason when it is an AbortError (plain `abort()`), else an AbortError caused by the reason. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The turn was cancelled.', { cause: reason });
  error.name = 'AbortError';
  return error;
}

function parseLoosely(raw: string): { ok: true; value: Record<string, unknown> } {
  try {
    const value: unknown = JSON.parse(raw === '' ? '{}' : raw);
    return { ok: true, value: typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {} };
  } catch {
    return { ok: true, value: {} };
  }
}
