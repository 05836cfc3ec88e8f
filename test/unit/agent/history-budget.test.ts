// The history budget (src/agent/history-budget.ts): under budget nothing changes; over it the oldest tool results go
// first, then the oldest whole turns, never the system prompt or the newest turn, and never a tool message without
// its assistant message; the question-size limit.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { expect, test } from 'vitest';
import { estimateTokens, fitHistory, MAX_QUESTION_CHARS, questionTooLong, TRIMMED_TOOL_RESULT } from '../../../src/agent/history-budget.js';

function turn(index: number, resultChars: number): ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: `question ${index}` },
    { role: 'assistant', content: null, tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: 'get_holdings', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: `call_${index}`, content: 'r'.repeat(resultChars) },
    { role: 'assistant', content: `answer ${index}` },
  ];
}

function conversation(turns: number, resultChars: number): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are kite-chat.' }];
  for (let index = 1; index <= turns; index += 1) messages.push(...turn(index, resultChars));
  messages.push({ role: 'user', content: 'the new question' });
  return messages;
}

/** Every tool message answers a tool_call of an assistant message before it (what OpenAI insists on). */
function pairsIntact(messages: ChatCompletionMessageParam[]): boolean {
  const open = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) open.add(call.id);
    if (message.role === 'tool' && !open.delete(message.tool_call_id)) return false;
  }
  return open.size === 0;
}

test('a history under budget comes back as the same array', () => {
  const messages = conversation(3, 100);
  const fit = fitHistory(messages, { maxTokens: 10_000 });
  expect(fit.messages).toBe(messages);
  expect(fit).toMatchObject({ trimmedResults: 0, droppedTurns: 0 });
});

test('over budget, the oldest tool results are replaced first, down to the target, and the input is not changed', () => {
  const messages = conversation(10, 3_000);
  const before = JSON.stringify(messages);
  const fit = fitHistory(messages, { maxTokens: 8_000, targetTokens: 6_000 });
  expect(JSON.stringify(messages)).toBe(before);
  expect(fit.droppedTurns).toBe(0);
  expect(fit.trimmedResults).toBeGreaterThan(0);
  expect(fit.tokens).toBeLessThanOrEqual(6_000);
  const results = fit.messages.filter((message) => message.role === 'tool').map((message) => message.content);
  expect(results.slice(0, fit.trimmedResults).every((content) => content === TRIMMED_TOOL_RESULT)).toBe(true);
  expect(results.slice(fit.trimmedResults).every((content) => content !== TRIMMED_TOOL_RESULT)).toBe(true);
  expect(estimateTokens(fit.messages)).toBe(fit.tokens);
});

test('when trimming results is not enough, the oldest whole turns go, keeping the system prompt and tool pairs', () => {
  const messages = conversation(300, 10);
  const fit = fitHistory(messages, { maxTokens: 2_000 });
  expect(fit.droppedTurns).toBeGreaterThan(0);
  expect(fit.tokens).toBeLessThanOrEqual(1_500);
  expect(fit.messages[0]).toEqual({ role: 'system', content: 'You are kite-chat.' });
  expect(fit.messages[1]).toMatchObject({ role: 'user' });
  expect(fit.messages.at(-1)).toEqual({ role: 'user', content: 'the new question' });
  expect(pairsIntact(fit.messages)).toBe(true);
});

test('the newest turn is never trimmed, even when it alone is over budget', () => {
  const messages = [...conversation(1, 10), ...turn(2, 50_000).slice(1)];
  const fit = fitHistory(messages, { maxTokens: 1_000 });
  expect(fit.messages.at(-2)).toMatchObject({ role: 'tool', content: 'r'.repeat(50_000) });
  expect(fit.tokens).toBeGreaterThan(1_000);
});

test('dropTurns false trims tool results only', () => {
  const fit = fitHistory(conversation(50, 10), { maxTokens: 100, dropTurns: false });
  expect(fit.droppedTurns).toBe(0);
  expect(fit.trimmedResults).toBe(0); // results this short are not worth a note
});

test('a question up to the limit may go; one character more is refused with the sizes', () => {
  expect(questionTooLong('q'.repeat(MAX_QUESTION_CHARS))).toBeUndefined();
  expect(questionTooLong('q'.repeat(MAX_QUESTION_CHARS + 1))).toMatch(/^The question is 24,001 characters long; kite-chat sends at most 24,000 /);
});
