// KITE_CHAT_HOME is checked before use and its files cannot be turned against the user (issue 14): an open home of
// the user's is made private, someone else's is refused, a planted link is not followed, a damaged file is one line
// naming it with exit 2 (a configuration problem, CONTRACT.md), and a bad saved session is discarded with a notice.
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { checkHome, createStore } from '../../../src/store.js';
import type { FakeKite } from '../../support/fake-kite/index.js';
import { test as base, expect } from '../../support/fixtures.js';
import { temporaryFolder, type CliRun } from '../../support/run-cli.js';

const margins = { toolCalls: [{ name: 'get_margins', arguments: {} }] };
const answer = { text: 'You have cash.' };

/** `loggedIn`: the fake Kite, logged in; `ask(question)`: kite-chat --ask against it with this test's `home`. */
const test = base.extend<{ loggedIn: FakeKite; ask: (question?: string) => Promise<CliRun> }>({
  loggedIn: async ({ startKite }, use) => {
    await use(await startKite({ autoLogin: true }));
  },
  ask: async ({ loggedIn, cli }, use) => {
    await use((question = 'Cash?') => cli(['--ask', question, '--url', loggedIn.mcpUrl]));
  },
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;
const initializes = (fake: FakeKite) => fake.requests.filter((request) => request.rpcMethod === 'initialize').length;

test.for([
  ['readable by all', 0o755],
  ['writable by all (sticky, like /tmp)', 0o1777],
] as const)('a home of the user\'s that is %s is made private, in one line', async ([, mode], { model, home, ask }) => {
  await chmod(home, mode);
  model.push(answer);

  const run = await ask();

  expect(run.code).toBe(0);
  expect(run.stderr).toContain(`KITE_CHAT_HOME ${home} was open to other users (mode 0${mode.toString(8)}); made it private (0700).\n`);
  expect(await modeOf(home)).toBe(0o700);
});

test('a home or a file in it that belongs to someone else is refused with one line naming it', async ({ home }) => {
  await writeFile(join(home, 'session.json'), '{}');
  const stranger = (process.getuid?.() ?? 0) + 1;

  await expect(checkHome(home, { uid: stranger })).rejects.toThrow(ConfigError);
  await expect(checkHome(home, { uid: stranger })).rejects.toThrow(/^KITE_CHAT_HOME .* belongs to another user \(uid \d+\); .* set KITE_CHAT_HOME to a folder of your own\.$/);
  await expect(createStore(home, { uid: stranger }).readText('session.json')).rejects.toThrow(
    `${join(home, 'session.json')} belongs to another user (uid ${process.getuid?.() ?? 0}): delete it, then run kite-chat again.`,
  );
});

test('a planted audit.log link is not followed: its target is neither written nor chmod-ed, and one line says why', async ({ model, home, ask }) => {
  const target = join(await temporaryFolder('kite-chat-victim-'), 'precious.txt');
  await writeFile(target, 'precious\n', { mode: 0o644 });
  await chmod(target, 0o644);
  await symlink(target, join(home, 'audit.log'));
  model.push(margins, answer);

  const run = await ask();

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('You have cash.\n');
  expect(await readFile(target, 'utf8')).toBe('precious\n');
  expect(await modeOf(target)).toBe(0o644);
  expect(run.stderr).toContain(`${join(home, 'audit.log')} is a symbolic link, which kite-chat does not follow in KITE_CHAT_HOME: delete it`);
});

test('files kite-chat creates in its home are 0600 and the home 0700, whatever the umask allowed', async ({ model, ask, home }) => {
  model.push(margins, answer);

  expect((await ask()).code).toBe(0);

  for (const name of ['audit.log', 'session.json', 'tools.json']) expect(await modeOf(join(home, name))).toBe(0o600);
  expect(await modeOf(home)).toBe(0o700);
});

test.for([
  ['session.json is a folder', async (home: string) => mkdir(join(home, 'session.json')),
    (home: string) => `kite-chat: ${join(home, 'session.json')} is a folder, where kite-chat keeps a file: move it away (or delete it), then run kite-chat again.\n`],
  ['session.json is a link', async (home: string) => symlink('/etc/hostname', join(home, 'session.json')),
    (home: string) => `kite-chat: ${join(home, 'session.json')} is a symbolic link, which kite-chat does not follow in KITE_CHAT_HOME: delete it, then run kite-chat again.\n`],
] as const)('%s: one line naming it and what to do, exit 2', async ([, damage, expected], { home, ask }) => {
  await damage(home);

  const run = await ask();

  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(expected(home));
});

test('a home that is a file: one line naming it and what to do, exit 2', async ({ loggedIn: kite, cli }) => {
  const home = join(await temporaryFolder(), 'not-a-folder');
  await writeFile(home, 'oops');

  const run = await cli(['--ask', 'Cash?', '--url', kite.mcpUrl], { env: { KITE_CHAT_HOME: home } });

  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`kite-chat: KITE_CHAT_HOME ${home} is a file, not a folder: move the file away, or set KITE_CHAT_HOME to a folder.\n`);
});

test.for([
  ['a session id with CR/LF in it', (saved: Record<string, unknown>) => ({ ...saved, sessionId: `${String(saved['sessionId'])}\r\nX-Evil: 1` }), 'its session id is not valid'],
  ['a creation time in the future', (saved: Record<string, unknown>) => ({ ...saved, createdAt: Date.now() + 24 * 60 * 60 * 1000 }), 'its creation time is in the future'],
  ['text that is not JSON', () => '{"url": "http://', 'it is not valid JSON'],
] as const)('a saved session with %s is discarded with a notice, and a new session answers', async ([, damage, reason], { loggedIn: kite, model, home, ask }) => {
  model.push(answer);
  expect((await ask()).code).toBe(0);
  const sessionFile = join(home, 'session.json');
  const saved = JSON.parse(await readFile(sessionFile, 'utf8')) as Record<string, unknown>;
  const damaged = damage(saved);
  await writeFile(sessionFile, typeof damaged === 'string' ? damaged : JSON.stringify(damaged));
  model.push(answer);

  const run = await ask();

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('You have cash.\n');
  expect(run.stderr).toContain(`Discarded the saved session in ${sessionFile} (${reason}); starting a new one, so you will need to log in again.\n`);
  expect(initializes(kite)).toBe(2);
  const replaced = JSON.parse(await readFile(sessionFile, 'utf8')) as Record<string, unknown>;
  expect(replaced['sessionId']).toMatch(/^kitemcp-[0-9a-f-]{36}$/);
  expect(replaced['sessionId']).not.toBe(saved['sessionId']);
});
