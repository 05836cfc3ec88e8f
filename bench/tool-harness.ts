/**
 * In-process harness for the tool benchmarks: kite-chat's own pieces wired as session.ts and commands/repl.ts wire them (a
 * real MCP connection to the fake over /mcp, the tool executor with its audit line, the event renderer, runTurn)
 * with two stopwatches around them: a fetch wrapper that times every MCP POST on the wire (the server's time, the
 * loopback hop included) and a session wrapper that times each SDK call. The model is an in-process script that
 * answers at once, so a round's time between the model's tool calls and the next model request is all the client's.
 */
import { Writable } from 'node:stream';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn } from '../src/agent/loop.js';
import { openMcpConnection, type McpConnection } from '../src/mcp/connection.js';
import { connectMcp, type McpSession } from '../src/mcp/session.js';
import type { Complete, ModelToolCall } from '../src/agent/model.js';
import { createRedactor } from '../src/redact.js';
import { AUDIT_LOG_FILE } from '../src/session.js';
import { createStore } from '../src/store.js';
import { createToolExecutor } from '../src/tools/executor.js';
import { classifyTool, detectCatalog, offeredTools } from '../src/tools/policy.js';
import { toOpenAITools } from '../src/tools/schema.js';
import { createEventRenderer, createLoginScreen } from '../src/terminal/turn-view.js';
import { createTerminalUi } from '../src/terminal/ui.js';
import type { FakeKite } from '../test/support/fake-kite/index.js';

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const TOOL_TIMEOUT_MS = 60_000;

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
  const connection = timedConnection(
    await openMcpConnection({
      url: new URL(kite.mcpUrl),
      store: undefined,
      notice: () => {},
      connect: (options) => connectMcp({ ...options, fetch: timedFetch }),
    }),
    sessionCalls,
  );

  // As createRuntime does it.
  const tools = await connection.tools();
  const catalog = detectCatalog(tools.map((tool) => tool.name));
  const classes = new Map(tools.map((tool) => [tool.name, classifyTool(tool, catalog)] as const));
  const offered = toOpenAITools(offeredTools(tools, { trading: false, mode: 'repl' }));
  const store = createStore(home);
  const redact = createRedactor({ values: ['sk-bench-not-a-real-key'] });
  const ui = createTerminalUi({ stdout: discard(), stderr: discard() }, { color: false });

  const executor = createToolExecutor({
    connection,
    catalog,
    classes,
    mode: 'repl',
    trading: false,
    confirmWrite: undefined,
    login: { openLink: undefined, screen: createLoginScreen(ui, { qr: false }), waitForEnter: undefined, timeoutMs: 0 },
    serverUrl: new URL(kite.mcpUrl),
    toolTimeoutMs: TOOL_TIMEOUT_MS,
    onFatal: (error) => {
      throw error;
    },
    onAudit: (entry) => {
      const line = redact(JSON.stringify({ time: new Date().toISOString(), mode: 'repl', ...entry }));
      store.appendLine(AUDIT_LOG_FILE, line).catch(() => {});
    },
  });

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
    close: () => connection.close(),
  };
}

/** The connection as the executor sees it, with each session's callTool timed. */
function timedConnection(connection: McpConnection, calls: Interval[]): McpConnection {
  const wrapped = new WeakMap<McpSession, McpSession>();
  const timed = (session: McpSession): McpSession => {
    const known = wrapped.get(session);
    if (known !== undefined) return known;
    const callTool: McpSession['callTool'] = async (name, args, options) => {
      const start = performance.now();
      try {
        return await session.callTool(name, args, options);
      } finally {
        calls.push({ start, end: performance.now() });
      }
    };
    const proxy = new Proxy(session, { get: (target, property) => (property === 'callTool' ? callTool : Reflect.get(target, property)) });
    wrapped.set(session, proxy);
    return proxy;
  };
  return {
    get lost() {
      return connection.lost;
    },
    session: async () => timed(await connection.session()),
    replace: async (reason) => timed(await connection.replace(reason)),
    tools: () => connection.tools(),
    close: () => connection.close(),
  };
}

function sumSince(intervals: readonly Interval[], from: number): number {
  return intervals.slice(from).reduce((total, interval) => total + (interval.end - interval.start), 0);
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
