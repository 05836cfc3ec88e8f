/**
 * The agent loop's vocabulary, shared with its two sides: the CallTool it is given (tools/executor.ts) and the events
 * and result it hands back (terminal/turn-view.ts, commands/ask.ts, commands/repl.ts). Types only; agent/loop.ts re-exports them all.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Usage } from './model.js';
import type { Display } from '../charts/display.js';
import type { ToolOutcome } from '../tools/tool.js';


/** `name` is the server's own tool name (ToolEntry.serverName), not the function name the model used. */
export type CallTool = (
  call: { id: string; name: string; arguments: Record<string, unknown> },
  options: { signal: AbortSignal },
) => Promise<ToolOutcome>;

/**
 * Tool events name the tool as the server does when it exists, else as the model wrote it. `arguments` is what the
 * model sent when that was a JSON object, valid or not; undefined when it was not. A call that was refused without
 * running (unknown tool, bad arguments, turn stopped) still gets both events, with `isError` true and `durationMs` 0.
 * `text` on tool-call-end is for people: the tool's own text, without the `[tool error]` prefix the model gets.
 */
export type AgentEvent =
  | { type: 'assistant-text'; delta: string }
  | { type: 'model-request'; round: number }
  | { type: 'tool-call-start'; id: string; name: string; arguments: Record<string, unknown> | undefined }
  | { type: 'tool-call-end'; id: string; name: string; isError: boolean; durationMs: number; text: string; display?: Display }
  | { type: 'round-limit'; rounds: number }
  | { type: 'repeated-call'; name: string }
  /** The model's context window overflowed: every tool result older than this turn was left out, once per turn. */
  | { type: 'history-trimmed'; trimmedResults: number }
  /**
   * One per round that reported usage: that round's tokens, not the running total. Also sent for a round that failed
   * after the server had read the prompt, just before the turn rejects; `estimated` when kite-chat counted them.
   */
  | { type: 'usage'; usage: Usage; estimated: boolean };

/** Every call the model asked for, in order, including those refused or not run because the turn stopped. */
export interface TurnToolCall { name: string; arguments: Record<string, unknown> | undefined; isError: boolean }

export interface TurnResult {
  /** The last round's text: the answer, or whatever the model said alongside its last tool calls. */
  text: string;
  stoppedBy: 'answer' | 'round-limit' | 'repeated-call';
  /** Model calls made. */
  rounds: number;
  /** Summed over the rounds; a round without usage counts as 0. */
  usage: Usage;
  /** The last reply stopped at the output limit (finish_reason "length"): the text is not the whole answer. */
  cutOff: boolean;
  toolCalls: TurnToolCall[];
  /**
   * What the turn added after the input messages: assistant messages with tool_calls, one tool message per tool_call
   * id, and the final assistant message (left out when the answer is empty). Ready to append to the history.
   */
  messages: ChatCompletionMessageParam[];
  /**
   * Set when the model's context window overflowed and the input history had to be trimmed to fit: the input
   * messages as they were last sent. A caller that keeps the conversation should keep these in place of its own.
   */
  trimmedHistory?: ChatCompletionMessageParam[];
}
