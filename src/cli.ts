/**
 * The composition root: command line → KITE_CHAT_HOME checked → `.env` files → Config → the run (REPL, --ask, login,
 * logout, tools, trust) → an exit code. The only place that builds the OpenAI client, the MCP connection and the
 * terminal UI. Expected failures print one line (CliError); anything else is a bug and says how to get details
 * (NODE_DEBUG=kite-chat).
 */
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { debuglog } from 'node:util';
import { parseCommandLine, resolveHome, resolveRun, USAGE, type CommandLine, type Config } from './config.js';
import { loadDotenvFiles } from './dotenv-files.js';
import { describeDotenvUse, selectDotenvValues } from './dotenv-policy.js';
import { CliError, ConfigError, InterruptedError } from './errors.js';
import type { Complete } from './openai-model.js';
import { createOpener } from './opener.js';
import { createSecretMask } from './redact.js';
import { checkHome, createStore } from './store.js';
import { sanitizeForTerminal } from './terminal-text.js';
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
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    return reportConfigError(error, io, [], { usage: true });
  }
  if (line.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (line.kind === 'version') {
    io.stdout.write(`kite-chat ${packageVersion()}\n`);
    return 0;
  }
  const setup = await loadSetup(line, env, io);
  if (typeof setup === 'number') return setup;
  const { config, notices, dotenvNotices, fromDotenv } = setup;
  const ui = createTerminalUi(io, { color: config.color, secrets: config.apiKey === undefined ? [] : [config.apiKey] });
  for (const notice of notices) ui.warn(notice);
  if (config.command === 'trust') { // it says itself what the file sets and what the approval lets through
    const { runTrust } = await import('./trust-command.js');
    return runTrust({ cwd: io.cwd, store: createStore(config.home), line, homeDir: io.homeDir, stdout: io.stdout })
      .catch((error: unknown) => reportFailure(error, { ui, config }, new AbortController().signal));
  }
  for (const notice of [...dotenvNotices, ...config.notices]) ui.warn(notice);
  for (const used of fromDotenv) ui.status(used);
  const interrupt = new AbortController();
  const removeInterrupt = config.command === 'chat' ? () => {} : io.onInterrupt(() => interrupt.abort());
  try {
    return await run(config, ui, io, interrupt.signal);
  } catch (error) {
    return reportFailure(error, { ui, config }, interrupt.signal);
  } finally {
    removeInterrupt();
  }
}

/**
 * KITE_CHAT_HOME (from the environment alone) checked, the `.env` files read and weighed, the Config resolved. Lines
 * for stderr come back with it; a problem is printed here as one line (with the usage for a bad command line).
 */
async function loadSetup(
  line: Extract<CommandLine, { kind: 'run' }>,
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<{ config: Config; notices: string[]; dotenvNotices: string[]; fromDotenv: string[] } | number> {
  const home = resolveHome(env, io.homeDir);
  const notices: string[] = [];
  let selection: ReturnType<typeof selectDotenvValues>;
  let dotenvNotices: string[];
  try {
    const tightened = await checkHome(home);
    if (tightened !== undefined) notices.push(tightened);
    const loaded = await loadDotenvFiles(io.cwd, createStore(home));
    selection = selectDotenvValues(loaded.files);
    dotenvNotices = [...loaded.warnings, ...selection.warnings];
  } catch (error) {
    return reportConfigError(error, io, notices, { usage: false });
  }
  try {
    const config = resolveRun(line, { env, dotenv: selection.values, homeDir: io.homeDir });
    return { config, notices, dotenvNotices, fromDotenv: describeDotenvUse(config.fromDotenv, selection.sources) };
  } catch (error) {
    return reportConfigError(error, io, [...notices, ...dotenvNotices], { usage: true });
  }
}

/** Before the Ui exists: the lines so far, then the error's one line (no model or server has answered anything yet). */
function reportConfigError(error: unknown, io: CliIo, notices: readonly string[], options: { usage: boolean }): number {
  if (!(error instanceof ConfigError)) throw error;
  for (const notice of notices) io.stderr.write(`kite-chat: ${sanitizeForTerminal(notice)}\n`);
  io.stderr.write(`kite-chat: ${sanitizeForTerminal(error.message)}\n${options.usage ? `\n${USAGE}\n` : ''}`);
  return error.exitCode;
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
        writeJson: (text) => io.stdout.write(maskKey(config, text)),
        interrupt,
      });
    }
    if (config.command === 'chat') {
      const [{ runRepl }, modelModule] = await Promise.all([import('./repl.js'), loadingModel ?? import('./openai-model.js')]);
      return await runRepl({ runtime, ui, io, createModel: (model) => createModel({ ...config, model }, modelModule) });
    }
    if (config.command === 'trust') throw new Error('kite-chat trust runs without a connection'); // main() ran it
    const { runCommand } = await import('./commands.js');
    return await runCommand(config.command, { runtime, ui, interrupt });
  } finally {
    await runtime.close().catch((error: unknown) => debug('closing the MCP session failed: %s', String(error)));
  }
}

/** The model; createComplete already turns its failures into one line each (ModelApiError, exit 5). */
function createModel(config: Config, modelModule: ModelModule): { complete: Complete; model: string } {
  const client = modelModule.createOpenAIClient({ apiKey: config.apiKey, baseURL: config.baseURL });
  return { model: config.model, complete: modelModule.createComplete(client, { model: config.model }) };
}

/** The configured key masked in text written outside the Ui (the --json object, NODE_DEBUG lines). */
function maskKey(config: Pick<Config, 'apiKey'>, text: string): string {
  return createSecretMask(config.apiKey === undefined ? [] : [config.apiKey])(text);
}

function reportFailure(error: unknown, { ui, config }: { ui: Ui; config: Config }, interrupt: AbortSignal): number {
  if (interrupt.aborted && !(error instanceof CliError && error.exitCode !== 130)) {
    ui.warn('Interrupted.');
    return new InterruptedError().exitCode;
  }
  if (error instanceof CliError) {
    ui.warn(`kite-chat: ${error.message}`);
    debug('%s', maskKey(config, error.stack ?? ''));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ui.warn(`kite-chat: unexpected error: ${message.split('\n', 1)[0] ?? ''} (run with NODE_DEBUG=kite-chat for details)`);
  debug('%s', maskKey(config, error instanceof Error ? (error.stack ?? message) : message));
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

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
