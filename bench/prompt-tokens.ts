/**
 * prompt_tokens: everything sent to the model over the scripted six-question session (session-recording.ts), summed
 * over every request the scripted server recorded and counted with o200k (token-count.ts). Ours is the compiled
 * REPL, spawned and typed into; the baseline is naive-agent.ts, with the same data, script and tool calls.
 */
import { STALE_TOOL_RESULT } from '../src/agent/stale-results.js';
import type { Metric } from './metric.js';
import { recordSessions, type SessionRecord } from './session-recording.js';
import { round } from './statistics.js';
import { countPromptTokens, sumPromptTokens, toolDefinitionTokens } from './token-count.js';
import type { RecordedBody } from '../test/support/scripted-openai.js';

export async function measurePromptTokens(progress: (line: string) => void): Promise<Metric> {
  const { ours, naive } = await recordSessions(progress);
  const oursTotal = sumPromptTokens(ours.bodies);
  const naiveTotal = sumPromptTokens(naive.bodies);
  const plainParameters = sumPromptTokens(ours.bodies.map(withoutParameterDescriptions)).rendered;
  const firstTools = (record: SessionRecord) => toolDefinitionTokens(record.bodies[0] ?? {});
  const toolCount = (record: SessionRecord) => record.bodies[0]?.tools?.length ?? 0;
  return {
    name: 'prompt_tokens',
    value: oursTotal.rendered,
    unit: 'tokens',
    baseline: naiveTotal.rendered,
    ratio: round(oursTotal.rendered / naiveTotal.rendered, 3),
    target: { of: 'ratio', comparison: '<=', limit: 0.4 },
    details: [
      `${ours.bodies.length} requests each, same ${ours.toolCalls.length} tool calls (${ours.toolCalls.join(', ')}); o200k, tools rendered as the model sees them`,
      `tool definitions per request: ours ${firstTools(ours)} tokens (${toolCount(ours)} tools offered), naive ${firstTools(naive)} (${toolCount(naive)} tools as listed)`,
      `the six tool results as the model gets them: ours ${resultTokens(ours)} tokens, naive ${resultTokens(naive)}; ` +
        `earlier questions' results in ours' last request: ${staleResults(ours)} one-line stale notes`,
      `counted as raw JSON request text instead: ours ${oursTotal.json}, naive ${naiveTotal.json}, ratio ${round(oursTotal.json / naiveTotal.json, 3)}`,
      `what-if, not shipped: ours with no parameter descriptions at all in the tool definitions: ${plainParameters} tokens, ratio ` +
        `${round(plainParameters / naiveTotal.rendered, 3)}`,
    ],
  };
}

/** Each of the six calls' result as the model first got it (in the request right after the call). */
function resultTokens(record: SessionRecord): number {
  const text = record.bodies
    .filter((_body, index) => index % 2 === 1)
    .map((body) => String(body.messages?.at(-1)?.content ?? ''))
    .join('');
  return countPromptTokens({ messages: [{ role: 'user', content: text }] }).rendered;
}

/** Tool messages in the last request that no longer carry their result. */
function staleResults(record: SessionRecord): number {
  const messages = record.bodies.at(-1)?.messages ?? [];
  return messages.filter((message) => message.role === 'tool' && message.content === STALE_TOOL_RESULT).length;
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
