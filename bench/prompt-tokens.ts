/**
 * prompt_tokens: everything sent to the model over the scripted six-question session (session-script.ts), summed
 * over every request the scripted server recorded and counted with o200k (token-count.ts). Ours is the compiled
 * REPL, spawned and typed into; the baseline is naive-agent.ts. Each runs against its own fresh pair of fakes with
 * the same data and the same script, and the benchmark checks that both made the same tool calls.
 */
import { readFile } from 'node:fs/promises';
import type { Metric } from './metric.js';
import { BENCH_MODEL, cliEnvironment, removeFolder, startLoopback, temporaryFolder, type Loopback } from './loopback.js';
import { runNaiveSession } from './naive-agent.js';
import { startRepl } from './repl-driver.js';
import { EXTRA_LAST_PRICES, SESSION, sessionScript } from './session-script.js';
import { round } from './statistics.js';
import { countPromptTokens, sumPromptTokens, toolDefinitionTokens } from './token-count.js';
import type { RecordedBody } from '../test/support/scripted-openai.js';

const SYSTEM_PROMPT_URL = new URL('../prompts/system.md', import.meta.url);
/** Two model requests per question: the tool call, then the answer. */
const EXPECTED_REQUESTS = SESSION.length * 2;
/** The what-if line: what an earlier question's tool result would shrink to if the REPL stopped resending it. */
const ELIDED_RESULT = 'Result of an earlier question, omitted: call the tool again for current figures.';

interface SessionRecord {
  bodies: RecordedBody[];
  toolCalls: string[];
}

export async function measurePromptTokens(progress: (line: string) => void): Promise<Metric> {
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
  progress('prompt tokens: kite-chat session done');
  const systemPrompt = await readFile(SYSTEM_PROMPT_URL, 'utf8');
  const naive = await recordSession((loopback) =>
    runNaiveSession({
      mcpUrl: loopback.kite.mcpUrl,
      baseURL: loopback.model.baseURL,
      model: BENCH_MODEL,
      systemPrompt,
      questions: SESSION.map((turn) => turn.question),
    }));
  progress('prompt tokens: naive session done');

  if (JSON.stringify(ours.toolCalls) !== JSON.stringify(naive.toolCalls)) {
    throw new Error(`the two sessions made different tool calls:\nours  ${ours.toolCalls.join(', ')}\nnaive ${naive.toolCalls.join(', ')}`);
  }
  const oursTotal = sumPromptTokens(ours.bodies);
  const elided = sumPromptTokens(ours.bodies.map(withEarlierResultsElided)).rendered;
  const plainParameters = sumPromptTokens(ours.bodies.map(withoutParameterDescriptions)).rendered;
  const both = sumPromptTokens(ours.bodies.map((body) => withoutParameterDescriptions(withEarlierResultsElided(body)))).rendered;
  const naiveTotal = sumPromptTokens(naive.bodies);
  const lastResults = (record: SessionRecord) => {
    const last = record.bodies.at(-1);
    const toolText = (last?.messages ?? []).filter((message) => message.role === 'tool').map((message) => String(message.content)).join('');
    return countPromptTokens({ messages: [{ role: 'user', content: toolText }] }).rendered;
  };
  const firstTools = (record: SessionRecord) => toolDefinitionTokens(record.bodies[0] ?? {});
  const toolCount = (record: SessionRecord) => record.bodies[0]?.tools?.length ?? 0;
  return {
    name: 'prompt_tokens',
    value: oursTotal.rendered,
    unit: 'tokens',
    baseline: naiveTotal.rendered,
    ratio: round(oursTotal.rendered / naiveTotal.rendered, 3),
    target: { of: 'ratio', comparison: '<=', limit: 0.45 },
    details: [
      `${ours.bodies.length} requests each, same ${ours.toolCalls.length} tool calls (${ours.toolCalls.join(', ')}); o200k, tools rendered as the model sees them`,
      `tool definitions per request: ours ${firstTools(ours)} tokens (${toolCount(ours)} tools offered), naive ${firstTools(naive)} (${toolCount(naive)} tools as listed)`,
      `the six tool results as the model gets them: ours ${lastResults(ours)} tokens, naive ${lastResults(naive)}`,
      `counted as raw JSON request text instead: ours ${oursTotal.json}, naive ${naiveTotal.json}, ratio ${round(oursTotal.json / naiveTotal.json, 3)}`,
      `what-if, not shipped: ours with earlier questions' tool results replaced by a one-line note: ${elided} tokens, ratio ` +
        `${round(elided / naiveTotal.rendered, 3)}; with no parameter descriptions in the tool definitions: ${plainParameters}, ratio ` +
        `${round(plainParameters / naiveTotal.rendered, 3)}; both: ${both}, ratio ${round(both / naiveTotal.rendered, 3)}`,
    ],
  };
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

/** The same request with the tool messages before the latest question replaced by ELIDED_RESULT. */
function withEarlierResultsElided(body: RecordedBody): RecordedBody {
  const messages = body.messages ?? [];
  const latestQuestion = messages.map((message) => message.role).lastIndexOf('user');
  return {
    ...body,
    messages: messages.map((message, index) =>
      message.role === 'tool' && index < latestQuestion ? { ...message, content: ELIDED_RESULT } : message),
  };
}

/** The same request with every parameter's description removed from the tool definitions. */
function withoutParameterDescriptions(body: RecordedBody): RecordedBody {
  const tools = (body.tools ?? []).map((tool) => {
    if (tool.type !== 'function') return tool;
    const parameters = tool.function.parameters ?? {};
    const properties = (parameters['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    const plain = Object.fromEntries(Object.entries(properties).map(([name, { description: _description, ...rest }]) => [name, rest]));
    return { ...tool, function: { ...tool.function, parameters: { ...parameters, properties: plain } } };
  });
  return { ...body, tools };
}
