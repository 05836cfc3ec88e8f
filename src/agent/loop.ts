/**
 * The agent loop: one user turn as rounds of "ask the model, run the tools it asked for", until it answers in prose,
 * asks for the same call a third round in a row, or uses up its rounds. It works over injected functions (`complete`,
 * `callTool`), reports through events and returns the messages the turn added; it never prints and has no I/O of its
 * own. Gating writes, logging in and compacting results belong to the CallTool it is given (tools/executor.ts).
 */
import type {
  ChatCompletionAssistantMessageParam, ChatCompletionFunctionTool, ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ConfigError, ContextLengthError, ModelApiError, type SpentTokens } from '../errors.js';
import { fitHistory, questionTooLong } from './history-budget.js';
import type { Complete, ModelResponse, ModelToolCall, Usage } from './model.js';
import type { ToolEntry } from '../tools/schema.js';
import type { AgentEvent, CallTool, TurnResult, TurnToolCall } from './events.js';
import { canonicalJson } from '../json.js';
import { displayName, readObject, refuseCall, runCall, type CallContext } from './tool-calls.js';
import { throwIfAborted, untilAborted } from './turn-signal.js';

export type { AgentEvent, CallTool, TurnResult, TurnToolCall } from './events.js';

/** A model that asks for the same call a third round in a row is stuck: the same answer will not unstick it. */
const REPEAT_LIMIT = 3;

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

/** One turn's running state: what it added, the calls it made, the tokens, and the history as last sent. */
interface Turn {
  input: TurnInput;
  context: CallContext;
  /** The functions offered to the model (hidden tools are known to the loop, not offered). */
  definitions: ChatCompletionFunctionTool[];
  added: ChatCompletionMessageParam[];
  toolCalls: TurnToolCall[];
  /** The call keys of the last REPEAT_LIMIT - 1 rounds, oldest first. */
  earlierRounds: Set<string>[];
  usage: Usage;
  /** The input history trimmed of older tool results, once the model's context window overflowed; sent instead. */
  trimmedHistory: ChatCompletionMessageParam[] | undefined;
}

/** Why a round's calls are not run: the model repeats itself, or the turn is out of rounds. */
interface Stop {
  stoppedBy: 'repeated-call' | 'round-limit';
  event: AgentEvent;
  reason: string;
}

/**
 * Rejects with an error named AbortError as soon as `signal` aborts, whatever the model or a tool is doing then; with
 * a ConfigError, before any request, when the new question is too long to send (agent/history-budget.ts).
 */
export async function runTurn(input: TurnInput): Promise<TurnResult> {
  checkInput(input);
  const turn = startTurn(input);
  for (let round = 1; ; round += 1) {
    throwIfAborted(input.signal);
    input.onEvent({ type: 'model-request', round });
    const response = await askModel(turn);
    turn.usage = addUsage(turn.usage, response.usage);
    if (response.usage !== undefined) input.onEvent({ type: 'usage', usage: response.usage, estimated: false });
    if (response.toolCalls.length === 0) {
      // An empty answer adds no message: some OpenAI-compatible servers reject an assistant message with no content.
      if (response.text !== '') turn.added.push({ role: 'assistant', content: response.text });
      return finish(turn, response, round, 'answer');
    }
    turn.added.push(assistantToolCallMessage(response));
    const keys = response.toolCalls.map(callKey);
    const stop = stopBefore(turn, response, keys, round);
    await runRound(turn, response, stop);
    if (stop !== undefined) {
      input.onEvent(stop.event);
      return finish(turn, response, round, stop.stoppedBy);
    }
    turn.earlierRounds.push(new Set(keys));
    if (turn.earlierRounds.length > REPEAT_LIMIT - 1) turn.earlierRounds.shift();
  }
}

function checkInput({ maxRounds, messages }: TurnInput): void {
  if (!Number.isInteger(maxRounds) || maxRounds < 1) throw new RangeError(`maxRounds must be a whole number of at least 1, got ${maxRounds}.`);
  const question = messages.at(-1);
  const tooLong = question?.role === 'user' && typeof question.content === 'string' ? questionTooLong(question.content) : undefined;
  if (tooLong !== undefined) throw new ConfigError(tooLong);
}

function startTurn(input: TurnInput): Turn {
  return {
    input,
    context: {
      entries: new Map(input.tools.map((tool) => [tool.definition.function.name, tool])),
      callTool: input.callTool,
      onEvent: input.onEvent,
      signal: input.signal,
    },
    definitions: input.tools.filter((tool) => tool.hidden !== true).map((tool) => tool.definition),
    added: [],
    toolCalls: [],
    earlierRounds: [],
    usage: { promptTokens: 0, completionTokens: 0 },
    trimmedHistory: undefined,
  };
}

/** The model's response; once per turn, a context window that overflows costs the older tool results and one retry. */
async function askModel(turn: Turn): Promise<ModelResponse> {
  try {
    return await requestResponse(turn);
  } catch (error) {
    // Once per turn: older tool results go, and the request is sent again; a second overflow is the user's to solve.
    if (!(error instanceof ContextLengthError) || turn.trimmedHistory !== undefined) throw error;
    // Every tool result older than this turn goes (the model can fetch again); the turns themselves stay.
    const fit = fitHistory([...turn.input.messages], { maxTokens: 1, targetTokens: 0, dropTurns: false });
    if (fit.trimmedResults === 0) throw error;
    turn.trimmedHistory = fit.messages;
    turn.input.onEvent({ type: 'history-trimmed', trimmedResults: fit.trimmedResults });
    return requestResponse(turn);
  }
}

async function requestResponse(turn: Turn): Promise<ModelResponse> {
  const { complete, onEvent, signal } = turn.input;
  const onTextDelta = (delta: string): void => {
    // Text still buffered when the user cancelled must not reach the screen.
    if (!signal.aborted && delta !== '') onEvent({ type: 'assistant-text', delta });
  };
  // The server had read the prompt before it failed or was cancelled: those tokens were spent all the same (/usage
  // counts them). A cancelled request says so after the turn has already ended.
  const countSpent = ({ promptTokens, completionTokens, estimated }: SpentTokens) =>
    onEvent({ type: 'usage', usage: { promptTokens, completionTokens }, estimated });
  try {
    const request = { messages: [...(turn.trimmedHistory ?? turn.input.messages), ...turn.added], tools: [...turn.definitions] };
    return await untilAborted(complete(request, { signal, onTextDelta, onCancelledSpend: countSpent }), signal);
  } catch (error) {
    if (error instanceof ModelApiError && error.spent !== undefined && !signal.aborted) countSpent(error.spent);
    throw error;
  }
}

/** A call asked for the same way REPEAT_LIMIT rounds running, or the last round allowed: its calls are not run. */
function stopBefore(turn: Turn, response: ModelResponse, keys: readonly string[], round: number): Stop | undefined {
  const { earlierRounds } = turn;
  const repeated = response.toolCalls.find((_call, index) =>
    earlierRounds.length === REPEAT_LIMIT - 1 && earlierRounds.every((roundKeys) => roundKeys.has(keys[index] ?? '')));
  if (repeated !== undefined) {
    const name = displayName(repeated, turn.context);
    return {
      stoppedBy: 'repeated-call',
      event: { type: 'repeated-call', name },
      reason: `Not called: the turn was stopped because ${name} was requested with the same arguments ${REPEAT_LIMIT} rounds in a row.`,
    };
  }
  if (round < turn.input.maxRounds) return undefined;
  return {
    stoppedBy: 'round-limit',
    event: { type: 'round-limit', rounds: round },
    reason: `Not called: the turn was stopped at its limit of ${turn.input.maxRounds} model rounds.`,
  };
}

/** The round's calls, run in parallel, or all refused when the turn stops; one tool message each, in order. */
async function runRound(turn: Turn, response: ModelResponse, stop: Stop | undefined): Promise<void> {
  const { context } = turn;
  // A stopped turn runs none of the last response's calls: nobody would read their results, and some may be writes.
  const records = stop === undefined
    ? await untilAborted(Promise.all(response.toolCalls.map((call) => runCall(call, context))), context.signal)
    : response.toolCalls.map((call) => refuseCall(call, stop.reason, context));
  // OpenAI requires a tool message for every tool_call id of the assistant message, in any order; ours follow it.
  for (const record of records) {
    turn.added.push({ role: 'tool', tool_call_id: record.id, content: record.toolMessage });
    turn.toolCalls.push({ name: record.name, arguments: record.arguments, isError: record.isError });
  }
}

function finish(turn: Turn, response: ModelResponse, rounds: number, stoppedBy: TurnResult['stoppedBy']): TurnResult {
  return {
    text: response.text, stoppedBy, rounds, usage: turn.usage, toolCalls: turn.toolCalls, messages: turn.added,
    cutOff: stoppedBy === 'answer' && response.finishReason === 'length',
    ...(turn.trimmedHistory === undefined ? {} : { trimmedHistory: turn.trimmedHistory }),
  };
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
  return canonicalJson([call.name, value ?? call.arguments.trim()]);
}

function addUsage(total: Usage, round: Usage | undefined): Usage {
  if (round === undefined) return total;
  return { promptTokens: total.promptTokens + round.promptTokens, completionTokens: total.completionTokens + round.completionTokens };
}
