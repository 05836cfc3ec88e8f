/**
 * Two figures from the recorded token session (session-recording.ts). first_request_tokens: the first request of a
 * one-line question as raw JSON (`messages` + `tools`, o200k), what a small local model must fit before any tool
 * result; the naive agent's beside it. stable_prefix: how many of the session's requests begin with a system prompt
 * and tool definitions byte-identical to the first request's, the part a provider's prompt cache can keep.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Metric } from './metric.js';
import { EXPECTED_REQUESTS, recordSessions } from './session-recording.js';
import { round } from './statistics.js';
import { countPromptTokens } from './token-count.js';
import type { RecordedBody } from '../test/support/scripted-openai.js';

export async function measureFirstRequestTokens(progress: (line: string) => void): Promise<Metric> {
  const { ours, naive } = await recordSessions(progress);
  const [oursFirst, naiveFirst] = [ours.bodies[0] ?? {}, naive.bodies[0] ?? {}];
  const oursTokens = countPromptTokens(oursFirst).json;
  const naiveTokens = countPromptTokens(naiveFirst).json;
  const parts = (body: RecordedBody) => {
    const [system, ...rest] = body.messages ?? [];
    return `system prompt ${countTokens(JSON.stringify(system))}, tools ${countTokens(JSON.stringify(body.tools ?? []))} ` +
      `(${body.tools?.length ?? 0}), question ${countTokens(JSON.stringify(rest))}`;
  };
  return {
    name: 'first_request_tokens',
    value: oursTokens,
    unit: 'tokens',
    baseline: naiveTokens,
    ratio: round(oursTokens / naiveTokens, 3),
    target: { of: 'value', comparison: '<=', limit: 1800 },
    details: [
      `"${String(oursFirst.messages?.at(-1)?.content ?? '')}" as JSON \`messages\` + \`tools\`, o200k: ours ${parts(oursFirst)}; naive ${parts(naiveFirst)}`,
      `the same two requests rendered as the model reads them: ours ${countPromptTokens(oursFirst).rendered}, naive ${countPromptTokens(naiveFirst).rendered}`,
    ],
  };
}

export async function measureStablePrefix(progress: (line: string) => void): Promise<Metric> {
  const { ours } = await recordSessions(progress);
  const prefixes = ours.bodies.map(cachePrefix);
  const first = prefixes[0] ?? '';
  const same = prefixes.filter((prefix) => prefix === first).length;
  const extending = ours.bodies.filter((body, index) => index > 0 && extendsMessages(body, ours.bodies[index - 1] ?? {})).length;
  return {
    name: 'stable_prefix',
    value: same,
    unit: `of ${prefixes.length} requests`,
    baseline: null,
    ratio: null,
    target: { of: 'value', comparison: '>=', limit: EXPECTED_REQUESTS },
    details: [
      `system prompt + ${ours.bodies[0]?.tools?.length ?? 0} tool definitions, ${countTokens(first)} tokens as JSON: the same bytes in ${same} of ` +
        `${prefixes.length} requests`,
      `the whole message list of the request before is also kept unchanged in ${extending} of ${prefixes.length - 1} requests ` +
        `(the others follow an answer, after which that question's tool results became stale notes)`,
    ],
  };
}

/** What must stay byte-identical for a prompt cache: the system message and the tool definitions, as sent. */
function cachePrefix(body: RecordedBody): string {
  return JSON.stringify({ system: body.messages?.[0], tools: body.tools });
}

/** Whether `body` sends every message of `before` unchanged, in order, before its own new ones. */
function extendsMessages(body: RecordedBody, before: RecordedBody): boolean {
  const messages = body.messages ?? [];
  return (before.messages ?? []).every((message, index) => JSON.stringify(message) === JSON.stringify(messages[index]));
}
