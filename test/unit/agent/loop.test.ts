// The agent loop over an in-process scripted model and a recording tool executor: what the model is sent, what the
// tools receive, which events fire, and how a turn ends (answer, round limit, repeated call, abort).
import { test, expect } from 'vitest';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn, type AgentEvent, type TurnInput } from '../../../src/agent/loop.js';
import { ModelApiError } from '../../../src/errors.js';
import { parseToolArguments, type ToolEntry } from '../../../src/tools/schema.js';
import { createLatch, deferred, recordingCallTool, scriptedComplete, toolCall } from '../../support/scripted-complete.js';

function toolEntry(name: string, properties: Record<string, unknown> = {}, serverName = name): ToolEntry {
  const inputSchema = { type: 'object', properties };
  return { definition: { type: 'function', function: { name, parameters: inputSchema } }, serverName, inputSchema };
}

const TOOLS = [
  toolEntry('get_holdings'),
  toolEntry('get_ltp', { instruments: { type: 'array', items: { type: 'string' } } }),
  toolEntry('place_order', { tradingsymbol: { type: 'string' }, quantity: { type: 'number' } }),
];

const HISTORY: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You answer questions about a Zerodha Kite account.' },
  { role: 'user', content: 'What are my holdings worth?' },
];

function turn(input: Partial<TurnInput> & Pick<TurnInput, 'complete'>) {
  const events: AgentEvent[] = [];
  const result = runTurn({
    callTool: recordingCallTool().callTool,
    tools: TOOLS,
    messages: HISTORY,
    onEvent: (event) => events.push(event),
    signal: new AbortController().signal,
    maxRounds: 8,
    ...input,
  });
  return { result, events };
}

/** Every tool_call id of every assistant message has exactly one tool message, as OpenAI requires. */
function expectEveryToolCallAnswered(messages: readonly ChatCompletionMessageParam[]): void {
  const asked = messages.flatMap((message) => (message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => call.id) : []));
  const answered = messages.flatMap((message) => (message.role === 'tool' ? [message.tool_call_id] : []));
  expect(answered.sort()).toEqual(asked.sort());
}

function toolMessages(messages: readonly ChatCompletionMessageParam[]): string[] {
  return messages.flatMap((message) => (message.role === 'tool' && typeof message.content === 'string' ? [message.content] : []));
}

test('a plain answer streams in order and becomes the one message the turn adds', async () => {
  const model = scriptedComplete([{ text: 'Your holdings are worth ₹1,23,456 today.', usage: { promptTokens: 120, completionTokens: 9 } }]);
  const history = structuredClone(HISTORY);
  const { result, events } = turn({ complete: model.complete, messages: history });
  const outcome = await result;

  expect(events.filter((event) => event.type === 'assistant-text').map((event) => event.delta))
    .toEqual(['Your ', 'holdings ', 'are ', 'worth ', '₹1,23,456 ', 'today.']);
  expect(events[0]).toEqual({ type: 'model-request', round: 1 });
  expect(outcome).toMatchObject({ text: 'Your holdings are worth ₹1,23,456 today.', stoppedBy: 'answer', rounds: 1, toolCalls: [] });
  expect(outcome.messages).toEqual([{ role: 'assistant', content: 'Your holdings are worth ₹1,23,456 today.' }]);
  expect(model.requests[0]?.messages).toEqual(HISTORY);
  expect(model.requests[0]?.tools).toEqual(TOOLS.map((tool) => tool.definition));
  expect(history).toEqual(HISTORY);
});

test('a tool round sends the assistant tool_calls and the tool result back to the model, then the answer ends the turn', async () => {
  const model = scriptedComplete([
    { text: 'Let me look.', toolCalls: [toolCall('call_1', 'get_holdings')] },
    { text: 'You hold 10 INFY.' },
  ]);
  const tools = recordingCallTool(() => ({ text: '[{"tradingsymbol":"INFY","quantity":10}]', isError: false }));
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  const assistant = { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_holdings', arguments: '{}' } }] };
  const tool = { role: 'tool', tool_call_id: 'call_1', content: '[{"tradingsymbol":"INFY","quantity":10}]' };
  expect(model.requests[1]?.messages).toEqual([...HISTORY, assistant, tool]);
  expect(outcome.messages).toEqual([assistant, tool, { role: 'assistant', content: 'You hold 10 INFY.' }]);
  expect(outcome).toMatchObject({ text: 'You hold 10 INFY.', stoppedBy: 'answer', rounds: 2 });
  expect(outcome.toolCalls).toEqual([{ name: 'get_holdings', arguments: {}, isError: false }]);
  expect(tools.calls.map(({ id, name, arguments: args }) => ({ id, name, args }))).toEqual([{ id: 'call_1', name: 'get_holdings', args: {} }]);
  const end = events.find((event) => event.type === 'tool-call-end');
  expect(end).toMatchObject({ id: 'call_1', name: 'get_holdings', isError: false, text: '[{"tradingsymbol":"INFY","quantity":10}]' });
  expect(events.map((event) => event.type)).toEqual([
    'model-request', 'assistant-text', 'assistant-text', 'assistant-text', 'tool-call-start', 'tool-call-end',
    'model-request', 'assistant-text', 'assistant-text', 'assistant-text', 'assistant-text',
  ]);
});

test('a tool-call-only response is sent back with null content', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'get_holdings')] }, { text: 'Done.' }]);
  await turn({ complete: model.complete }).result;
  expect(model.requests[1]?.messages[2]).toMatchObject({ role: 'assistant', content: null });
});

test('a call reaches the executor under the server\'s own tool name', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'kite_quote', { instruments: ['NSE:INFY'] })] }, { text: 'INFY is at 1,500.' }]);
  const tools = recordingCallTool();
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool, tools: [toolEntry('kite_quote', { instruments: { type: 'array', items: { type: 'string' } } }, 'kite.quote')] });
  const outcome = await result;
  expect(tools.calls[0]).toMatchObject({ name: 'kite.quote', arguments: { instruments: ['NSE:INFY'] } });
  expect(events.find((event) => event.type === 'tool-call-start')).toMatchObject({ name: 'kite.quote', arguments: { instruments: ['NSE:INFY'] } });
  expect(outcome.toolCalls).toEqual([{ name: 'kite.quote', arguments: { instruments: ['NSE:INFY'] }, isError: false }]);
});

test('two calls of one response run at the same time and answer in the response\'s order when the second finishes first', { timeout: 5_000 }, async () => {
  const model = scriptedComplete([
    { toolCalls: [toolCall('call_a', 'get_holdings'), toolCall('call_b', 'get_ltp', { instruments: ['NSE:INFY'] })] },
    { text: 'Both fetched.' },
  ]);
  // Each call waits until both have started: run one after the other, the first would wait forever.
  const bothStarted = createLatch(2);
  const secondFinished = deferred<void>();
  const tools = recordingCallTool(async (call) => {
    await bothStarted.arrive();
    if (call.name === 'get_ltp') {
      secondFinished.resolve();
      return { text: 'ltp result', isError: false };
    }
    await secondFinished.promise;
    return { text: 'holdings result', isError: false };
  });
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(events.filter((event) => event.type === 'tool-call-end').map((event) => event.id)).toEqual(['call_b', 'call_a']);
  expect(toolMessages(outcome.messages)).toEqual(['holdings result', 'ltp result']);
  expect(outcome.messages.flatMap((message) => (message.role === 'tool' ? [message.tool_call_id] : []))).toEqual(['call_a', 'call_b']);
});

test('an unknown tool is answered with the list of available tools and nothing is called', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'get_weather', { city: 'Mumbai' })] }, { text: 'I cannot check the weather.' }]);
  const tools = recordingCallTool();
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(tools.calls).toEqual([]);
  expect(toolMessages(outcome.messages)).toEqual(["Unknown tool 'get_weather'. Available tools: get_holdings, get_ltp, place_order."]);
  expect(events.filter((event) => event.type.startsWith('tool-call-'))).toEqual([
    { type: 'tool-call-start', id: 'call_1', name: 'get_weather', arguments: { city: 'Mumbai' } },
    { type: 'tool-call-end', id: 'call_1', name: 'get_weather', isError: true, durationMs: 0, text: "Unknown tool 'get_weather'. Available tools: get_holdings, get_ltp, place_order." },
  ]);
  expect(outcome).toMatchObject({ stoppedBy: 'answer', text: 'I cannot check the weather.' });
  expect(outcome.toolCalls).toEqual([{ name: 'get_weather', arguments: { city: 'Mumbai' }, isError: true }]);
});

test('malformed JSON arguments go back to the model as an error, are never sent as {}, and keep the history valid JSON', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'place_order', '{"tradingsymbol": "INFY", "quantity": ')] }, { text: 'Sorry.' }]);
  const tools = recordingCallTool();
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(tools.calls).toEqual([]);
  expect(toolMessages(outcome.messages)[0]).toMatch(/^Arguments were not valid JSON: /);
  expect(events.find((event) => event.type === 'tool-call-start')).toMatchObject({ name: 'place_order', arguments: undefined });
  expect(model.requests[1]?.messages[2]).toMatchObject({ tool_calls: [{ id: 'call_1', function: { name: 'place_order', arguments: '{}' } }] });
  expect(outcome.toolCalls).toEqual([{ name: 'place_order', arguments: undefined, isError: true }]);
});

test('an argument of the wrong type is refused with the schema check\'s message and nothing is called', async () => {
  const raw = '{"tradingsymbol":"INFY","quantity":"10"}';
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'place_order', raw)] }, { text: 'Let me fix that.' }]);
  const tools = recordingCallTool();
  const { result } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  const expected = parseToolArguments(raw, TOOLS[2]?.inputSchema ?? {});
  expect(expected.ok).toBe(false);
  expect(tools.calls).toEqual([]);
  expect(toolMessages(outcome.messages)).toEqual([expected.ok ? '' : expected.error]);
  expect(model.requests[1]?.messages[2]).toMatchObject({ tool_calls: [{ function: { arguments: raw } }] });
  expect(outcome.toolCalls).toEqual([{ name: 'place_order', arguments: { tradingsymbol: 'INFY', quantity: '10' }, isError: true }]);
});

test('a tool that throws becomes a one-line "Tool call failed" message and the turn goes on', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'get_holdings')] }, { text: 'The server is not answering.' }]);
  const tools = recordingCallTool(() => {
    throw new Error('socket hang up\n    at TLSSocket.onclose');
  });
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(toolMessages(outcome.messages)).toEqual(['Tool call failed: socket hang up at TLSSocket.onclose']);
  expect(events.find((event) => event.type === 'tool-call-end')).toMatchObject({ isError: true, text: 'Tool call failed: socket hang up at TLSSocket.onclose' });
  expect(outcome).toMatchObject({ stoppedBy: 'answer', rounds: 2 });
});

test('an isError outcome reaches the model marked [tool error] and the user without the mark', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'get_holdings')] }, { text: 'Please log in.' }]);
  const tools = recordingCallTool(() => ({ text: 'Please log in first using the login tool', isError: true }));
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(toolMessages(outcome.messages)).toEqual(['[tool error] Please log in first using the login tool']);
  expect(events.find((event) => event.type === 'tool-call-end')).toMatchObject({ isError: true, text: 'Please log in first using the login tool' });
  expect(outcome.toolCalls).toEqual([{ name: 'get_holdings', arguments: {}, isError: true }]);
});

test('the round limit stops after exactly maxRounds model calls, runs none of the last calls and answers every tool_call', async () => {
  const model = scriptedComplete([
    { text: 'First INFY.', toolCalls: [toolCall('call_1', 'get_ltp', { instruments: ['NSE:INFY'] })] },
    { text: 'Now TCS.', toolCalls: [toolCall('call_2', 'get_ltp', { instruments: ['NSE:TCS'] }), toolCall('call_3', 'get_holdings')] },
    { text: 'never requested' },
  ]);
  const tools = recordingCallTool();
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool, maxRounds: 2 });
  const outcome = await result;

  expect(model.requests).toHaveLength(2);
  expect(tools.calls.map((call) => call.id)).toEqual(['call_1']);
  expect(outcome).toMatchObject({ stoppedBy: 'round-limit', rounds: 2, text: 'Now TCS.' });
  expect(events.at(-1)).toEqual({ type: 'round-limit', rounds: 2 });
  expectEveryToolCallAnswered(outcome.messages);
  expect(outcome.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_3' });
  expect(toolMessages(outcome.messages).slice(1)).toEqual([
    'Not called: the turn was stopped at its limit of 2 model rounds.',
    'Not called: the turn was stopped at its limit of 2 model rounds.',
  ]);
  expect(outcome.toolCalls.map((call) => call.isError)).toEqual([false, true, true]);
});

test('the same call with the same arguments a third round in a row is not made and stops the turn', async () => {
  const model = scriptedComplete([
    { toolCalls: [toolCall('call_1', 'get_ltp', '{"instruments":["NSE:INFY"]}')] },
    { toolCalls: [toolCall('call_2', 'get_ltp', '{ "instruments": [ "NSE:INFY" ] }'), toolCall('call_3', 'get_holdings')] },
    { text: 'Once more.', toolCalls: [toolCall('call_4', 'get_holdings'), toolCall('call_5', 'get_ltp', '{"instruments":["NSE:INFY"]}')] },
    { text: 'never requested' },
  ]);
  const tools = recordingCallTool();
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool });
  const outcome = await result;

  expect(model.requests).toHaveLength(3);
  expect(tools.calls.map((call) => call.id)).toEqual(['call_1', 'call_2', 'call_3']);
  expect(events.at(-1)).toEqual({ type: 'repeated-call', name: 'get_ltp' });
  expect(outcome).toMatchObject({ stoppedBy: 'repeated-call', rounds: 3, text: 'Once more.' });
  expectEveryToolCallAnswered(outcome.messages);
  expect(toolMessages(outcome.messages).slice(-2)).toEqual([
    'Not called: the turn was stopped because get_ltp was requested with the same arguments 3 rounds in a row.',
    'Not called: the turn was stopped because get_ltp was requested with the same arguments 3 rounds in a row.',
  ]);
});

test('a repeat needs the same arguments in consecutive rounds', async () => {
  const ltp = (id: string, symbol: string) => toolCall(id, 'get_ltp', { instruments: [symbol] });
  const model = scriptedComplete([
    { toolCalls: [ltp('call_1', 'NSE:INFY')] },
    { toolCalls: [ltp('call_2', 'NSE:INFY')] },
    { toolCalls: [ltp('call_3', 'NSE:TCS')] },
    { toolCalls: [ltp('call_4', 'NSE:INFY')] },
    { toolCalls: [ltp('call_5', 'NSE:INFY')] },
    { text: 'INFY and TCS prices fetched.' },
  ]);
  const tools = recordingCallTool();
  const outcome = await turn({ complete: model.complete, callTool: tools.callTool }).result;
  expect(outcome).toMatchObject({ stoppedBy: 'answer', rounds: 6 });
  expect(tools.calls).toHaveLength(5);
});

test('an empty answer ends the turn with empty text and adds no message', async () => {
  const model = scriptedComplete([{ text: '' }, { text: 'never requested' }]);
  const { result, events } = turn({ complete: model.complete });
  const outcome = await result;
  expect(outcome).toMatchObject({ text: '', stoppedBy: 'answer', rounds: 1, messages: [] });
  expect(model.requests).toHaveLength(1);
  expect(events.some((event) => event.type === 'assistant-text')).toBe(false);
});

test('usage is summed over the rounds, a round without usage counting as nothing', async () => {
  const model = scriptedComplete([
    { toolCalls: [toolCall('call_1', 'get_holdings')], usage: { promptTokens: 100, completionTokens: 12 } },
    { toolCalls: [toolCall('call_2', 'get_ltp', { instruments: ['NSE:INFY'] })] },
    { text: 'Done.', usage: { promptTokens: 250, completionTokens: 30 } },
  ]);
  const { result, events } = turn({ complete: model.complete });
  const outcome = await result;
  expect(outcome.usage).toEqual({ promptTokens: 350, completionTokens: 42 });
  expect(events.filter((event) => event.type === 'usage')).toEqual([
    { type: 'usage', usage: { promptTokens: 100, completionTokens: 12 }, estimated: false },
    { type: 'usage', usage: { promptTokens: 250, completionTokens: 30 }, estimated: false },
  ]);
});

test('a round that fails after the server read the prompt still reports what it cost, before the turn rejects', async () => {
  const failure = new ModelApiError('The model API stopped in the middle of its answer: try again.');
  failure.spent = { promptTokens: 3000, completionTokens: 7, estimated: true };
  const model = scriptedComplete([
    { toolCalls: [toolCall('call_1', 'get_holdings')], usage: { promptTokens: 100, completionTokens: 12 } },
    async () => {
      throw failure;
    },
  ]);
  const { result, events } = turn({ complete: model.complete });
  await expect(result).rejects.toBe(failure);
  expect(events.filter((event) => event.type === 'usage')).toEqual([
    { type: 'usage', usage: { promptTokens: 100, completionTokens: 12 }, estimated: false },
    { type: 'usage', usage: { promptTokens: 3000, completionTokens: 7 }, estimated: true },
  ]);
});

test('a reply that stopped at the output limit is marked cut off; a complete one is not', async () => {
  const cut = scriptedComplete([async () => ({ text: 'Your holdings are', toolCalls: [], usage: undefined, finishReason: 'length' })]);
  expect((await turn({ complete: cut.complete }).result).cutOff).toBe(true);
  const whole = scriptedComplete([{ text: 'Your holdings are AARON.' }]);
  expect((await turn({ complete: whole.complete }).result).cutOff).toBe(false);
});

test('an abort during the model call rejects with an AbortError even if the model never settles, and drops late text', { timeout: 5_000 }, async () => {
  const controller = new AbortController();
  const started = deferred<(delta: string) => void>();
  const model = scriptedComplete([(_request, { onTextDelta }) => {
    onTextDelta('Your holdings ');
    started.resolve(onTextDelta);
    return new Promise(() => {});
  }]);
  const { result, events } = turn({ complete: model.complete, signal: controller.signal });
  const onTextDelta = await started.promise;
  controller.abort();
  onTextDelta('are worth');

  await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  expect(model.signals[0]).toBe(controller.signal);
  expect(events.filter((event) => event.type === 'assistant-text')).toEqual([{ type: 'assistant-text', delta: 'Your holdings ' }]);
});

test('an abort during a tool call that never resolves rejects at once and the tool saw the signal', { timeout: 5_000 }, async () => {
  const controller = new AbortController();
  const reached = deferred<void>();
  const model = scriptedComplete([{ toolCalls: [toolCall('call_1', 'get_holdings')] }, { text: 'never requested' }]);
  const tools = recordingCallTool(() => {
    reached.resolve();
    return new Promise(() => {});
  });
  const { result, events } = turn({ complete: model.complete, callTool: tools.callTool, signal: controller.signal });
  await reached.promise;
  controller.abort();

  await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  expect(tools.calls[0]?.signal.aborted).toBe(true);
  expect(model.requests).toHaveLength(1);
  expect(events.some((event) => event.type === 'tool-call-end')).toBe(false);
});

test('a turn whose signal is already aborted rejects with an AbortError before calling the model', async () => {
  const controller = new AbortController();
  controller.abort(new Error('Ctrl-C'));
  const model = scriptedComplete([{ text: 'never requested' }]);
  const { result, events } = turn({ complete: model.complete, signal: controller.signal });

  await expect(result).rejects.toMatchObject({ name: 'AbortError', cause: controller.signal.reason });
  expect(model.requests).toEqual([]);
  expect(events).toEqual([]);
});

test('a model error that is not an abort reaches the caller as it is', async () => {
  const failure = new Error('The model API rejected the key (401)');
  const model = scriptedComplete([() => Promise.reject(failure)]);
  await expect(turn({ complete: model.complete }).result).rejects.toBe(failure);
});
