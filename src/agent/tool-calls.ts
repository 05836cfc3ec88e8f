/**
 * One tool call the model asked for, as the agent loop runs it: refused when it cannot run (an unknown tool, arguments
 * that do not fit the schema) or run through the injected CallTool, with a tool-call-start and a tool-call-end event
 * either way, and what it came to as the record for the caller and the tool message for the model.
 */
import { isRecord, tryParseJson } from '../json.js';
import { parseToolArguments, type ToolEntry } from '../tools/schema.js';
import type { ToolOutcome } from '../tools/tool.js';
import type { AgentEvent, CallTool, TurnToolCall } from './events.js';
import type { ModelToolCall } from './model.js';
import { abortError, throwIfAborted } from './turn-signal.js';

/** A thrown error goes back to the model on one line; a stack trace or an HTML page must not fill its context. */
const MAX_ERROR_MESSAGE_CHARS = 500;

/** What one requested call came to: the record for the caller and the tool message for the model. */
interface CallRecord extends TurnToolCall {
  id: string;
  toolMessage: string;
}

export interface CallContext {
  entries: ReadonlyMap<string, ToolEntry>;
  callTool: CallTool;
  onEvent: (event: AgentEvent) => void;
  signal: AbortSignal;
}

/** Refuses what cannot run (unknown tool, bad arguments) and runs the rest; never throws except on abort. */
export async function runCall(call: ModelToolCall, context: CallContext): Promise<CallRecord> {
  const { onEvent, signal } = context;
  const entry = context.entries.get(call.name);
  if (entry === undefined) {
    const names = [...context.entries.values()].filter((tool) => tool.hidden !== true).map((tool) => tool.definition.function.name);
    const available = names.length === 0 ? '(none)' : names.join(', ');
    return refuseCall(call, `Unknown tool '${call.name}'. Available tools: ${available}.`, context);
  }
  // A hidden tool is refused by the executor whatever its arguments; checking them first would hide the refusal.
  const parsed = entry.hidden === true
    ? { ok: true as const, value: readObject(call.arguments) ?? {} }
    : parseToolArguments(call.arguments, entry.inputSchema);
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
  const durationMs = Math.round(performance.now() - started);
  onEvent({ type: 'tool-call-end', id: call.id, name, isError, durationMs, text, ...(display === undefined ? {} : { display }) });
  return { id: call.id, name, arguments: parsed.value, isError, toolMessage };
}

/** A call that is answered without running: it still gets its two events, so the user sees what the model wanted. */
export function refuseCall(call: ModelToolCall, text: string, context: CallContext): CallRecord {
  const name = displayName(call, context);
  const args = readObject(call.arguments);
  context.onEvent({ type: 'tool-call-start', id: call.id, name, arguments: args });
  context.onEvent({ type: 'tool-call-end', id: call.id, name, isError: true, durationMs: 0, text });
  return { id: call.id, name, arguments: args, isError: true, toolMessage: text };
}

/** The server's name for a known tool (what the user knows it by), else the name the model made up. */
export function displayName(call: ModelToolCall, context: CallContext): string {
  return context.entries.get(call.name)?.serverName ?? call.name;
}

/** The arguments as the model sent them when they are a JSON object (empty text counts as `{}`), else undefined. */
export function readObject(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  const value = tryParseJson(raw);
  return isRecord(value) ? value : undefined;
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
