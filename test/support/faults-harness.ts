/**
 * Shared by the fault tests (test/e2e/faults/) and other e2e tests: two fixtures a file adds with test.extend (`ask`,
 * `replWith`), the completion requests the scripted model received, a loopback origin nobody listens on, waiting for
 * a condition or for the REPL to exit, and the checks every fault row makes of what the user sees (one line, no stack
 * trace). Starting and stopping the fakes is test/support/fixtures.ts.
 */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { FakeKite } from './fake-kite/index.js';
import type { KiteChatFixtures } from './fixtures.js';
import type { PtySession } from './pty-session.js';
import type { CliRun } from './run-cli.js';
import type { RecordedRequest, ScriptedOpenAI, ScriptedStep } from './scripted-openai.js';

/** A line of a Node stack trace, as an uncaught error would print it. */
export const STACK_LINE = /^\s+at .+[:(]\d+/m;

type Needs<Names extends keyof KiteChatFixtures> = Pick<KiteChatFixtures, Names>;

export type Ask = (steps: ScriptedStep[], args?: string[]) => Promise<{ run: CliRun; kite: FakeKite; model: ScriptedOpenAI }>;

/**
 * The `ask` fixture (`test.extend({ ask: askFixture(QUESTION) })`): `ask(steps, args)` runs kite-chat --ask `question`
 * against a logged-in fake Kite, the model answering with `steps`, and checks that stderr holds no stack trace.
 */
export function askFixture(question: string) {
  return async ({ startKite, model, cli }: Needs<'startKite' | 'model' | 'cli'>, use: (ask: Ask) => Promise<void>): Promise<void> => {
    await use(async (steps, args = []) => {
      const kite = await startKite({ autoLogin: true });
      model.push(...steps);
      const run = await cli(['--ask', question, '--url', kite.mcpUrl, ...args], { killAfterMs: 20_000 });
      expect(run.stderr).not.toMatch(STACK_LINE);
      return { run, kite, model };
    });
  };
}

export type ReplWith = (
  steps: ScriptedStep[], options?: { autoLogin?: boolean; args?: readonly string[] },
) => Promise<{ session: PtySession; fake: FakeKite; fakeModel: ScriptedOpenAI }>;

/**
 * The `replWith` fixture (`test.extend({ replWith })`): `replWith(steps, { autoLogin, args })` starts the REPL against a fake Kite (logged
 * in unless `autoLogin: false`), the model answering with `steps`, and waits for its prompt.
 */
export async function replWith({ startKite, model, repl }: Needs<'startKite' | 'model' | 'repl'>, use: (start: ReplWith) => Promise<void>): Promise<void> {
  await use(async (steps, options = {}) => {
    const fake = await startKite({ autoLogin: options.autoLogin ?? true });
    model.push(...steps);
    const session = repl(['--url', fake.mcpUrl, '--no-browser', ...(options.args ?? [])]);
    await session.waitFor('›');
    return { session, fake, fakeModel: model };
  });
}

/** The origin of a loopback port nobody listens on (taken, then freed): connecting is refused at once. */
export async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function completions(model: ScriptedOpenAI): RecordedRequest[] {
  return model.requests.filter((request) => request.path.endsWith('/chat/completions'));
}

/** Everything the model was sent in the n-th completion request (0-based), as one string to search. */
export function sentToModel(model: ScriptedOpenAI, index: number): string {
  return JSON.stringify(completions(model)[index]?.body?.messages ?? []);
}

/** The tool messages of the last completion request, in order. */
export function lastToolMessages(model: ScriptedOpenAI): string[] {
  const messages = completions(model).at(-1)?.body?.messages ?? [];
  return messages.filter((message) => message.role === 'tool').map((message) => String(message.content));
}

export function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** A run that failed as a fault row says: exit `code`, nothing on stdout, and on stderr the one line `line` (or matcher). */
export function expectOneLineExit(run: CliRun, code: number, line: unknown): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(nonEmptyLines(run.stderr)).toEqual([line]);
}

export function toolRequests(kite: FakeKite, tool: string): FakeKite['requests'] {
  return kite.requests.filter((request) => request.tool === tool);
}

/** Resolves once `condition` holds; rejects after `timeoutMs` (a fault that never shows is a failure, not a hang). */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The REPL's exit code, or a failure when it does not exit within `timeoutMs` (then it is killed). */
export async function exitWithin(repl: PtySession, timeoutMs = 10_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      repl.kill();
      reject(new Error(`the REPL did not exit within ${timeoutMs} ms; the screen so far:\n${repl.text().slice(-1500)}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([repl.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
