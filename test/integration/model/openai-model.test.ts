// The model adapter against the scripted OpenAI-compatible server on loopback: streaming text and tool calls,
// the request it builds, usage, aborts, malformed model output, and one-line errors that never show the key.
import { test, expect, onTestFinished } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI, { APIConnectionError, APIUserAbortError } from 'openai';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { describeModelError } from '../../../src/model/model-errors.js';
import { createComplete, createOpenAIClient } from '../../../src/model/openai-model.js';
import type { ModelRequest } from '../../../src/agent/model.js';
import { ModelApiError, type SpentTokens } from '../../../src/errors.js';
import { startScriptedOpenAI } from '../../support/scripted-openai.js';
import type { ScriptedStep } from '../../support/scripted-openai.js';

const API_KEY = 'sk-test-SECRET0123456789abcdefSECRET';
const MODEL = 'gpt-test';
const holdingsTool: ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_holdings', description: 'Holdings', parameters: { type: 'object', properties: {} } },
};
const request: ModelRequest = { messages: [{ role: 'user', content: 'What do I hold?' }], tools: [holdingsTool] };

async function scripted(steps: ScriptedStep[], clientOptions: { maxRetries?: number; timeoutMs?: number; apiKey?: string | undefined } = {}) {
  const server = await startScriptedOpenAI(steps);
  onTestFinished(() => server.close());
  const client = createOpenAIClient({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0, ...clientOptions });
  return { server, complete: createComplete(client, { model: MODEL }) };
}

function run(complete: ReturnType<typeof createComplete>, deltas: string[] = [], signal = new AbortController().signal) {
  return complete(request, { signal, onTextDelta: (delta) => deltas.push(delta) });
}

async function failureOf(steps: ScriptedStep[], clientOptions: { maxRetries?: number; timeoutMs?: number } = {}): Promise<ModelApiError> {
  const { complete } = await scripted(steps, clientOptions);
  const error = await run(complete).catch((caught: unknown) => caught);
  expectOneLineWithoutSecrets(error);
  return error as ModelApiError;
}

function expectOneLineWithoutSecrets(error: unknown): void {
  expect(error).toBeInstanceOf(ModelApiError);
  const { message, exitCode } = error as ModelApiError;
  expect(exitCode).toBe(5);
  expect(message).not.toMatch(/\n/);
  expect(message).not.toContain('SECRET');
  expect(message).not.toContain('not-needed');
}

test('text streams to onTextDelta in order and comes back whole with usage and finish reason', async () => {
  const { complete } = await scripted([{ text: 'You hold 3 stocks worth ₹1,23,456.', usage: { promptTokens: 321, completionTokens: 12 } }]);
  const deltas: string[] = [];
  const response = await run(complete, deltas);
  expect(deltas.length).toBeGreaterThan(3);
  expect(deltas.join('')).toBe('You hold 3 stocks worth ₹1,23,456.');
  expect(response).toEqual({
    text: 'You hold 3 stocks worth ₹1,23,456.',
    toolCalls: [],
    usage: { promptTokens: 321, completionTokens: 12 },
    finishReason: 'stop',
  });
});

test('two tool calls in one response are assembled by index with their ids and raw argument text', async () => {
  const { complete } = await scripted([{
    text: 'Let me look.',
    toolCalls: [
      { name: 'get_holdings', arguments: { limit: 50 }, id: 'call_holdings' },
      { name: 'get_ltp', arguments: '{"instruments": ["NSE:INFY", "NSE:RELIANCE"]}', id: 'call_ltp' },
    ],
  }]);
  const response = await run(complete);
  expect(response.text).toBe('Let me look.');
  expect(response.finishReason).toBe('tool_calls');
  expect(response.toolCalls).toEqual([
    { id: 'call_holdings', name: 'get_holdings', arguments: '{"limit":50}' },
    { id: 'call_ltp', name: 'get_ltp', arguments: '{"instruments": ["NSE:INFY", "NSE:RELIANCE"]}' },
  ]);
});

test('the request streams with usage, carries the model, messages and tools, and no OpenAI-only parameters', async () => {
  const { server, complete } = await scripted([{ text: 'a' }, { text: 'b' }]);
  await run(complete);
  await complete({ messages: request.messages, tools: [] }, { signal: new AbortController().signal, onTextDelta: () => {} });
  const [withTools, withoutTools] = server.requests.map((recorded) => recorded.body);
  expect(withTools).toEqual({
    model: MODEL, messages: request.messages, tools: [holdingsTool], stream: true, stream_options: { include_usage: true },
  });
  expect(withoutTools).not.toHaveProperty('tools');
  expect(withoutTools).not.toHaveProperty('store');
});

test('the output limit goes out as max_tokens to a server that is not OpenAI; 0 sends none', async () => {
  const server = await startScriptedOpenAI([{ text: 'a' }, { text: 'b' }]);
  onTestFinished(() => server.close());
  const client = createOpenAIClient({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 });
  await run(createComplete(client, { model: MODEL, maxOutputTokens: 1234 }));
  await run(createComplete(client, { model: MODEL, maxOutputTokens: 0 }));
  expect(server.requests[0]?.body).toMatchObject({ max_tokens: 1234 });
  expect(server.requests[0]?.body).not.toHaveProperty('max_completion_tokens');
  expect(server.requests[1]?.body).not.toHaveProperty('max_tokens');
});

test('a failure after the reply started carries what it cost, counted by kite-chat; one before it carries nothing', async () => {
  const dropped = await failureOf([{ streamThenDrop: 'Your holdings are worth' }]);
  expect(dropped.spent).toMatchObject({ estimated: true, completionTokens: 4 });
  expect(dropped.spent?.promptTokens).toBeGreaterThan(30); // the question (~6) and the tool definition
  const refused = await failureOf([{ status: 401 }]);
  expect(refused.spent).toBeUndefined();
});

test('a refusal of parallel tool calls switches to one call per message, said once, and the request is sent again', async () => {
  const server = await startScriptedOpenAI([{ text: 'first' }, { text: 'second' }], { singleToolCalls: true });
  onTestFinished(() => server.close());
  const notices: string[] = [];
  const client = createOpenAIClient({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 });
  const complete = createComplete(client, { model: MODEL, onNotice: (line) => notices.push(line) });
  const twoCalls: ModelRequest = {
    tools: [holdingsTool],
    messages: [
      { role: 'user', content: 'What do I hold?' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'a', type: 'function', function: { name: 'get_holdings', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'get_holdings', arguments: '{"limit":5}' } },
      ] },
      { role: 'tool', tool_call_id: 'a', content: 'A' },
      { role: 'tool', tool_call_id: 'b', content: 'B' },
    ],
  };
  const signal = new AbortController().signal;
  expect((await complete(twoCalls, { signal, onTextDelta: () => {} })).text).toBe('first');
  expect((await complete(twoCalls, { signal, onTextDelta: () => {} })).text).toBe('second');
  expect(server.requests.map((request) => request.status)).toEqual([400, 200, 200]);
  expect(server.requests[1]?.body).toMatchObject({ parallel_tool_calls: false });
  expect(notices).toEqual([expect.stringMatching(/takes one tool call at a time/)]);
});

test('api.openai.com is asked not to store the conversation', async () => {
  const server = await startScriptedOpenAI([{ text: 'ok' }]);
  onTestFinished(() => server.close());
  // The client believes it talks to OpenAI; its fetch is pointed at the loopback server instead.
  const client = new OpenAI({
    apiKey: API_KEY, baseURL: 'https://api.openai.com/v1', maxRetries: 0, logLevel: 'off',
    fetch: (url, init) => fetch(String(url).replace('https://api.openai.com/v1', server.baseURL), init),
  });
  await run(createComplete(client, { model: MODEL }));
  expect(server.requests[0]?.body?.store).toBe(false);
});

test('a keyless local server works without an API key', async () => {
  const { server, complete } = await scripted([{ text: 'Local model here.' }], { apiKey: undefined });
  expect((await run(complete)).text).toBe('Local model here.');
  expect(server.requests[0]?.headers.authorization).toMatch(/^Bearer \S+$/);
});

test('the client retries a 500 itself when maxRetries allows', async () => {
  const { server, complete } = await scripted([{ status: 500, retryAfterMs: 0 }, { text: 'Second time lucky.' }], { maxRetries: 1 });
  expect((await run(complete)).text).toBe('Second time lucky.');
  expect(server.requests).toHaveLength(2);
});

test('aborting mid-stream rejects with the abort error as is, no text arrives after it, and what it cost is said', async () => {
  const { complete } = await scripted([{ streamThenStall: 'Your portfolio is worth' }]);
  const controller = new AbortController();
  const deltas: string[] = [];
  const spent: SpentTokens[] = [];
  const error = await complete(request, {
    signal: controller.signal,
    onTextDelta: (delta) => {
      deltas.push(delta);
      controller.abort();
    },
    onCancelledSpend: (cost) => spent.push(cost),
  }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(APIUserAbortError);
  expect(error).not.toBeInstanceOf(ModelApiError);
  expect(deltas).toEqual(['Your ']);
  // The server had the prompt; of the answer, the text taken in before the abort ('Your ', 2 tokens) counts.
  expect(spent).toEqual([{ promptTokens: expect.any(Number), completionTokens: countTokens('Your '), estimated: true }]);
  expect(spent[0]?.promptTokens).toBeGreaterThan(30); // the question (~6) and the tool definition
});

test('aborting before the reply starts rejects with the abort error as is, and no cost is said', async () => {
  const { server, complete } = await scripted([{ stall: true }]);
  const controller = new AbortController();
  const spent: SpentTokens[] = [];
  const pending = complete(request, { signal: controller.signal, onTextDelta: () => {}, onCancelledSpend: (cost) => spent.push(cost) })
    .catch((caught: unknown) => caught);
  while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  expect(await pending).toBeInstanceOf(APIUserAbortError);
  expect(spent).toEqual([]);
});

test('an error thrown by onTextDelta comes back unchanged', async () => {
  const { complete } = await scripted([{ text: 'Some words here.' }]);
  const failure = new Error('terminal closed');
  const error = await complete(request, {
    signal: new AbortController().signal,
    onTextDelta: () => { throw failure; },
  }).catch((caught: unknown) => caught);
  expect(error).toBe(failure);
});

test('malformed tool calls survive: no name, object arguments, no id, no index', async () => {
  const chunk = (delta: object, finishReason: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const { complete } = await scripted([{
    chunks: [
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_nameless', type: 'function', function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, type: 'function', function: { name: 'get_margins', arguments: { segment: 'equity' } } }] }),
      chunk({ tool_calls: [{ id: 'call_unindexed', function: { name: 'get_profile', arguments: 'not json' } }] }),
      chunk({ tool_calls: [{ function: { name: 'get_profile', arguments: '!' } }] }),
      chunk({}, 'tool_calls'),
    ],
  }]);
  const { toolCalls } = await run(complete);
  expect(toolCalls.map(({ name, arguments: text }) => [name, text])).toEqual([
    ['', '{"a":1}'],
    ['get_margins', '{"segment":"equity"}'],
    ['get_profile', 'not json!'],
  ]);
  expect(toolCalls[0]?.id).toBe('call_nameless');
  expect(toolCalls[1]?.id).toMatch(/^call_[0-9a-f]{24}$/);
  expect(toolCalls[2]?.id).toBe('call_unindexed');
});

test('chunks that are not objects, and a stream without usage, give a response with usage undefined', async () => {
  const { complete } = await scripted([{ chunks: ['null', '[1,2]', { choices: 'many' }, { choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] }] }]);
  expect(await run(complete)).toEqual({ text: 'ok', toolCalls: [], usage: undefined, finishReason: 'stop' });
});

test('401 says the key was rejected and where, without the key', async () => {
  const error = await failureOf([{ status: 401, message: `Incorrect API key provided: ${API_KEY}.` }]);
  expect(error.message).toMatch(/^The model API rejected the key \(401\) at http:\/\/127\.0\.0\.1:\d+: check OPENAI_API_KEY\.$/);
});

test('404 names the model and what to check', async () => {
  const error = await failureOf([{ status: 404, message: `The model \`${MODEL}\` does not exist or you do not have access to it.` }]);
  expect(error.message).toContain(`model "${MODEL}" (404: The model \`${MODEL}\` does not exist`);
  expect(error.message).toContain('check --model or OPENAI_MODEL');
});

test('403 names the model too', async () => {
  const error = await failureOf([{ status: 403 }]);
  expect(error.message).toContain(`refused model "${MODEL}" (403`);
});

test('429 says rate limit, or quota when the account is out of credit', async () => {
  const limited = await failureOf([{ status: 429 }]);
  expect(limited.message).toContain('is rate-limiting requests (429): wait a minute');
  const broke = await failureOf([{ status: 429, message: 'You exceeded your current quota.', code: 'insufficient_quota', type: 'insufficient_quota' }]);
  expect(broke.message).toContain('out of quota (429): check your plan and billing');
});

test('429 is retried by the client before it becomes an error', async () => {
  const { server, complete } = await scripted([{ status: 429, retryAfterMs: 0 }, { status: 429, retryAfterMs: 0 }], { maxRetries: 1 });
  expectOneLineWithoutSecrets(await run(complete).catch((caught: unknown) => caught));
  expect(server.requests).toHaveLength(2);
});

test('5xx says the server failed, quoting it', async () => {
  const error = await failureOf([{ status: 503, message: 'model is loading' }]);
  expect(error.message).toMatch(/failed \(503: model is loading\): try again in a few minutes\.$/);
});

test('400 quotes the server, with keys, bearer tokens and URL credentials redacted', async () => {
  const message = `does not support tools; key ${API_KEY}, Bearer abc.def, http://user:pw-SECRET@proxy.example/v1`;
  const error = await failureOf([{ status: 400, message }]);
  expect(error.message).toContain('(400: does not support tools; key [redacted], Bearer [redacted], http://proxy.example/v1)');
  expect(error.message).not.toContain('pw-');
});

test('a refused connection says the API cannot be reached and to check OPENAI_BASE_URL', async () => {
  const server = await startScriptedOpenAI([]);
  await server.close();
  const complete = createComplete(createOpenAIClient({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 }), { model: MODEL });
  const error = await run(complete).catch((caught: unknown) => caught);
  expectOneLineWithoutSecrets(error);
  expect((error as Error).message).toMatch(/^Cannot reach the model API at http:\/\/127\.0\.0\.1:\d+ \(connection refused\): check OPENAI_BASE_URL or your network\.$/);
});

test('a timeout before the reply starts says the API cannot be reached', async () => {
  const error = await failureOf([{ stall: true }], { timeoutMs: 50 });
  expect(error.message).toMatch(/^Cannot reach the model API at \S+ \(timed out\): check OPENAI_BASE_URL/);
});

test('a host that cannot be resolved says so', () => {
  const cause = Object.assign(new Error('getaddrinfo ENOTFOUND models.example'), { code: 'ENOTFOUND' });
  const error = describeModelError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause }) }), 'https://models.example/v1');
  expect(error.message).toBe('Cannot reach the model API at https://models.example (host not found): check OPENAI_BASE_URL or your network.');
});

test('a stream that breaks off halfway is one clear line', async () => {
  const error = await failureOf([{ streamThenDrop: 'Your holdings are' }]);
  expect(error.message).toMatch(/stopped in the middle of its answer: try again/);
});

test('a stream that ends without a finish reason counts as stopped halfway', async () => {
  const error = await failureOf([{ chunks: [{ choices: [{ index: 0, delta: { content: 'Your holdings are worth ₹1,2' }, finish_reason: null }] }] }]);
  expect(error.message).toMatch(/stopped in the middle of its answer/);
});

test('an empty stream, a non-JSON chunk and an error event each get their own line', async () => {
  expect((await failureOf([{ chunks: [] }])).message).toContain('sent an empty reply');
  expect((await failureOf([{ chunks: ['<html>'] }])).message).toContain('sent a reply that is not JSON');
  expect((await failureOf([{ chunks: [{ error: { message: 'Overloaded' } }] }])).message)
    .toContain('reported an error in the middle of its answer: Overloaded');
});

test('describeModelError keeps credentials of the base URL out and passes a ModelApiError through', () => {
  const error = describeModelError(new Error('boom'), 'http://user:SECRET@127.0.0.1:9/v1');
  expectOneLineWithoutSecrets(error);
  expect(error.message).toBe('The model API call to http://127.0.0.1:9 failed (boom): check OPENAI_BASE_URL and try again.');
  expect(describeModelError(error, undefined)).toBe(error);
  expect(describeModelError(new Error('x'), undefined).message).toContain('https://api.openai.com');
});
