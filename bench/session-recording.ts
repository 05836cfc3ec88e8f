/**
 * The scripted six-question session (session-script.ts) played once by kite-chat's compiled REPL and once by the
 * naive agent, each against its own fresh pair of fakes with the same data, with every model request recorded. The
 * token benchmarks (prompt-tokens.ts, first-request.ts) read the same recording, made once per `npm run bench`; it
 * fails unless both agents made the same tool calls with the same arguments.
 */
import { readFile } from 'node:fs/promises';
import { BENCH_MODEL, cliEnvironment, removeFolder, startLoopback, temporaryFolder, type Loopback } from './loopback.js';
import { runNaiveSession } from './naive-agent.js';
import { startRepl } from './repl-driver.js';
import { EXTRA_LAST_PRICES, SESSION, sessionScript } from './session-script.js';
import type { RecordedBody } from '../test/support/scripted-openai.js';

const SYSTEM_PROMPT_URL = new URL('../prompts/system.md', import.meta.url);
/** Two model requests per question: the tool call, then the answer. */
export const EXPECTED_REQUESTS = SESSION.length * 2;

export interface SessionRecord {
  /** Every chat request body, in order. */
  bodies: RecordedBody[];
  /** The tool calls the model asked for, as `name{arguments}`. */
  toolCalls: string[];
}

export interface Recordings {
  ours: SessionRecord;
  naive: SessionRecord;
}

let recording: Promise<Recordings> | undefined;

/** Both sessions, recorded on the first call and shared by every later one. */
export function recordSessions(progress: (line: string) => void): Promise<Recordings> {
  recording ??= recordBoth(progress);
  return recording;
}

async function recordBoth(progress: (line: string) => void): Promise<Recordings> {
  const ours = await recordSession(async (loopback) => {
    const home = await temporaryFolder();
    const repl = await startRepl(['--url', loopback.kite.mcpUrl, '--no-browser'], { env: cliEnvironment(loopback.model, home), cwd: home });
    try {
      for (const turn of SESSION) await repl.ask(turn.question);
      const code = await repl.finish();
      if (code !== 0) throw new Error(`the REPL exited ${String(code)}`);
    } finally {
      repl.kill();
      await removeFolder(home);
    }
  });
  progress('token session: kite-chat done');
  const systemPrompt = await readFile(SYSTEM_PROMPT_URL, 'utf8');
  const naive = await recordSession((loopback) =>
    runNaiveSession({
      mcpUrl: loopback.kite.mcpUrl,
      baseURL: loopback.model.baseURL,
      model: BENCH_MODEL,
      systemPrompt,
      questions: SESSION.map((turn) => turn.question),
    }));
  progress('token session: naive agent done');
  if (JSON.stringify(ours.toolCalls) !== JSON.stringify(naive.toolCalls)) {
    throw new Error(`the two sessions made different tool calls:\nours  ${ours.toolCalls.join(', ')}\nnaive ${naive.toolCalls.join(', ')}`);
  }
  return { ours, naive };
}

/** Runs one agent against fresh fakes playing the session script; returns what the model was sent. */
async function recordSession(drive: (loopback: Loopback) => Promise<void>): Promise<SessionRecord> {
  const loopback = await startLoopback(sessionScript(), { ltp: EXTRA_LAST_PRICES });
  try {
    await drive(loopback);
    const bodies = loopback.model.requests
      .filter((request) => request.method === 'POST' && request.path === '/v1/chat/completions')
      .map((request) => request.body ?? {});
    if (bodies.length !== EXPECTED_REQUESTS) throw new Error(`expected ${EXPECTED_REQUESTS} model requests, the session made ${bodies.length}`);
    // get_profile is the REPL's own look-up of who is logged in, not a call the model asked for.
    const toolCalls = loopback.kite.requests
      .filter((request) => request.rpcMethod === 'tools/call' && request.tool !== 'get_profile')
      .map((request) => `${request.tool ?? '?'}${JSON.stringify(request.arguments ?? {})}`);
    return { bodies, toolCalls };
  } finally {
    await loopback.close();
  }
}
