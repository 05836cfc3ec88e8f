/**
 * The composition root: command line → Config → the run (REPL, --ask, login, logout, tools) → an exit code.
 * The only place that builds the OpenAI client, the MCP connection and the terminal UI. Expected failures print one
 * line (CliError); anything else is a bug and says how to get details (NODE_DEBUG=kite-chat).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { debuglog } from 'node:util';
import { parse as parseDotenv } from 'dotenv';
import { runAsk } from './ask.js';
import { runCommand } from './commands.js';
import { resolveInvocation, USAGE, type Config } from './config.js';
import { CliError, ConfigError, InterruptedError } from './errors.js';
import { createComplete, createOpenAIClient, type Complete } from './openai-model.js';
import { createOpener } from './opener.js';
import { runRepl } from './repl.js';
import { createRuntime } from './runtime.js';
import { createTerminalUi, type Ui } from './ui.js';

const debug = debuglog('kite-chat');

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  homeDir: string;
  platform: NodeJS.Platform;
  /** Registers a Ctrl-C handler for the whole process (--ask and the commands; the REPL has its own). */
  onInterrupt: (listener: () => void) => () => void;
}

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  let config: Config;
  try {
    const invocation = resolveInvocation({ argv, env, dotenv: readDotenv(io.cwd), homeDir: io.homeDir });
    if (invocation.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (invocation.kind === 'version') {
      io.stdout.write(`kite-chat ${packageVersion()}\n`);
      return 0;
    }
    config = invocation.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`kite-chat: ${error.message}\n\n${USAGE}\n`);
    return error.exitCode;
  }
  const ui = createTerminalUi(io, { color: config.color });
  for (const notice of config.notices) ui.warn(notice);
  const interrupt = new AbortController();
  const removeInterrupt = config.command === 'chat' ? () => {} : io.onInterrupt(() => interrupt.abort());
  try {
    return await run(config, ui, io, interrupt.signal);
  } catch (error) {
    return reportFailure(error, ui, interrupt.signal);
  } finally {
    removeInterrupt();
  }
}

async function run(config: Config, ui: Ui, io: CliIo, interrupt: AbortSignal): Promise<number> {
  const openLink = createOpener({ browser: config.browser, platform: io.platform });
  const runtime = await abortable(createRuntime({ config, ui, openLink }), interrupt);
  try {
    if (config.command === 'ask') {
      const { complete, model } = createModel(config);
      return await runAsk(config.question ?? '', {
        runtime,
        complete,
        model,
        ui,
        writeJson: (text) => io.stdout.write(text),
        interrupt,
      });
    }
    if (config.command === 'chat') {
      return await runRepl({ runtime, ui, io, createModel: (model) => createModel({ ...config, model }) });
    }
    return await runCommand(config.command, { runtime, ui, io, interrupt });
  } finally {
    await runtime.close().catch((error: unknown) => debug('closing the MCP session failed: %s', String(error)));
  }
}

/** The model; createComplete already turns its failures into one line each (ModelApiError, exit 5). */
function createModel(config: Config): { complete: Complete; model: string } {
  const client = createOpenAIClient({ apiKey: config.apiKey, baseURL: config.baseURL });
  return { model: config.model, complete: createComplete(client, { model: config.model }) };
}

function reportFailure(error: unknown, ui: Ui, interrupt: AbortSignal): number {
  if (interrupt.aborted && !(error instanceof CliError && error.exitCode !== 130)) {
    ui.warn('Interrupted.');
    return new InterruptedError().exitCode;
  }
  if (error instanceof CliError) {
    ui.warn(`kite-chat: ${error.message}`);
    debug('%s', error.stack ?? '');
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ui.warn(`kite-chat: unexpected error: ${message.split('\n', 1)[0] ?? ''} (run with NODE_DEBUG=kite-chat for details)`);
  debug('%s', error instanceof Error ? (error.stack ?? message) : message);
  return 1;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function readDotenv(cwd: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(join(cwd, '.env')));
  } catch {
    return {}; // no .env is the usual case
  }
}

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
