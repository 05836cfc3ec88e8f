/**
 * The fixtures of the integration and e2e tests (vitest `test.extend`): a private KITE_CHAT_HOME, the fake Kite server
 * and the scripted model on 127.0.0.1 port 0, and kite-chat spawned as a user runs it (`cli`) or in a pseudo-terminal
 * (`repl`) with the environment that points it at them. Whatever a test starts is stopped after it: REPLs first,
 * then servers and folders, newest first. TESTING.md shows a test written with them.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import { startFakeKite, type FakeKite, type FakeKiteOptions } from './fake-kite/index.js';
import { startReplInPty, type PtySession } from './pty-session.js';
import { BROWSER_RECORD, runCli, type CliRun, type RunOptions } from './run-cli.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from './scripted-openai.js';

export { describe, expect } from 'vitest';

/** The API key every spawned kite-chat gets: long and sk-shaped, so a test can look for it in what was printed. */
export const OPENAI_KEY = 'sk-test-safety-0123456789abcdefghij';

/** Anything a test starts that must be stopped after it (`close` may return a promise, which is awaited). */
export interface Closable {
  close(): unknown;
}

export interface KiteChatFixtures {
  /** A fresh KITE_CHAT_HOME (mode 0700), removed after the test. */
  home: string;
  /** Where the test BROWSER writes the argv of each launch (read it with browserLaunches); outside `home`. */
  browserLog: string;
  /** The BROWSER program kite-chat gets: browser-record.mjs unless a file or describe sets `test.override({ browser })`. */
  browser: string;
  /** The fake Kite server as today's hosted one serves (not logged in, the hosted login link). */
  kite: FakeKite;
  /** A fake Kite server with other options (`autoLogin`, `loginForm`, `ltp`, `now`, …). */
  startKite: (options?: FakeKiteOptions) => Promise<FakeKite>;
  /** The scripted model, with no steps yet: `model.push(…)` them; `model.options` can require a key or refuse. */
  model: ScriptedOpenAI;
  /** The environment `cli` and `repl` give kite-chat: the key, the model, `home`, `browser` and `browserLog`. */
  env: Record<string, string>;
  /** kite-chat with these arguments as a child process; options.env adds to (or, with undefined, removes from) `env`. */
  cli: (args: readonly string[], options?: RunOptions) => Promise<CliRun>;
  /** kite-chat with these arguments in a pseudo-terminal (the REPL; 120×40 unless `size` says), killed after the test. */
  repl: (args: readonly string[], options?: { env?: Record<string, string>; size?: { cols: number; rows: number } }) => PtySession;
  /** Stops `server` after the test (a tiny MCP server, Kite's next server, an MCP session, …) and gives it back. */
  closeAfter: <T extends Closable>(server: T) => T;
}

interface Started {
  sessions: PtySession[];
  closables: Closable[];
}

export const test = base.extend<KiteChatFixtures & { started: Started }>({
  // Not for tests: what was started, stopped after the test. A REPL is killed before its servers go away.
  started: async ({}, use) => {
    const started: Started = { sessions: [], closables: [] };
    await use(started);
    for (const session of started.sessions) session.kill();
    for (const closable of started.closables.reverse()) await closable.close();
  },
  closeAfter: async ({ started }, use) => {
    await use((server) => {
      started.closables.push(server);
      return server;
    });
  },
  home: async ({ closeAfter }, use) => {
    const home = join(await temporaryFolder(closeAfter), 'home');
    await mkdir(home, { mode: 0o700 });
    await use(home);
  },
  browserLog: async ({ closeAfter }, use) => {
    await use(join(await temporaryFolder(closeAfter), 'browser.log'));
  },
  browser: BROWSER_RECORD,
  startKite: async ({ closeAfter }, use) => {
    await use(async (options = {}) => closeAfter(await startFakeKite(options)));
  },
  kite: async ({ startKite }, use) => {
    await use(await startKite());
  },
  model: async ({ closeAfter }, use) => {
    await use(closeAfter(await startScriptedOpenAI([])));
  },
  env: async ({ home, browserLog, browser, model }, use) => {
    await use({
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_MODEL: 'scripted-model',
      KITE_CHAT_HOME: home,
      BROWSER: browser,
      FAKE_BROWSER_LOG: browserLog,
    });
  },
  cli: async ({ env }, use) => {
    await use((args, options = {}) => runCli(args, { ...options, env: { ...env, ...options.env } }));
  },
  repl: async ({ env, started }, use) => {
    await use((args, options = {}) => {
      const session = startReplInPty(args, { ...env, ...options.env }, options.size);
      started.sessions.push(session);
      return session;
    });
  },
});

async function temporaryFolder(closeAfter: KiteChatFixtures['closeAfter']): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'kite-chat-test-'));
  closeAfter({ close: () => rm(folder, { recursive: true, force: true, maxRetries: 3 }) });
  return folder;
}
