/**
 * The composition root: command line → Config → the run (REPL, --ask, login, logout, tools) → an exit code.
 * The only place that builds the OpenAI client, the MCP connection and the terminal UI. Expected failures print one
 * line (CliError); anything else is a bug and says how to get details (NODE_DEBUG=kite-chat).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { debuglog } from 'node:util';
import { resolveInvocation, USAGE, type Config } from './config.js';
import { CliError, ConfigError, InterruptedError } from './errors.js';
import type { Complete } from './openai-model.js';
import { createOpener } from './opener.js';
import { createTerminalUi, type Ui } from './ui.js';

const debug = debuglog('kite-chat');

/**
 * Start-up (BENCHMARKS.md, cold_start_ms): what only one command needs is imported when that command runs (so
 * --help, --version and configuration errors load no SDK at all), and the model adapter (the `openai` package,
 * ~0.1 s to load) loads while the MCP connection opens instead of before it.
 */
type ModelModule = typeof import('./openai-model.js');

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
    const invocation = resolveInvocation({ argv, env, dotenv: await readDotenv(io.cwd), homeDir: io.homeDir });
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
  const { createRuntime } = await import('./runtime.js'); // the MCP SDK: the connection needs it first
  const loadingModel = config.command === 'ask' || config.command === 'chat' ? import('./openai-model.js') : undefined;
  loadingModel?.catch(() => {}); // awaited below; if the connection fails first, that is the error to report
  const runtime = await abortable(createRuntime({ config, ui, openLink, interrupt }), interrupt);
  try {
    if (config.command === 'ask') {
      const [{ runAsk }, modelModule] = await Promise.all([import('./ask.js'), loadingModel ?? import('./openai-model.js')]);
      const { complete, model } = createModel(config, modelModule);
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
      const [{ runRepl }, modelModule] = await Promise.all([import('./repl.js'), loadingModel ?? import('./openai-model.js')]);
      return await runRepl({ runtime, ui, io, createModel: (model) => createModel({ ...config, model }, modelModule) });
    }
    const { runCommand } = await import('./commands.js');
    return await runCommand(config.command, { runtime, ui, io, interrupt });
  } finally {
    await runtime.close().catch((error: unknown) => debug('closing the MCP session failed: %s', String(error)));
  }
}

/** The model; createComplete already turns its failures into one line each (ModelApiError, exit 5). */
function createModel(config: Config, modelModule: ModelModule): { complete: Complete; model: string } {
  const client = modelModule.createOpenAIClient({ apiKey: config.apiKey, baseURL: config.baseURL });
  return { model: config.model, complete: modelModule.createComplete(client, { model: config.model }) };
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

async function readDotenv(cwd: string): Promise<Record<string, string>> {
  let text: Buffer;
  try {
    text = readFileSync(join(cwd, '.env'));
  } catch {
    return {}; // no .env is the usual case, and then dotenv is not even loaded
  }
  const { parse } = await import('dotenv');
  return parse(text);
}

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
