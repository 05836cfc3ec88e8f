/**
 * What every benchmark stands on: the fake Kite MCP server and the scripted OpenAI server on 127.0.0.1 (the test
 * fakes, reused as they are), the clean environment a spawned kite-chat gets, throwaway homes, and a child process
 * timed from spawn to exit. Nothing here measures anything by itself.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeKite, type FakeKite, type FakeKiteOptions } from '../test/support/fake-kite/index.js';
import { startScriptedOpenAI, type ScriptedOpenAI, type ScriptedStep } from '../test/support/scripted-openai.js';
import { BIN, REPO_ROOT } from '../test/support/run-cli.js';

export { BIN, REPO_ROOT };

/** The model id the scripted server answers as; kite-chat is told to use it. */
export const BENCH_MODEL = 'scripted-model';
/** A key that is obviously not real: the scripted server accepts anything. */
const BENCH_API_KEY = 'sk-bench-not-a-real-key';
/** A run that takes this long has hung; the benchmark fails rather than waits. */
const CHILD_TIMEOUT_MS = 30_000;
/** Linux clock ticks per second (USER_HZ), the unit of /proc/PID/stat times. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface Loopback {
  kite: FakeKite;
  model: ScriptedOpenAI;
  close(): Promise<void>;
}

export async function startLoopback(script: ScriptedStep[] = [], kiteOptions: FakeKiteOptions = {}): Promise<Loopback> {
  const kite = await startFakeKite({ autoLogin: true, ...kiteOptions });
  const model = await startScriptedOpenAI(script);
  return {
    kite,
    model,
    close: async () => {
      await Promise.all([kite.close(), model.close()]);
    },
  };
}

/** The environment of a spawned kite-chat: nothing inherited but PATH, its own home, the scripted model. */
export function cliEnvironment(model: ScriptedOpenAI, home: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    OPENAI_API_KEY: BENCH_API_KEY,
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_MODEL: BENCH_MODEL,
    KITE_CHAT_HOME: home,
  };
}

/** A fresh folder under the system temp dir; remove it with removeFolder. */
export function temporaryFolder(prefix = 'kite-chat-bench-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeFolder(path: string): Promise<void> {
  return rm(path, { recursive: true, force: true });
}

export interface TimedRun {
  /** Wall time from just before spawn() to the child's exit. */
  wallMs: number;
  /** The child's CPU time (user + system), 10 ms resolution; NaN where /proc is missing. Steadier than wall time on a busy machine. */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ARGS` and times it from spawn to exit; stdin is closed, output collected. */
export function timeNodeProcess(args: readonly string[], options: { env: Record<string, string>; cwd: string }): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpuBefore = childrenCpuMs();
    const child = spawn(process.execPath, [...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', reject);
    // 'exit' is the process ending; 'close' may come later, once the pipes drain.
    let wallMs = 0;
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ wallMs, cpuMs: childrenCpuMs() - cpuBefore, code, stdout, stderr });
    });
  });
}

/** CPU time of this process's finished children (cutime + cstime); one child runs at a time, so a difference is its own. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime and cstime, fields 16 and 17
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Throws with the child's own words when a run did not end as expected. */
export function expectSuccess(run: TimedRun, what: string, answer: string): void {
  if (run.code === 0 && run.stdout.includes(answer)) return;
  throw new Error(`${what} exited ${String(run.code)} without the answer.\nstdout: ${run.stdout.slice(-500)}\nstderr: ${run.stderr.slice(-1500)}`);
}
