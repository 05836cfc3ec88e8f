// The scripted OpenAI-compatible server, checked with the real `openai` client: its streaming and non-streaming
// replies parse, tool-call deltas have OpenAI's shape, usage is reported, every request is recorded, and each
// scripted fault fails the way a real server would.
import { test, expect, onTestFinished } from 'vitest';
import OpenAI, { APIConnectionError, AuthenticationError, InternalServerError, RateLimitError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startScriptedOpenAI } from '../../support/scripted-openai.js';
import type { ScriptedOpenAIOptions, ScriptedStep } from '../../support/scripted-openai.js';

const messages = [{ role: 'user' as const, content: 'What are my holdings worth?' }];

async function scripted(steps: ScriptedStep[], options: ScriptedOpenAIOptions = {}) {
  const server = await startScriptedOpenAI(steps, options);
  onTestFinished(() => server.close());
  const client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
  return { server, client };
}

async function rawChunks(client: OpenAI, includeUsage = true): Promise<ChatCompletionChunk[]> {
  const stream = await client.chat.completions.create({
    model: 'scripted-model', messages, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('streamed text parses with the SDK stream helper and arrives in several deltas in order', async () => {
  const { client } = await scripted([{ text: 'Your holdings are worth ₹1,23,456 today.' }]);
  const stream = client.chat.completions.stream({ model: 'scripted-model', messages, stream_options: { include_usage: true } });
  const deltas: string[] = [];
  stream.on('content', (delta) => deltas.push(delta));
  const completion = await stream.finalChatCompletion();
  expect(completion.choices[0]?.message.content).toBe('Your holdings are worth ₹1,23,456 today.');
  expect(completion.choices[0]?.finish_reason).toBe('stop');
  expect(deltas.length).toBeGreaterThan(3);
  expect(deltas.join('')).toBe('Your holdings are worth ₹1,23,456 today.');
});

test('streamed tool calls carry index, id, type, name and empty arguments first, then argument pieces by index', async () => {
  const { client } = await scripted([{
    toolCalls: [
      { name: 'get_holdings', arguments: { limit: 50, exchange: 'NSE' }, id: 'call_first' },
      { name: 'get_ltp', arguments: '{"instruments":["NSE:INFY","NSE:TCS"]}' },
    ],
  }]);
  const chunks = await rawChunks(client);
  const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
  const heads = toolDeltas.filter((delta) => delta.id !== undefined);
  expect(heads).toEqual([
    { index: 0, id: 'call_first', type: 'function', function: { name: 'get_holdings', arguments: '' } },
    { index: 1, id: 'call_scripted_1_1', type: 'function', function: { name: 'get_ltp', arguments: '' } },
  ]);
  const pieces = toolDeltas.filter((delta) => delta.id === undefined);
  expect(pieces.every((delta) => Object.keys(delta).sort().join() === 'function,index')).toBe(true);
  const argumentsOf = (index: number) =>
    pieces.filter((delta) => delta.index === index).map((delta) => delta.function?.arguments).join('');
  expect(argumentsOf(0)).toBe('{"limit":50,"exchange":"NSE"}');
  expect(argumentsOf(1)).toBe('{"instruments":["NSE:INFY","NSE:TCS"]}');
  expect(pieces.filter((delta) => delta.index === 1).length).toBeGreaterThan(1);
  expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
});

test('the SDK stream helper assembles scripted tool calls without complaint', async () => {
  const { client } = await scripted([{ toolCalls: [{ name: 'get_holdings', arguments: { limit: 5 } }, { name: 'get_margins', arguments: {} }] }]);
  const completion = await client.chat.completions.stream({ model: 'scripted-model', messages }).finalChatCompletion();
  const toolCalls = completion.choices[0]?.message.tool_calls ?? [];
  expect(toolCalls.map((toolCall) => toolCall.type === 'function' && [toolCall.function.name, toolCall.function.arguments]))
    .toEqual([['get_holdings', '{"limit":5}'], ['get_margins', '{}']]);
});

test('a final usage chunk with no choices comes only when include_usage is asked for', async () => {
  const { client } = await scripted([
    { text: 'One.', usage: { promptTokens: 1234, completionTokens: 56 } },
    { text: 'Two.' },
  ]);
  const withUsage = await rawChunks(client);
  expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 } });
  expect(withUsage.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  const withoutUsage = await rawChunks(client, false);
  expect(withoutUsage.some((chunk) => chunk.usage !== undefined || chunk.choices.length === 0)).toBe(false);
});

test('prompt tokens are estimated from the messages when the step gives no usage', async () => {
  const { client } = await scripted([{ text: 'Fine.' }]);
  const completion = await client.chat.completions.create({ model: 'scripted-model', messages });
  expect(completion.usage?.prompt_tokens).toBe(Math.ceil(JSON.stringify(messages).length / 4));
  expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
});

test('a non-streaming request gets one chat.completion object with tool calls and usage', async () => {
  const { client } = await scripted([{ text: 'Checking.', toolCalls: [{ name: 'get_profile', arguments: {}, id: 'call_profile' }] }]);
  const completion = await client.chat.completions.create({ model: 'gpt-test', messages });
  expect(completion).toMatchObject({
    object: 'chat.completion',
    model: 'gpt-test',
    choices: [{
      finish_reason: 'tool_calls',
      message: { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_profile', type: 'function', function: { name: 'get_profile', arguments: '{}' } }] },
    }],
  });
  expect(completion.usage?.total_tokens).toBeGreaterThan(0);
});

test('GET /v1/models lists the configured models', async () => {
  const { client } = await scripted([], { models: ['gpt-test', 'llama3.2'] });
  const page = await client.models.list();
  expect(page.data.map((model) => model.id)).toEqual(['gpt-test', 'llama3.2']);
});

test('every request is recorded with method, path, headers and parsed body', async () => {
  const { server, client } = await scripted([{ text: 'Hi.' }]);
  await client.models.list();
  await client.chat.completions.create({ model: 'scripted-model', messages, tools: [{ type: 'function', function: { name: 'get_profile', parameters: { type: 'object', properties: {} } } }] });
  expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
  const completionRequest = server.requests[1];
  expect(completionRequest?.headers.authorization).toBe('Bearer test');
  expect(completionRequest?.body?.messages).toEqual(messages);
  expect(completionRequest?.body?.tools?.[0]).toMatchObject({ type: 'function', function: { name: 'get_profile' } });
  expect(JSON.parse(completionRequest?.rawBody ?? '')).toEqual(completionRequest?.body);
});

test('an exhausted script answers 500 naming the request, and the client sees that message', async () => {
  const { server, client } = await scripted([{ text: 'Only one.' }]);
  await client.chat.completions.create({ model: 'scripted-model', messages });
  const failure = await client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(InternalServerError);
  expect((failure as InternalServerError).message).toBe('500 scripted OpenAI server: no scripted replies left (request 2)');
  expect(server.requests).toHaveLength(2);
});

test('a function step answers from the request it receives, and push adds steps later', async () => {
  const { server, client } = await scripted([
    (request) => ({ text: `You said: ${String(request.body?.messages?.at(-1)?.content)}` }),
  ]);
  const first = await client.chat.completions.create({ model: 'scripted-model', messages });
  expect(first.choices[0]?.message.content).toBe('You said: What are my holdings worth?');
  server.push({ text: 'Pushed.' });
  const second = await client.chat.completions.create({ model: 'scripted-model', messages });
  expect(second.choices[0]?.message.content).toBe('Pushed.');
});

test('a function step that throws answers 500 with its message', async () => {
  const { client } = await scripted([() => { throw new Error('expected a tool message last'); }]);
  const failure = await client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  expect((failure as Error).message).toBe('500 scripted OpenAI server: step for request 1 threw: expected a tool message last');
});

test('status faults come back in OpenAI error JSON with type and code', async () => {
  const { client } = await scripted([{ status: 401 }, { status: 429, message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' }]);
  const unauthorized = await client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  expect(unauthorized).toBeInstanceOf(AuthenticationError);
  expect(unauthorized).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
  const limited = await client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  expect(limited).toBeInstanceOf(RateLimitError);
  expect(limited).toMatchObject({ code: 'insufficient_quota', message: '429 You exceeded your current quota.' });
});

test('with an apiKey option, a request carrying another key gets 401', async () => {
  const { server, client } = await scripted([{ text: 'never sent' }], { apiKey: 'sk-right' });
  const failure = await client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(AuthenticationError);
  expect(server.requests).toHaveLength(1);
});

test('a stall never answers, and closing the server ends the waiting request', async () => {
  const { server, client } = await scripted([{ stall: true }]);
  const pending = client.chat.completions.create({ model: 'scripted-model', messages }).catch((error: unknown) => error);
  await until(() => server.requests.length === 1);
  await server.close();
  expect(await pending).toBeInstanceOf(APIConnectionError);
});

test('streamThenDrop sends its text as deltas and then breaks the connection', async () => {
  const { client } = await scripted([{ streamThenDrop: 'Your holdings are' }]);
  const stream = await client.chat.completions.create({ model: 'scripted-model', messages, stream: true });
  let text = '';
  const failure = await (async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  })().catch((error: unknown) => error);
  expect(text).toBe('Your holdings are');
  expect(failure).toBeInstanceOf(TypeError);
  expect((failure as TypeError).message).toBe('terminated');
});

test('streamThenStall sends its text and then holds the stream open', async () => {
  const { client } = await scripted([{ streamThenStall: 'Partial answer' }]);
  const stream = await client.chat.completions.create({ model: 'scripted-model', messages, stream: true });
  const iterator = stream[Symbol.asyncIterator]();
  let text = '';
  while (text !== 'Partial answer') {
    const next = await iterator.next();
    expect(next.done).toBe(false);
    if (next.done !== true) text += next.value.choices[0]?.delta.content ?? '';
  }
  stream.controller.abort();
  expect((await iterator.next()).done).toBe(true);
});

test('a chunks step sends objects as JSON and strings exactly as given', async () => {
  const { client } = await scripted([{ chunks: [{ choices: [{ index: 0, delta: { content: 'raw' } }] }, '{"choices":[]}'] }]);
  const chunks = await rawChunks(client);
  expect(chunks).toEqual([{ choices: [{ index: 0, delta: { content: 'raw' } }] }, { choices: [] }]);
});
