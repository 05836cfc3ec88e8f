/**
 * The compiled REPL (`node dist/bin.js`) as a child with piped stdin, driven one line at a time: each question is
 * typed only once the prompt is back, since readline drops lines that arrive while no question is pending. Reads
 * the child's memory from /proc/PID/status. Used by the token and memory benchmarks; it measures nothing itself.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { BIN } from './loopback.js';

/** The REPL's prompt ends with this (commands/repl.ts promptText), written to stderr before every question. */
const PROMPT_MARK = '› ';
/** A turn against the loopback fakes takes milliseconds; this long means the REPL is stuck. */
const TURN_TIMEOUT_MS = 20_000;

export interface ReplMemory {
  /** VmHWM: the peak resident set size so far. */
  peakKb: number;
  /** VmRSS: the resident set size now. */
  currentKb: number;
}

export interface ReplProcess {
  /** Types one line and waits until the REPL shows its prompt again. */
  ask(line: string): Promise<void>;
  memory(): Promise<ReplMemory>;
  /** Closes stdin (Ctrl-D) and resolves with the exit code. */
  finish(): Promise<number | null>;
  /** Ends the child if it is still running (cleanup after a failure). */
  kill(): void;
}

export async function startRepl(args: readonly string[], options: { env: Record<string, string>; cwd: string }): Promise<ReplProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let prompts = 0;
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }));
  child.stdout.resume(); // the answers are not needed; keep the pipe flowing
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    prompts = stderr.split(PROMPT_MARK).length - 1;
  });

  const waitForPrompts = async (count: number): Promise<void> => {
    const started = Date.now();
    while (prompts < count) {
      if (exited) throw new Error(`the REPL exited early; its stderr:\n${stderr.slice(-2000)}`);
      if (Date.now() - started > TURN_TIMEOUT_MS) throw new Error(`the REPL did not show its prompt again; its stderr:\n${stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  await waitForPrompts(1);
  return {
    async ask(line) {
      const expected = prompts + 1;
      child.stdin.write(`${line}\n`);
      await waitForPrompts(expected);
    },
    async memory() {
      const status = await readFile(`/proc/${child.pid ?? 0}/status`, 'utf8');
      return { peakKb: statusField(status, 'VmHWM'), currentKb: statusField(status, 'VmRSS') };
    },
    async finish() {
      child.stdin.end();
      return exit;
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`/proc status has no ${name}`);
  return Number(match[1]);
}
