/**
 * In-process harness for the tool benchmarks: kite-chat's own session (session.ts: a real MCP connection to the fake
 * over /mcp, the REPL's tool executor with its audit line), the event renderer and runTurn, with two stopwatches
 * around them: a fetch wrapper that times every MCP POST on the wire (the server's time, the
 * loopback hop included) and a session wrapper that times each SDK call. The model is an in-process script that
 * answers at once, so a round's time between the model's tool calls and the next model request is all the client's.
 */
import { Writable } from 'node:stream';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn } from '../src/agent/loop.js';
import type { Complete, ModelToolCall } from '../src/agent/model.js';
import { parseCommandLine } from '../src/config/command-line.js';
import { resolveRun } from '../src/config/resolve.js';
import { connectMcp, type McpSession } from '../src/mcp/session.js';
import { openSession } from '../src/session.js';
import { createStore } from '../src/store.js';
import { createEventRenderer } from '../src/terminal/turn-view.js';
import { createTerminalUi } from '../src/terminal/ui.js';
import type { FakeKite } from '../test/support/fake-kite/index.js';

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface RoundTiming {
  /** From the model's response (with the tool calls) resolving to the next model request starting. */
  totalMs: number;
  /** Summed time of the MCP POSTs made in the round, request sent to body fully read: the server's share. */
  wireMs: number;
  /** Summed time inside McpSession.callTool: the SDK client and mcp/session.ts around the wire time. */
  sessionMs: number;
  calls: string[];
}

export interface ToolHarness {
  /** One turn: each element is one model response's tool calls, then a text answer. Throws if a tool failed. */
  runTurn(rounds: readonly PlannedCall[][]): Promise<RoundTiming[]>;
  close(): Promise<void>;
}

interface Interval { start: number; end: number }

export async function startToolHarness(kite: FakeKite, home: string): Promise<ToolHarness> {
  const wire: Interval[] = [];
  const sessionCalls: Interval[] = [];
  const timedFetch: typeof fetch = async (input, init) => {
    if (init?.method !== 'POST') return fetch(input, init); // the SDK's long-lived GET stream is not a call
    const start = performance.now();
    const response = await fetch(input, init);
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    wire.push({ start, end: performance.now() });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const line = parseCommandLine(['--url', kite.mcpUrl, '--no-browser', '--no-qr', '--login-timeout', '0']);
  if (line.kind !== 'run') throw new Error('the benchmark command line did not parse as a run');
  const config = resolveRun(line, { env: { OPENAI_API_KEY: 'sk-bench-not-a-real-key', KITE_CHAT_HOME: home }, homeDir: home });
  const ui = createTerminalUi({ stdout: discard(), stderr: discard() }, { color: false });
  const session = await openSession({
    config,
    store: createStore(home, { uid: process.getuid?.() }),
    ui,
    openLink: async () => ({ ok: false, reason: 'the benchmark opens no browser' }),
    connect: async (options) => timed(await connectMcp({ ...options, fetch: timedFetch }), sessionCalls),
  });
  const executor = session.executor('repl');
  const offered = session.tools.offered('repl', false);

  let turnNumber = 0;
  return {
    async runTurn(rounds) {
      turnNumber += 1;
      const timings: RoundTiming[] = [];
      let arrived: { at: number; wireFrom: number; sessionFrom: number; calls: string[] } | undefined;
      const complete: Complete = async (_request, options) => {
        const now = performance.now();
        if (arrived !== undefined) {
          timings.push({
            totalMs: now - arrived.at,
            wireMs: sumSince(wire, arrived.wireFrom),
            sessionMs: sumSince(sessionCalls, arrived.sessionFrom),
            calls: arrived.calls,
          });
        }
        const planned = rounds[timings.length];
        if (planned === undefined) {
          options.onTextDelta('Done.');
          return { text: 'Done.', toolCalls: [], usage: undefined, finishReason: 'stop' };
        }
        const toolCalls: ModelToolCall[] = planned.map((call, index) => ({
          id: `call_${turnNumber}_${timings.length}_${index}`,
          name: call.name,
          arguments: JSON.stringify(call.arguments),
        }));
        arrived = { at: performance.now(), wireFrom: wire.length, sessionFrom: sessionCalls.length, calls: planned.map((call) => call.name) };
        return { text: '', toolCalls, usage: undefined, finishReason: 'tool_calls' };
      };
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You are a benchmark.' },
        { role: 'user', content: `Turn ${turnNumber}` },
      ];
      const result = await runTurn({
        complete,
        callTool: executor.callTool,
        tools: offered,
        messages,
        onEvent: createEventRenderer(ui, { streamAnswer: true }),
        signal: new AbortController().signal,
        maxRounds: rounds.length + 1,
      });
      ui.endAnswer();
      const failed = result.toolCalls.find((call) => call.isError);
      if (failed !== undefined) throw new Error(`the benchmark's ${failed.name} call failed: ${JSON.stringify(result.messages.at(-2))}`);
      return timings;
    },
    close: () => session.close(),
  };
}

/** The session as the executor sees it, with its callTool timed. */
function timed(session: McpSession, calls: Interval[]): McpSession {
  const callTool: McpSession['callTool'] = async (name, args, options) => {
    const start = performance.now();
    try {
      return await session.callTool(name, args, options);
    } finally {
      calls.push({ start, end: performance.now() });
    }
  };
  return new Proxy(session, { get: (target, property) => (property === 'callTool' ? callTool : Reflect.get(target, property)) });
}

function sumSince(intervals: readonly Interval[], from: number): number {
  return intervals.slice(from).reduce((total, interval) => total + (interval.end - interval.start), 0);
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
