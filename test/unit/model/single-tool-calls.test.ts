// One tool call per assistant message, for servers that refuse more (model/single-tool-calls.ts): the refusal recognised
// by its words, and the history rewritten so each call is followed by its own result, nothing lost or reordered.
import { expect, test } from 'vitest';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { isParallelToolCallRefusal, oneToolCallPerMessage } from '../../../src/model/single-tool-calls.js';

const call = (id: string, name: string) => ({ id, type: 'function' as const, function: { name, arguments: '{}' } });

test('the refusal is a 400 about tool calls one at a time, in the words servers use', () => {
  expect(isParallelToolCallRefusal(400, 'This model only supports single tool-calls at once!')).toBe(true);
  expect(isParallelToolCallRefusal(400, 'parallel tool calls are not supported by this model')).toBe(true);
  expect(isParallelToolCallRefusal(400, 'Only one tool call per message is allowed')).toBe(true);
  expect(isParallelToolCallRefusal(500, 'This model only supports single tool-calls at once!')).toBe(false);
  expect(isParallelToolCallRefusal(400, 'This model does not support tools')).toBe(false);
  expect(isParallelToolCallRefusal(400, "This model's maximum context length is 8192 tokens")).toBe(false);
});

test('an assistant message with three calls becomes three, each followed by its result; the rest is untouched', () => {
  const history: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'system' },
    { role: 'user', content: 'How is my account?' },
    { role: 'assistant', content: 'Let me look.', tool_calls: [call('a', 'get_holdings'), call('b', 'get_positions'), call('c', 'get_margins')] },
    { role: 'tool', tool_call_id: 'b', content: 'positions' },
    { role: 'tool', tool_call_id: 'a', content: 'holdings' },
    { role: 'tool', tool_call_id: 'c', content: 'margins' },
    { role: 'assistant', content: null, tool_calls: [call('d', 'get_profile')] },
    { role: 'tool', tool_call_id: 'd', content: 'profile' },
    { role: 'assistant', content: 'All is well.' },
  ];

  const split = oneToolCallPerMessage(history);

  expect(split).toEqual([
    history[0],
    history[1],
    { role: 'assistant', content: 'Let me look.', tool_calls: [call('a', 'get_holdings')] },
    { role: 'tool', tool_call_id: 'a', content: 'holdings' },
    { role: 'assistant', content: null, tool_calls: [call('b', 'get_positions')] },
    { role: 'tool', tool_call_id: 'b', content: 'positions' },
    { role: 'assistant', content: null, tool_calls: [call('c', 'get_margins')] },
    { role: 'tool', tool_call_id: 'c', content: 'margins' },
    history[6],
    history[7],
    history[8],
  ]);
  expect(oneToolCallPerMessage(split)).toEqual(split);
});
