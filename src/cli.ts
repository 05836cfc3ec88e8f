/**
 * The composition root: command line → KITE_CHAT_HOME checked → `.env` files → Config → the run (REPL, --ask, login,
 * logout, tools, doctor, trust) → an exit code. The only place that builds the OpenAI client, the MCP connection and
 * the terminal UI (but for `doctor`, which builds its own to check them: commands/doctor/doctor.ts). Expected failures print one line
 * (CliError); anything else is a bug and says how to get details (NODE_DEBUG=kite-chat). `--ask --json` failures also
 * print their JSON object (commands/ask-json-error.ts).
 */
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { debuglog } from 'node:util';
import { askErrorJson, LOGIN_LINK_ON_STDERR } from './commands/ask-json-error.js';
import { parseCommandLine, wantsJsonAnswer, type CommandLine } from './config/command-line.js';
import { MissingApiKeyError, resolveHome, resolveRunInvocation, USAGE, type Config } from './config/resolve.js';
import { loadDotenvFiles } from './config/dotenv-files.js';
import { describeDotenvUse, selectDotenvValues } from './config/dotenv-policy.js';
import { CliError, ConfigError, describeBug, InterruptedError, LoginRequiredError } from './errors.js';
import type { LocalModelServer } from './model/local-model-probe.js';
import { createOpener } from './login/opener.js';
import { createSecretMask, keySecrets } from './redact.js';
import type { ChatModel } from './commands/repl-state.js';
import type { Session } from './session.js';
import { checkHome, createStore, type Store } from './store.js';
import { sanitizeForTerminal } from './terminal/text.js';
import { createTerminalUi, type Ui } from './terminal/ui.js';

const debug = debuglog('kite-chat');

/**
 * Start-up (BENCHMARKS.md, cold_start_ms): what only one command needs is imported when that command runs (so
 * --help, --version and configuration errors load no SDK at all), and the model adapter (the `openai` package,
 * ~0.1 s to load) loads while the MCP connection opens instead of before it.
 */
type ModelModule = typeof import('./model/openai-model.js');

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  homeDir: string;
  platform: NodeJS.Platform;
  /** Registers a Ctrl-C handler for the whole process (--ask and the commands; the REPL has its own). */
  onInterrupt: (listener: () => void) => () => void;
  /** Where to look for a model server on this machine when none is configured; the usual ports when not given. */
  localModelServers?: readonly LocalModelServer[];
  /** The user KITE_CHAT_HOME and its files must belong to: the process's own (bin.ts); none where there is no such id. */
  uid: number | undefined;
}

/** `--ask … --json` owes a script one JSON object on stdout, whatever goes wrong (CONTRACT.md). */
type JsonFailure = ((exitCode: number, message: string) => void) | undefined;

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const jsonFailure: JsonFailure = wantsJsonAnswer(argv)
    ? (exitCode, message) => io.stdout.write(askErrorJson({ exitCode, message, secrets: keySecrets(env['OPENAI_API_KEY']) }))
    : undefined;
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    return reportConfigError(error, io, [], { usage: true, jsonFailure });
  }
  if (line.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (line.kind === 'version') {
    io.stdout.write(`kite-chat ${packageVersion()}\n`);
    return 0;
  }
  const setup = await loadSetup(line, env, io, jsonFailure);
  if (typeof setup === 'number') return setup;
  const { config, notices, dotenvNotices, fromDotenv } = setup;
  const ui = createTerminalUi(io, { color: config.color, secrets: keySecrets(config.apiKey) });
  for (const notice of notices) ui.warn(notice);
  const interrupt = new AbortController();
  const fail = (error: unknown) => reportFailure(error, { ui, config, jsonFailure }, interrupt.signal);
  if (config.command === 'trust') { // it says itself what the file sets and what the approval lets through
    const { runTrust } = await import('./commands/trust.js');
    return runTrust({ cwd: io.cwd, store: createStore(config.home, { uid: io.uid }), line, homeDir: io.homeDir, stdout: io.stdout }).catch(fail);
  }
  for (const notice of [...dotenvNotices, ...config.notices]) ui.warn(notice);
  for (const used of fromDotenv) ui.status(used);
  const removeInterrupt = config.command === 'chat' ? () => {} : io.onInterrupt(() => interrupt.abort());
  try {
    return await run(config, ui, io, interrupt.signal);
  } catch (error) {
    return fail(error);
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
  jsonFailure: JsonFailure,
): Promise<{ config: Config; notices: string[]; dotenvNotices: string[]; fromDotenv: string[] } | number> {
  const home = resolveHome(env, io.homeDir);
  const notices: string[] = [];
  let selection: ReturnType<typeof selectDotenvValues>;
  let dotenvNotices: string[];
  try {
    const tightened = await checkHome(home, { uid: io.uid });
    if (tightened !== undefined) notices.push(tightened);
    const loaded = await loadDotenvFiles(io.cwd, createStore(home, { uid: io.uid }));
    selection = selectDotenvValues(loaded.files);
    dotenvNotices = [...loaded.warnings, ...selection.warnings];
  } catch (error) {
    return reportConfigError(error, io, notices, { usage: false, jsonFailure });
  }
  try {
    const invocation = resolveRunInvocation(line, { env, dotenv: selection.values, homeDir: io.homeDir });
    if (invocation.kind === 'doctor-config-error') {
      const { runDoctorWithoutConfig } = await import('./commands/doctor/doctor.js');
      return runDoctorWithoutConfig(invocation.error, { stdout: io.stdout, json: invocation.json });
    }
    const { config } = invocation;
    return { config, notices, dotenvNotices, fromDotenv: describeDotenvUse(config.fromDotenv, selection.sources) };
  } catch (error) {
    return reportConfigError(error, io, [...notices, ...dotenvNotices], { usage: true, jsonFailure });
  }
}

/** Before the Ui exists: the lines so far, then the error's lines (no model or server has answered anything yet). */
async function reportConfigError(
  error: unknown,
  io: CliIo,
  notices: readonly string[],
  options: { usage: boolean; jsonFailure: JsonFailure },
): Promise<number> {
  if (!(error instanceof ConfigError)) throw error;
  const lines = await configErrorLines(error, io);
  for (const notice of notices) io.stderr.write(`kite-chat: ${sanitizeForTerminal(notice)}\n`);
  const usage = options.usage && error.showUsage ? `\n${USAGE}\n` : '';
  io.stderr.write(`kite-chat: ${sanitizeForTerminal(lines.join('\n'))}\n${usage}`);
  options.jsonFailure?.(error.exitCode, lines.join(' '));
  return error.exitCode;
}

/**
 * A configuration error's lines. Without a key or a base URL, the usual ports on 127.0.0.1 are asked for a model list
 * first (model/local-model-probe.ts): a server found there is named with the exact settings to use it.
 */
async function configErrorLines(error: ConfigError, io: CliIo): Promise<string[]> {
  if (!(error instanceof MissingApiKeyError) || !error.noBaseUrl) return [error.message];
  const { findLocalModelServer, localServerSuggestion } = await import('./model/local-model-probe.js');
  const found = await findLocalModelServer(io.localModelServers);
  return found === undefined ? [error.message] : localServerSuggestion(found);
}

async function run(config: Config, ui: Ui, io: CliIo, interrupt: AbortSignal): Promise<number> {
  const store = createStore(config.home, { uid: io.uid });
  if (config.command === 'doctor') {
    const { runDoctor } = await import('./commands/doctor/doctor.js'); // its own connections: no saved state is written, no login
    return await abortable(runDoctor(config, { stdout: io.stdout, ui, store, localModelServers: io.localModelServers }), interrupt);
  }
  if (config.command === 'trust') throw new Error('kite-chat trust runs without a connection'); // main() ran it
  const openLink = createOpener({ browser: config.browser, platform: io.platform });
  const { openSession } = await import('./session.js'); // the MCP SDK: the connection needs it first
  const loadingModel = config.command === 'ask' || config.command === 'chat' ? import('./model/openai-model.js') : undefined;
  loadingModel?.catch(() => {}); // awaited below; if the connection fails first, that is the error to report
  const session = await abortable(openSession({ config, store, ui, openLink, interrupt }), interrupt);
  try {
    return await runCommand(config.command, config, { session, store, ui, io, interrupt, loadingModel });
  } finally {
    await session.close().catch((error: unknown) => debug('closing the MCP session failed: %s', String(error)));
  }
}

interface CommandContext {
  session: Session;
  store: Store;
  ui: Ui;
  io: CliIo;
  interrupt: AbortSignal;
  loadingModel: Promise<ModelModule> | undefined;
}

/** --ask, the REPL, or one of login, logout and tools, on the open session. */
async function runCommand(command: 'ask' | 'chat' | 'login' | 'logout' | 'tools', config: Config, context: CommandContext): Promise<number> {
  const { session, ui, io, interrupt } = context;
  const modelModule = () => context.loadingModel ?? import('./model/openai-model.js');
  if (command === 'ask') {
    const [{ runAsk }, models] = await Promise.all([import('./commands/ask.js'), modelModule()]);
    const { complete, model } = createModel(config, models, ui);
    const writeJson = (text: string) => io.stdout.write(maskKey(config, text));
    return runAsk(config.question ?? '', { session, config, complete, model, ui, writeJson, interrupt });
  }
  if (command === 'chat') {
    const [{ runRepl }, models] = await Promise.all([import('./commands/repl.js'), modelModule()]);
    return runRepl({ session, config, store: context.store, ui, io, createModel: (model) => createModel({ ...config, model }, models, ui) });
  }
  const { runCommand: runSubcommand } = await import('./commands/subcommands.js');
  return runSubcommand(command, { session, config, ui, interrupt });
}

/** The model; createComplete already turns its failures into one line each (ModelApiError, exit 5). */
function createModel(config: Config, modelModule: ModelModule, ui: Ui): ChatModel {
  const client = modelModule.createOpenAIClient({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeoutMs: config.modelTimeoutSeconds * 1000,
  });
  const complete = modelModule.createComplete(client, {
    model: config.model,
    idleTimeoutMs: config.modelIdleTimeoutSeconds * 1000,
    maxOutputTokens: config.maxOutputTokens,
    onNotice: (line) => ui.status(line),
  });
  return { model: config.model, complete };
}

/** The configured key masked in text written outside the Ui (the --json object, NODE_DEBUG lines). */
function maskKey(config: Pick<Config, 'apiKey'>, text: string): string {
  return createSecretMask(keySecrets(config.apiKey))(text);
}

/** One line on stderr (a signed login link only there, never in --json), the JSON object when owed, the exit code. */
function reportFailure(
  error: unknown,
  { ui, config, jsonFailure }: { ui: Ui; config: Config; jsonFailure: JsonFailure },
  interrupt: AbortSignal,
): number {
  const failure = describeFailure(error, interrupt, config);
  ui.warn(failure.loginLink === undefined ? failure.line : `${failure.line} Log in at ${failure.loginLink} and run the command again.`);
  jsonFailure?.(failure.exitCode, failure.loginLink === undefined ? failure.message : `${failure.message} ${LOGIN_LINK_ON_STDERR}`);
  return failure.exitCode;
}

interface Failure {
  exitCode: number;
  /** What happened, on one line, for stderr after "kite-chat: " and for --json. */
  message: string;
  /** The line stderr shows. */
  line: string;
  /** A signed login link the user can still open: stderr only, never the JSON. */
  loginLink: string | undefined;
}

function describeFailure(error: unknown, interrupt: AbortSignal, config: Config): Failure {
  if (interrupt.aborted && !(error instanceof CliError && error.exitCode !== 130)) {
    const interrupted = new InterruptedError();
    return { exitCode: interrupted.exitCode, message: interrupted.message, line: interrupted.message, loginLink: undefined };
  }
  if (error instanceof CliError) {
    debug('%s', maskKey(config, error.stack ?? ''));
    const loginLink = error instanceof LoginRequiredError ? error.loginLink : undefined;
    return { exitCode: error.exitCode, message: error.message, line: `kite-chat: ${error.message}`, loginLink };
  }
  const said = `unexpected error: ${describeBug(error, (text) => maskKey(config, text))}`;
  return { exitCode: 1, message: said, line: `kite-chat: ${said}`, loginLink: undefined };
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
