/**
 * Command line, environment and `.env` → one fully defaulted Config (CONTRACT.md "Options").
 * Precedence: flags beat environment beat `.env` beat defaults. Defaults are applied here, never in parseArgs, so
 * "not given" stays distinguishable. Pure: the caller passes argv, env, the parsed `.env` and the home directory.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_ORDER_VALUE_RUPEES } from './order-preview.js';

/** The hosted Kite MCP server; the user's design card asks for the legacy SSE endpoint by default. */
export const DEFAULT_MCP_URL = 'https://mcp.kite.trade/sse';
/** A current small OpenAI chat model with tool calling; the README names it. */
export const DEFAULT_MODEL = 'gpt-5-mini';
/** Five minutes is long enough to find a phone and log in, short enough that a forgotten script does not hang. */
export const DEFAULT_LOGIN_TIMEOUT_SECONDS = 300;
/** Enough rounds for login → data → follow-up questions; a model that keeps calling tools is a bug (PEERS.md R13). */
export const DEFAULT_MAX_ROUNDS = 8;
/** Kite's own HTTP client gives up after 7 s per call and the server's after 30 s; a minute covers a slow day. */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 60;
/**
 * The output limit sent with every model request (0 = none). OpenAI's reasoning models count their reasoning in it:
 * a portfolio answer (a 150-row table is ~4,000 tokens) plus the reasoning of a narrow question fits twice over. A
 * small local model that keeps on repeating itself stops after minutes instead of running until its context is full,
 * and a cut-off is always said, with this flag, so a tight default costs one rerun, never a silent half answer.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/**
 * Time allowed until a model reply starts: a local model may spend a minute loading; more than two is a hang on a
 * fast machine (a 1–3B model on two CPU cores can need longer to read a long prompt: --model-timeout).
 */
export const DEFAULT_MODEL_TIMEOUT_SECONDS = 120;
/** Silence allowed in the middle of a streamed reply before it counts as stalled (a dropped proxy, a wedged server). */
export const DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS = 120;

export type Command = 'chat' | 'ask' | 'login' | 'logout' | 'tools' | 'doctor';

export interface Config {
  command: Command;
  question: string | undefined;
  url: URL;
  model: string;
  apiKey: string | undefined;
  baseURL: string | undefined;
  json: boolean;
  openBrowser: boolean;
  browser: string | undefined;
  loginTimeoutSeconds: number;
  trading: boolean;
  maxRounds: number;
  maxOrderValueRupees: number;
  /** false when --no-color or NO_COLOR; the terminal seam still turns colour off when the stream is not a TTY. */
  color: boolean;
  qr: boolean;
  home: string;
  toolTimeoutSeconds: number;
  /** The output limit of each model request; 0 = send none. */
  maxOutputTokens: number;
  modelTimeoutSeconds: number;
  modelIdleTimeoutSeconds: number;
  /** Notices about the configuration that are worth a line on stderr (e.g. a flag that has no effect). */
  notices: string[];
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; config: Config }
  /** `kite-chat doctor` with a configuration that does not resolve: the doctor reports it as its `config` check. */
  | { kind: 'doctor-config-error'; error: ConfigError; json: boolean };

const MISSING_API_KEY_MESSAGE =
  'OPENAI_API_KEY is not set: export it (or put it in .env), or set OPENAI_BASE_URL to a local server that needs no key.';

/**
 * No key for a model endpoint that needs one. With no OPENAI_BASE_URL either (`noBaseUrl`), a model server on this
 * machine may be what the user meant: cli.ts and doctor.ts look for one (local-model-probe.ts) before giving up.
 */
export class MissingApiKeyError extends ConfigError {
  readonly noBaseUrl: boolean;
  constructor(noBaseUrl: boolean) {
    super(MISSING_API_KEY_MESSAGE);
    this.noBaseUrl = noBaseUrl;
  }
}

/** The reason a model cannot be asked with this configuration, or undefined when it can. */
export function missingApiKey(config: Pick<Config, 'apiKey' | 'baseURL'>): MissingApiKeyError | undefined {
  return config.apiKey === undefined && !isLocalBaseUrl(config.baseURL) ? new MissingApiKeyError(config.baseURL === undefined) : undefined;
}

export const USAGE = `Usage:
  kite-chat                          interactive chat with your Kite account
  kite-chat --ask "QUESTION"         answer one question: the answer on stdout, the rest on stderr
  kite-chat login                    log in and keep the session (Streamable HTTP or OAuth servers)
  kite-chat logout                   forget the saved session and end it on the server
  kite-chat tools                    list the server's tools with their read/write class
  kite-chat doctor                   check the set-up end to end and say what is wrong and what to do

Options:
  --url URL                  MCP server (env KITE_MCP_URL; default ${DEFAULT_MCP_URL});
                             a path ending in /sse uses legacy SSE, any other path Streamable HTTP
  --model NAME               chat model (env OPENAI_MODEL; default ${DEFAULT_MODEL})
  --json                     with --ask or doctor: print one JSON object instead of prose
  --no-browser               never open a browser; print the login link only
  --login-timeout SECONDS    how long to wait for the browser login (default ${DEFAULT_LOGIN_TIMEOUT_SECONDS}; 0 = do not wait)
  --trading                  REPL only: offer order tools to the model; every order needs your typed confirmation
  --max-rounds N             model rounds per question before the agent stops (default ${DEFAULT_MAX_ROUNDS})
  --tool-timeout SECONDS     how long one tool call may take (default ${DEFAULT_TOOL_TIMEOUT_SECONDS})
  --max-output-tokens N      output limit of each model request (env KITE_CHAT_MAX_OUTPUT_TOKENS;
                             default ${DEFAULT_MAX_OUTPUT_TOKENS}; 0 = send none)
  --model-timeout SECONDS    how long to wait for a model reply to start (env KITE_CHAT_MODEL_TIMEOUT;
                             default ${DEFAULT_MODEL_TIMEOUT_SECONDS})
  --model-idle-timeout SECONDS  how long a streaming reply may stay silent (env KITE_CHAT_MODEL_IDLE_TIMEOUT;
                             default ${DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS})
  --no-color                 plain output (also NO_COLOR)
  --no-qr                    do not draw the login link as a QR code
  --version, --help

Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible endpoint), OPENAI_MODEL, KITE_MCP_URL,
BROWSER (a program to open links with, run without a shell), KITE_CHAT_MAX_ORDER_VALUE (rupees, default
${DEFAULT_MAX_ORDER_VALUE_RUPEES}), KITE_CHAT_HOME (saved sessions, tokens, history and audit.log; default
$XDG_CONFIG_HOME/kite-chat or ~/.config/kite-chat), NO_COLOR. A .env file in the current folder is read too.
Something wrong? Run kite-chat doctor first.

Exit codes: 0 answered, 1 internal error, 2 usage or configuration, 3 login not completed, 4 MCP server
unreachable, 5 model API failed, 130 interrupted.`;

const OPTIONS = {
  ask: { type: 'string' },
  url: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean' },
  'no-browser': { type: 'boolean' },
  'login-timeout': { type: 'string' },
  trading: { type: 'boolean' },
  'max-rounds': { type: 'string' },
  'tool-timeout': { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'model-timeout': { type: 'string' },
  'model-idle-timeout': { type: 'string' },
  'no-color': { type: 'boolean' },
  'no-qr': { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>['values'];
type Environment = Readonly<Record<string, string | undefined>>;

const SUBCOMMANDS: readonly Command[] = ['login', 'logout', 'tools', 'doctor'];

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs' messages are already one line and name the flag ("Unknown option '--foo'").
    const message = error instanceof Error ? error.message : String(error);
    const oneLine = message.split('\n').filter((line) => !line.startsWith('To specify')).join(' ');
    throw new ConfigError(oneLine.replace(/\. To specify a positional argument.*$/, '.'));
  }
}

/** The whole command line, environment and `.env` resolved; throws ConfigError (exit 2) on anything wrong. */
export function resolveInvocation(input: {
  argv: readonly string[];
  env: Environment;
  dotenv?: Environment;
  homeDir: string;
}): Invocation {
  const { values: flags, positionals } = parseFlags(input.argv);
  if (flags.help === true) return { kind: 'help' };
  if (flags.version === true) return { kind: 'version' };
  const env = { ...input.dotenv, ...definedOnly(input.env) };
  const command = resolveCommand(flags, positionals);
  try {
    return { kind: 'run', config: resolveConfig(flags, command, env, input.homeDir) };
  } catch (error) {
    if (command !== 'doctor' || !(error instanceof ConfigError)) throw error;
    return { kind: 'doctor-config-error', error, json: flags.json === true };
  }
}

/** Whether a command line asks for `--ask … --json`, read leniently: a failed run still owes such a script its JSON. */
export function wantsJsonAnswer(argv: readonly string[]): boolean {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true });
    return values.json === true && typeof values.ask === 'string';
  } catch {
    return false;
  }
}

function resolveConfig(flags: Flags, command: Command, env: Environment, homeDir: string): Config {
  const notices: string[] = [];
  if (flags.json === true && command !== 'ask' && command !== 'doctor') {
    throw new ConfigError('--json works only with --ask "QUESTION" or doctor.');
  }
  if (flags.trading === true && command === 'ask') {
    notices.push('--trading has no effect with --ask: a one-shot question never places, modifies or cancels orders.');
  }
  const baseURL = nonEmpty(env['OPENAI_BASE_URL']);
  if (baseURL !== undefined) checkHttpUrl(baseURL, 'OPENAI_BASE_URL');
  const apiKey = nonEmpty(env['OPENAI_API_KEY']);
  const needsModel = command === 'chat' || command === 'ask';
  const keyProblem = needsModel ? missingApiKey({ apiKey, baseURL }) : undefined;
  if (keyProblem !== undefined) throw keyProblem;
  return {
    command,
    question: command === 'ask' ? flags.ask : undefined,
    url: resolveMcpUrl(flags.url ?? nonEmpty(env['KITE_MCP_URL']) ?? DEFAULT_MCP_URL),
    model: flags.model ?? nonEmpty(env['OPENAI_MODEL']) ?? DEFAULT_MODEL,
    apiKey,
    baseURL,
    json: flags.json === true,
    openBrowser: flags['no-browser'] !== true,
    browser: nonEmpty(env['BROWSER']),
    loginTimeoutSeconds: parseCount(flags['login-timeout'], '--login-timeout', DEFAULT_LOGIN_TIMEOUT_SECONDS, 0),
    trading: flags.trading === true && command === 'chat',
    maxRounds: parseCount(flags['max-rounds'], '--max-rounds', DEFAULT_MAX_ROUNDS, 1),
    maxOrderValueRupees: parseRupees(nonEmpty(env['KITE_CHAT_MAX_ORDER_VALUE'])),
    color: flags['no-color'] !== true && nonEmpty(env['NO_COLOR']) === undefined,
    qr: flags['no-qr'] !== true,
    home: resolveHome(env, homeDir),
    toolTimeoutSeconds: parseCount(flags['tool-timeout'], '--tool-timeout', DEFAULT_TOOL_TIMEOUT_SECONDS, 1),
    maxOutputTokens: parseSetting(flags, env, 'max-output-tokens', 'KITE_CHAT_MAX_OUTPUT_TOKENS', DEFAULT_MAX_OUTPUT_TOKENS, 0),
    modelTimeoutSeconds: parseSetting(flags, env, 'model-timeout', 'KITE_CHAT_MODEL_TIMEOUT', DEFAULT_MODEL_TIMEOUT_SECONDS, 1),
    modelIdleTimeoutSeconds: parseSetting(flags, env, 'model-idle-timeout', 'KITE_CHAT_MODEL_IDLE_TIMEOUT', DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS, 1),
    notices,
  };
}

/** A number that has both a flag and an environment variable: the flag wins, and errors name what was wrong. */
function parseSetting(flags: Flags, env: Environment, flag: keyof Flags & string, variable: string, fallback: number, minimum: number): number {
  const fromFlag = flags[flag];
  if (typeof fromFlag === 'string') return parseCount(fromFlag, `--${flag}`, fallback, minimum);
  return parseCount(nonEmpty(env[variable]), variable, fallback, minimum);
}

function resolveCommand(flags: Flags, positionals: string[]): Command {
  if (positionals.length > 1) throw new ConfigError(`Unexpected argument '${positionals[1]}'.`);
  const [word] = positionals;
  if (word !== undefined) {
    const command = SUBCOMMANDS.find((candidate) => candidate === word);
    if (command === undefined) {
      throw new ConfigError(`Unknown command '${word}': use login, logout, tools, doctor, or --ask "QUESTION".`);
    }
    if (flags.ask !== undefined) throw new ConfigError(`--ask cannot be combined with '${word}'.`);
    return command;
  }
  if (flags.ask === undefined) return 'chat';
  if (flags.ask.trim() === '') throw new ConfigError('--ask needs a question, e.g. --ask "What is my portfolio worth?".');
  return 'ask';
}

function resolveMcpUrl(text: string): URL {
  const url = checkHttpUrl(text, 'the MCP server URL (--url / KITE_MCP_URL)');
  // PEERS.md R15: remote servers only over https; plain http only on this machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`The MCP server URL must use https unless it is on this machine: ${url.origin}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('The MCP server URL must not contain a user name or password.');
  }
  return url;
}

function checkHttpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`Bad URL for ${what}: '${text}' (expected e.g. https://mcp.kite.trade/mcp).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`Bad URL for ${what}: only http and https are supported, got '${url.protocol}'.`);
  }
  return url;
}

function parseCount(text: string | undefined, flag: string, fallback: number, minimum: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${flag} needs a whole number, got '${text}'.`);
  const value = Number(text.trim());
  if (value < minimum || !Number.isSafeInteger(value)) {
    throw new ConfigError(`${flag} must be at least ${minimum}, got '${text}'.`);
  }
  return value;
}

function parseRupees(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_ORDER_VALUE_RUPEES;
  const value = Number(text.replaceAll(',', '').replace(/^₹/, ''));
  if (!Number.isFinite(value) || value <= 0 || text.trim() === '') {
    throw new ConfigError(`KITE_CHAT_MAX_ORDER_VALUE needs a positive number of rupees, got '${text}'.`);
  }
  return value;
}

function resolveHome(env: Environment, homeDir: string): string {
  const explicit = nonEmpty(env['KITE_CHAT_HOME']);
  if (explicit !== undefined) return explicit;
  const configRoot = nonEmpty(env['XDG_CONFIG_HOME']) ?? `${nonEmpty(env['HOME']) ?? homeDir}/.config`;
  return `${configRoot}/kite-chat`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function isLocalBaseUrl(baseURL: string | undefined): boolean {
  return baseURL !== undefined && isLoopbackHost(new URL(baseURL).hostname);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function definedOnly(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => nonEmpty(value) !== undefined));
}
