// A conversation kept beyond one run (src/conversation/): what a turn keeps (questions, answers, one record per tool
// call, secrets redacted), what goes back to the model (questions and answers only), how it reads back from
// KITE_CHAT_HOME (0600, age said), and the Markdown of /save (no key, session id or signed link).
import { lstat, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TurnResult } from '../../../src/agent/events.js';
import { ageText, CONVERSATION_FILE, createConversationKeeper } from '../../../src/conversation/keeper.js';
import { conversationMarkdown } from '../../../src/conversation/markdown.js';
import { saveConversationFile } from '../../../src/conversation/save-file.js';
import { questionsAndAnswers, readSavedConversation, turnFrom } from '../../../src/conversation/transcript.js';
import { createRedactor } from '../../../src/redact.js';
import { createStore } from '../../../src/store.js';

const KEY = 'gsk_live.7Hq2-Zx9.Kp4wT';
const SESSION = 'kitemcp-3f1e2d4c-5b6a-4789-8abc-0123456789ab';
const LINK = `https://mcp.kite.trade/authorize?session_id=${SESSION}%7C1754400000.c2lnbmF0dXJl`;
const redact = createRedactor({ values: [KEY] });
const NOW = new Date('2025-08-06T09:34:05Z'); // 15:04:05 IST

function result(text: string, toolCalls: TurnResult['toolCalls'] = []): TurnResult {
  return {
    text, toolCalls, stoppedBy: 'answer', rounds: 1, cutOff: false, usage: { promptTokens: 1, completionTokens: 1 },
    messages: [{ role: 'tool', tool_call_id: 'x', content: 'a stale tool result' }, { role: 'assistant', content: text }],
  };
}

const TURNS = [
  turnFrom(`My key is ${KEY}; what is my portfolio worth?`, result(`₹73,782.97. Log in again at ${LINK} if asked.`, [
    { name: 'portfolio_summary', arguments: {}, isError: false },
    { name: 'get_holdings', arguments: { limit: 50, note: SESSION }, isError: true },
  ]), redact),
  turnFrom('And INFY?', result(''), redact),
  turnFrom('How has INFY moved this quarter?', result('Up 6.17%.', [{ name: 'price_chart', arguments: { instrument: 'NSE:INFY' }, isError: false }]), redact),
];

describe('a kept turn', () => {
  test('keeps the question, the answer and one record per tool call, with secrets redacted', () => {
    expect(TURNS[0]).toEqual({
      question: 'My key is [redacted]; what is my portfolio worth?',
      answer: `₹73,782.97. Log in again at https://mcp.kite.trade/authorize?session_id=[redacted] if asked.`,
      tools: [
        { name: 'portfolio_summary', arguments: {}, isError: false },
        { name: 'get_holdings', arguments: { limit: 50, note: '[redacted]' }, isError: true },
      ],
    });
  });

  test('gives the model back questions and answers only: no tool results, no turn without an answer', () => {
    expect(questionsAndAnswers(TURNS)).toEqual([
      { role: 'user', content: TURNS[0]?.question },
      { role: 'assistant', content: TURNS[0]?.answer },
      { role: 'user', content: 'How has INFY moved this quarter?' },
      { role: 'assistant', content: 'Up 6.17%.' },
    ]);
  });

  test('reads back only what has the shape of a saved conversation', () => {
    const saved = { savedAt: NOW.toISOString(), model: 'gpt-5-mini', turns: TURNS };
    expect(readSavedConversation(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    for (const broken of [null, [], { ...saved, savedAt: 'yesterday' }, { ...saved, turns: [{ question: 1 }] }, { ...saved, model: 7 }]) {
      expect(readSavedConversation(broken)).toBeUndefined();
    }
  });
});

describe('the Markdown of /save', () => {
  test('questions, one line per tool call, answers; no key, session id or signed link', () => {
    const text = conversationMarkdown(TURNS, { savedAt: NOW, model: 'gpt-5-mini', redact });
    expect(text.split('\n').slice(0, 8)).toEqual([
      '# kite-chat conversation', '', 'Saved 2025-08-06 15:04:05 IST · model gpt-5-mini · 3 questions', '',
      '## Question 1', '', 'My key is [redacted]; what is my portfolio worth?', '',
    ]);
    expect(text).toContain('- tool `portfolio_summary` {} · ok\n- tool `get_holdings` {"limit":50,"note":"[redacted]"} · failed\n');
    expect(text).toContain('## Answer 1\n\n₹73,782.97. Log in again at https://mcp.kite.trade/authorize?… if asked.\n');
    expect(text).toContain('## Answer 2\n\n_(no answer)_\n');
    expect(text).toContain('- tool `price_chart` {"instrument":"NSE:INFY"} · ok');
    for (const secret of [KEY, SESSION, 'session_id=', 'c2lnbmF0dXJl']) expect(text).not.toContain(secret);
  });

  test('/save writes a new file readable by its owner only, and never overwrites one or follows a link', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kite-chat-save-'));
    const context = { turns: TURNS, model: 'gpt-5-mini', now: NOW, redact };
    const path = join(folder, 'chat.md');
    expect(await saveConversationFile(path, context)).toEqual({ ok: true, line: `Saved the conversation (3 questions) to ${path} (readable by you only).` });
    expect((await lstat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe(conversationMarkdown(TURNS, { savedAt: NOW, model: 'gpt-5-mini', redact }));

    expect(await saveConversationFile(path, context)).toEqual({
      ok: false, line: `${path} already exists; /save writes only new files: give another name, e.g. /save conversation.md.`,
    });
    const target = join(folder, 'target.txt');
    await writeFile(target, 'untouched');
    await symlink(target, join(folder, 'link.md'));
    expect((await saveConversationFile(join(folder, 'link.md'), context)).ok).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect(await saveConversationFile(join(folder, 'no-such-folder', 'chat.md'), context)).toMatchObject({ ok: false, line: expect.stringMatching(/its folder does not exist\.$/) });
    expect(await saveConversationFile('', { ...context, turns: [] })).toEqual({ ok: false, line: 'Nothing to save yet: ask a question first.' });
  });
});

describe('the conversation in KITE_CHAT_HOME', () => {
  test('is saved 0600 after each turn, resumed with its age, and forgotten by clear', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kite-chat-home-'));
    const store = createStore(home, { uid: process.getuid?.() });
    let now = NOW;
    const warnings: string[] = [];
    const keeper = () => createConversationKeeper({ store, redact, now: () => now, model: () => 'gpt-5-mini', warn: (line) => warnings.push(line) });
    const first = keeper();
    first.record(`Key ${KEY}: holdings?`, result('Two holdings.', [{ name: 'get_holdings', arguments: { limit: 50 }, isError: false }]));
    await first.settled();
    expect((await lstat(join(home, CONVERSATION_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, CONVERSATION_FILE), 'utf8')).not.toContain(KEY);

    now = new Date(NOW.getTime() + 3 * 3_600_000 + 59_000);
    const second = keeper();
    const resumed = await second.resume();
    expect(resumed.notice).toBe('Continuing the conversation saved 3 hours ago (1 question). Its tool results were not kept: figures will be looked up again.');
    expect(resumed.messages).toEqual([{ role: 'user', content: 'Key [redacted]: holdings?' }, { role: 'assistant', content: 'Two holdings.' }]);
    expect(second.turns).toHaveLength(1);

    second.clear();
    await second.settled();
    expect(await keeper().resume()).toEqual({ messages: [], notice: `No saved conversation in ${home} to continue; starting a new one.` });
    expect(warnings).toEqual([]);
  });

  test('a planted link in its place is refused with one line, as for every file there', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kite-chat-home-'));
    await symlink('/etc/passwd', join(home, CONVERSATION_FILE));
    const keeper = createConversationKeeper({ store: createStore(home, { uid: process.getuid?.() }), redact, now: () => NOW, model: () => 'm', warn: () => {} });
    await expect(keeper.resume()).rejects.toThrow(/conversation\.json is a symbolic link, which kite-chat does not follow/);
  });

  test('says its age in words a person uses', () => {
    expect([0, 59_000, 60_000, 7 * 60_000, 3_600_000, 47 * 3_600_000, 49 * 3_600_000, -5_000].map(ageText)).toEqual([
      'just now', 'just now', '1 minute ago', '7 minutes ago', '1 hour ago', '47 hours ago', '2 days ago', 'just now',
    ]);
  });
});
