// Conversations kept, end to end in a real pseudo-terminal: /save writes the conversation as Markdown in a new file
// of mode 0600 without the key, a session id or a signed link; the REPL keeps it in KITE_CHAT_HOME (0600) and
// `kite-chat --continue` takes it up, says how old it is, and sends the model the questions and answers only.
import { readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect, OPENAI_KEY } from '../../support/fixtures.js';
import type { PtySession } from '../../support/pty-session.js';
import { temporaryFolder } from '../../support/run-cli.js';
import { completions } from '../../support/safety-env.js';

const SESSION_ID = 'kitemcp-0b4f1e7a-93c2-4d5e-8f60-123456789abc';

/** `loggedIn`: the fake Kite, logged in; `chat(args)`: the REPL against it without colour, with this test's `home`. */
const test = base.extend<{ loggedIn: FakeKite; chat: (args?: string[]) => PtySession }>({
  loggedIn: async ({ startKite }, use) => {
    await use(await startKite({ autoLogin: true }));
  },
  chat: async ({ loggedIn, repl }, use) => {
    await use((args = []) => repl(['--url', loggedIn.mcpUrl, '--no-color', ...args]));
  },
});

/** Types a line and waits for `expected` and then the prompt: a line typed before the prompt is back would be lost. */
async function typeAndWait(session: PtySession, line: string, expected: string): Promise<void> {
  await session.say(line, new RegExp(`${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^]*›`));
}

test('/save writes the conversation 0600 without secrets, and --continue takes it up with its age and no tool results', async ({ loggedIn: kite, model, home, chat }) => {
  const signedLink = `${kite.origin}/authorize?session_id=${SESSION_ID}%7C1754400000.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmE%3D`;
  model.push(
    { toolCalls: [{ name: 'get_margins', arguments: {} }] },
    // A model that echoes what it should not: the key and a signed login link.
    { text: `You have ₹99,725.05 available. (key ${OPENAI_KEY}; log in at ${signedLink})` },
    { text: 'Yes: that was your available margin.' },
  );
  const saved = join(await temporaryFolder('kite-chat-saved-'), 'chat.md');

  let repl = chat();
  await repl.waitFor('›');
  repl.type(`How much cash do I have? My session is ${SESSION_ID}\r`);
  await repl.waitFor(/You have ₹99,725\.05 available\.(.|\n)*›/);
  await typeAndWait(repl, `/save ${saved}`, `Saved the conversation (1 question) to ${saved} (readable by you only).`);
  await typeAndWait(repl, `/save ${saved}`, `${saved} already exists; /save writes only new files`);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);

  const markdown = await readFile(saved, 'utf8');
  expect((await stat(saved)).mode & 0o777).toBe(0o600);
  expect(markdown).toMatch(/^# kite-chat conversation\n\nSaved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d IST · model scripted-model · 1 question\n/);
  expect(markdown).toContain('## Question 1\n\nHow much cash do I have? My session is [redacted]\n\n- tool `get_margins` {} · ok\n');
  expect(markdown).toContain(`## Answer 1\n\nYou have ₹99,725.05 available. (key [redacted]; log in at ${kite.origin}/authorize?…)\n`);
  const kept = await readFile(join(home, 'conversation.json'), 'utf8');
  expect((await stat(join(home, 'conversation.json'))).mode & 0o777).toBe(0o600);
  for (const text of [markdown, kept]) {
    for (const secret of [OPENAI_KEY, SESSION_ID, 'c2lnbmF0dXJl']) expect(text).not.toContain(secret);
  }

  // Two hours later, the chat goes on.
  const conversation = JSON.parse(kept) as { savedAt: string };
  conversation.savedAt = new Date(Date.now() - 2 * 3_600_000 - 60_000).toISOString();
  await writeFile(join(home, 'conversation.json'), JSON.stringify(conversation));
  repl = chat(['--continue']);
  await repl.waitFor('Continuing the conversation saved 2 hours ago (1 question). Its tool results were not kept: figures will be looked up again.');
  await repl.waitFor('›');
  repl.type('Was that all of it?\r');
  await repl.waitFor(/Yes: that was your available margin\.\n[^]*›/); // typed before the prompt, a line is lost
  const messages = completions(model.requests).at(-1)?.body?.messages ?? [];
  expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
  expect(messages[1]?.content).toBe('How much cash do I have? My session is [redacted]');
  expect(String(messages[2]?.content)).toMatch(/^You have ₹99,725\.05 available\./);
  expect(JSON.stringify(messages)).not.toContain('tool_call');
  await typeAndWait(repl, '/clear', 'Conversation cleared.');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
  await expect(stat(join(home, 'conversation.json'))).rejects.toThrow(/ENOENT/);
});

test('--continue with nothing saved says so in one line and starts a new conversation', async ({ home, chat }) => {
  const repl = chat(['--continue']);
  await repl.waitFor(`No saved conversation in ${home} to continue; starting a new one.`);
  await repl.waitFor('›');
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
});

test('--continue with a planted link in place of the conversation says so in one line and the chat goes on', async ({ model, home, chat }) => {
  model.push({ text: 'Fresh start.' });
  const target = join(await temporaryFolder('kite-chat-target-'), 'secret.txt');
  await writeFile(target, 'not for kite-chat');
  await symlink(target, join(home, 'conversation.json'));
  const repl = chat(['--continue']);
  await repl.waitFor(/Could not continue the last conversation: .*conversation\.json is a symbolic link, which kite-chat does not follow/);
  await repl.waitFor('›');
  repl.type('Hello?\r');
  await repl.waitFor(/Fresh start\.\n[^]*›/);
  repl.type('/exit\r');
  expect(await repl.exit).toBe(0);
  expect(await readFile(target, 'utf8')).toBe('not for kite-chat');
  expect(completions(model.requests)[0]?.body?.messages?.map((message) => message.role)).toEqual(['system', 'user']);
});
