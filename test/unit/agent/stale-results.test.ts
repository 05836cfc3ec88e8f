// Answered questions' tool results leave the history (src/agent/stale-results.ts): each becomes the one-line stale
// note, the questions, calls and answers stay, every tool call keeps its reply, and a turn without an answer yet keeps
// its results.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { expect, test } from 'vitest';
import { elideAnsweredToolResults, STALE_TOOL_RESULT } from '../../../src/agent/stale-results.js';

const SYSTEM: ChatCompletionMessageParam = { role: 'system', content: 'You are kite-chat.' };

function call(id: string, name: string): ChatCompletionMessageParam {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: '{"limit":50}' } }] };
}

function result(id: string, content: string): ChatCompletionMessageParam {
  return { role: 'tool', tool_call_id: id, content };
}

/** A question about holdings, its get_holdings call with `holdings` as the result, and the answer. */
function answeredHoldingsTurn(id: string, holdings: string): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: 'What do I hold?' },
    call(id, 'get_holdings'),
    result(id, holdings),
    { role: 'assistant', content: 'You hold 10 INFY.' },
  ];
}

function toolContents(messages: readonly ChatCompletionMessageParam[]): unknown[] {
  return messages.filter((message) => message.role === 'tool').map((message) => message.content);
}

test('an answered turn keeps its question, call and answer; its result becomes the stale note', () => {
  const messages = [SYSTEM, ...answeredHoldingsTurn('call_1', '[{"tradingsymbol":"INFY","quantity":10}]')];
  const before = structuredClone(messages);

  const elided = elideAnsweredToolResults(messages);

  expect(elided).toEqual([...messages.slice(0, 3), result('call_1', STALE_TOOL_RESULT), messages[4]]);
  expect(messages).toEqual(before); // the input is not mutated
  expect(STALE_TOOL_RESULT).not.toContain('\n');
  expect(STALE_TOOL_RESULT).toMatch(/stale/i);
  expect(STALE_TOOL_RESULT).toMatch(/call the tool again/i);
});

test('parallel results and results of several rounds all go once the answer follows them', () => {
  const messages: ChatCompletionMessageParam[] = [
    SYSTEM,
    { role: 'user', content: 'Overview?' },
    {
      role: 'assistant',
      content: 'Looking.',
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'get_holdings', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'get_margins', arguments: '{}' } },
      ],
    },
    result('a', 'holdings'),
    result('b', 'margins'),
    call('c', 'get_quotes'),
    result('c', 'quotes'),
    { role: 'assistant', content: 'Here is your overview.' },
  ];
  expect(toolContents(elideAnsweredToolResults(messages))).toEqual([STALE_TOOL_RESULT, STALE_TOOL_RESULT, STALE_TOOL_RESULT]);
});

test('a turn still running, or ended without an answer, keeps its results; earlier answered turns do not', () => {
  const messages: ChatCompletionMessageParam[] = [
    SYSTEM,
    ...answeredHoldingsTurn('call_1', 'holdings'),
    { role: 'user', content: 'And my orders?' },
    call('call_2', 'get_orders'),
    result('call_2', 'orders'),
  ];
  expect(toolContents(elideAnsweredToolResults(messages))).toEqual([STALE_TOOL_RESULT, 'orders']);
});

test('a history without an answer, or already elided, comes back equal', () => {
  const running: ChatCompletionMessageParam[] = [SYSTEM, { role: 'user', content: 'Hi' }, call('x', 'get_margins'), result('x', 'margins')];
  expect(elideAnsweredToolResults(running)).toEqual(running);
  const elided = elideAnsweredToolResults([...running, { role: 'assistant', content: 'Done.' }]);
  expect(elideAnsweredToolResults(elided)).toEqual(elided);
});
