/**
 * In-process fakes for the agent loop's two seams: a scripted `Complete` that answers from an array and records a
 * copy of every request, and a recording `CallTool`. A script that runs out throws, so a surprise model call fails
 * the test. No network, no timers.
 */
import type { CallTool } from '../../src/agent/loop.js';
import type { ToolOutcome } from '../../src/tools/tool.js';
import type { Complete, ModelRequest, ModelResponse, ModelToolCall, Usage } from '../../src/agent/model.js';

/** A canned reply: `text` is streamed word by word through onTextDelta before the response resolves. */
export interface ScriptedReply {
  text?: string;
  toolCalls?: ModelToolCall[];
  usage?: Usage;
}

export type ScriptedStep =
  | ScriptedReply
  | ((request: ModelRequest, options: Parameters<Complete>[1]) => Promise<ModelResponse>);

export interface ScriptedComplete {
  complete: Complete;
  /** Deep copies, taken when each request arrived. */
  requests: ModelRequest[];
  /** The signal each call was given. */
  signals: AbortSignal[];
}

export function scriptedComplete(steps: readonly ScriptedStep[]): ScriptedComplete {
  const requests: ModelRequest[] = [];
  const signals: AbortSignal[] = [];
  const complete: Complete = async (request, options) => {
    requests.push(structuredClone(request));
    signals.push(options.signal);
    const step = steps[requests.length - 1];
    if (step === undefined) throw new Error(`scripted complete: no reply left for request ${requests.length}`);
    if (typeof step === 'function') return step(request, options);
    const text = step.text ?? '';
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) options.onTextDelta(piece);
    const toolCalls = step.toolCalls ?? [];
    return { text, toolCalls, usage: step.usage, finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop' };
  };
  return { complete, requests, signals };
}

export interface RecordedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  signal: AbortSignal;
}

/** Records every call, then answers with `handler` (default: `result of NAME`). */
export function recordingCallTool(
  handler: (call: RecordedToolCall) => ToolOutcome | Promise<ToolOutcome> = (call) => ({ text: `result of ${call.name}`, isError: false }),
): { callTool: CallTool; calls: RecordedToolCall[] } {
  const calls: RecordedToolCall[] = [];
  const callTool: CallTool = async (call, { signal }) => {
    const recorded = { ...call, signal };
    calls.push(recorded);
    return handler(recorded);
  };
  return { callTool, calls };
}

/** Resolves every `arrive()` once `count` of them have been made: proof that that many callers were waiting at once. */
export function createLatch(count: number): { arrive(): Promise<void> } {
  let arrived = 0;
  const { promise, resolve } = deferred<void>();
  return {
    arrive() {
      arrived += 1;
      if (arrived >= count) resolve();
      return promise;
    },
  };
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

export function toolCall(id: string, name: string, args: Record<string, unknown> | string = {}): ModelToolCall {
  return { id, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}
