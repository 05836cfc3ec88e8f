/**
 * Runs the compiled kite-chat (dist/bin.js, built by test/global-setup.ts) as a child process, the way a user or a
 * script would: a clean environment (nothing inherited but PATH), its own KITE_CHAT_HOME, stdout and stderr kept
 * apart, and the exit code. Also makes the temporary folders and the test BROWSER the spawned runs use.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO_ROOT, 'dist', 'bin.js');
/** The test BROWSER programs: one that only records the link, one that logs in as a person does, one for OAuth servers. */
export const BROWSER_RECORD = join(REPO_ROOT, 'test', 'support', 'browser-record.mjs');
export const BROWSER_FOLLOW = join(REPO_ROOT, 'test', 'support', 'browser-follow.mjs');
export const BROWSER_OAUTH = join(REPO_ROOT, 'test', 'support', 'browser-oauth.mjs');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child after this long (a hang is a failure, reported as such). */
  killAfterMs?: number;
  /** Sends SIGINT after this many milliseconds or when stderr first matches the pattern. */
  interruptWhen?: RegExp;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!interrupted && options.interruptWhen?.test(stderr) === true) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export async function temporaryFolder(prefix = 'kite-chat-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * The argv lines the test BROWSER recorded (one JSON array per run). The browser is detached and may outlive
 * kite-chat by a moment, so with `expected` this waits (up to 5 s) until that many launches are recorded.
 */
export async function browserLaunches(logFile: string, expected = 0): Promise<string[][]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const launches = await readLaunches(logFile);
    if (launches.length >= expected) return launches;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readLaunches(logFile);
}

async function readLaunches(logFile: string): Promise<string[][]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[]);
}
