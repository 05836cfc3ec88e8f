/**
 * Command line, environment and `.env` → one fully defaulted Config (CONTRACT.md "Options").
 * Precedence: flags beat environment beat `.env` beat defaults. Defaults are applied here, never in parseArgs, so
 * "not given" stays distinguishable. Pure: the caller passes argv, env, the `.env` values it may use (config/dotenv-policy.ts
 * decides which) and the home directory; KITE_CHAT_HOME, BROWSER and the folders come from the environment alone.
 */
import { questionTooLong } from '../agent/history-budget.js';
import { ConfigError } from '../errors.js';
import { parseCommandLine, type CommandLine, type Flags } from './command-line.js';
import { NEVER_FROM_DOTENV } from './dotenv-policy.js';
import {
  checkHttpUrl, DEFAULT_MAX_ORDER_VALUE_RUPEES, definedOnly, isLocalBaseUrl, nonEmpty, parseCount, parseRupees, parseSetting, resolveMcpUrl,
} from './values.js';

/** The hosted Kite MCP server; the user's design card asks for the legacy SSE endpoint by default. */
export const DEFAULT_MCP_URL = 'https://mcp.kite.trade/sse';
/** A current small OpenAI chat model with tool calling; the README names it. */
export const DEFAULT_MODEL = 'gpt-5-mini';
/** Five minutes is long enough to find a phone and log in, short enough that a forgotten script does not hang. */
export const DEFAULT_LOGIN_TIMEOUT_SECONDS = 300;
/** Enough rounds for login → data → follow-up questions; a model that keeps calling tools is a bug (PEERS.md R13). */
export const DEFAULT_MAX_ROUNDS = 8;
/** Kite's own HTTP client gives up after 7 s per call and the server's after 30 s; a minute covers a slow day. */
const DEFAULT_TOOL_TIMEOUT_SECONDS = 60;
/** Every round is a paid model request; a question that needs more than this is a model stuck in a loop. */
const MAX_ROUNDS_LIMIT = 100;
/** A day: a wait longer than that is no timeout (and Node's timers overflow past 24.8 days, firing at once). */
const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * The output limit sent with every model request (0 = none). OpenAI's reasoning models count their reasoning in it:
 * a portfolio answer (a 150-row table is ~4,000 tokens) plus the reasoning of a narrow question fits twice over. A
 * small local model that keeps on repeating itself stops after minutes instead of running until its context is full,
 * and a cut-off is always said, with this flag, so a tight default costs one rerun, never a silent half answer.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/** Far above any model's output window; a larger number is a typo. */
const MAX_OUTPUT_TOKENS_LIMIT = 1_000_000;
/**
 * Time allowed until a model reply starts: a local model may spend a minute loading; more than two is a hang on a
 * fast machine (a 1–3B model on two CPU cores can need longer to read a long prompt: --model-timeout).
 */
export const DEFAULT_MODEL_TIMEOUT_SECONDS = 120;
/** Silence allowed in the middle of a streamed reply before it counts as stalled (a dropped proxy, a wedged server). */
export const DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS = 120;

type Command = 'chat' | 'ask' | 'login' | 'logout' | 'tools' | 'doctor' | 'trust';

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
  /** --continue: the REPL takes up the conversation kept in KITE_CHAT_HOME (conversation/keeper.ts). */
  continueConversation: boolean;
  /** Notices about the configuration that are worth a line on stderr (e.g. a flag that has no effect). */
  notices: string[];
  /** The settings whose value came from a `.env` (names only), to be named on stderr (CONTRACT.md ".env files"). */
  fromDotenv: string[];
}

type RunInvocation =
  | { kind: 'run'; config: Config }
  /** `kite-chat doctor` with a configuration that does not resolve: the doctor reports it as its `config` check. */
  | { kind: 'doctor-config-error'; error: ConfigError; json: boolean };
type Invocation = { kind: 'help' } | { kind: 'version' } | RunInvocation;
const MISSING_API_KEY_MESSAGE =
  'OPENAI_API_KEY is not set: export it (or put it in .env), or set OPENAI_BASE_URL to a local server that needs no key.';

/**
 * No key for a model endpoint that needs one. With no OPENAI_BASE_URL either (`noBaseUrl`), a model server on this
 * machine may be what the user meant: cli.ts and commands/doctor/doctor.ts look for one (model/local-model-probe.ts) before giving up.
 */
export class MissingApiKeyError extends ConfigError {
  readonly noBaseUrl: boolean;
  constructor(noBaseUrl: boolean) {
    super(MISSING_API_KEY_MESSAGE, { showUsage: false });
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
  kite-chat trust                    approve the .env in this folder (its OPENAI_BASE_URL, KITE_MCP_URL and
                                     KITE_CHAT_MAX_ORDER_VALUE are ignored until you do)

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
  --continue                 chat on from the last chat's questions and answers (kept in KITE_CHAT_HOME)
  --version, --help

Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible endpoint), OPENAI_MODEL, KITE_MCP_URL,
BROWSER (a program to open links with, run without a shell), KITE_CHAT_MAX_ORDER_VALUE (rupees, default
${DEFAULT_MAX_ORDER_VALUE_RUPEES}), KITE_CHAT_HOME (saved sessions, tokens, history and audit.log; default
$XDG_CONFIG_HOME/kite-chat or ~/.config/kite-chat), NO_COLOR. A .env in KITE_CHAT_HOME and one in the current
folder are read too (BROWSER and KITE_CHAT_HOME never from a .env); see the README.
Something wrong? Run kite-chat doctor first.

Exit codes: 0 answered, 1 internal error, 2 usage or configuration, 3 login not completed, 4 MCP server
unreachable, 5 model API failed, 130 interrupted.`;

type Environment = Readonly<Record<string, string | undefined>>;

const SUBCOMMANDS: readonly Command[] = ['login', 'logout', 'tools', 'doctor', 'trust'];
/** The settings resolveConfig reads from the environment or a `.env`, and the flag that beats each, if any. */
const DOTENV_SETTINGS: Readonly<Record<string, keyof Flags | undefined>> = {
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_MODEL: 'model',
  KITE_MCP_URL: 'url',
  KITE_CHAT_MAX_ORDER_VALUE: undefined,
  NO_COLOR: 'no-color',
  KITE_CHAT_MAX_OUTPUT_TOKENS: 'max-output-tokens',
  KITE_CHAT_MODEL_TIMEOUT: 'model-timeout',
  KITE_CHAT_MODEL_IDLE_TIMEOUT: 'model-idle-timeout',
};

/** The whole command line, environment and `.env` resolved; throws ConfigError (exit 2) on anything wrong. */
export function resolveInvocation(input: {
  argv: readonly string[];
  env: Environment;
  dotenv?: Environment;
  homeDir: string;
}): Invocation {
  const line = parseCommandLine(input.argv);
  if (line.kind !== 'run') return line;
  return resolveRunInvocation(line, input);
}

/** A run's Config, or for `doctor` the configuration error it reports as its `config` check instead of failing. */
export function resolveRunInvocation(
  line: Extract<CommandLine, { kind: 'run' }>,
  input: { env: Environment; dotenv?: Environment; homeDir: string },
): RunInvocation {
  try {
    return { kind: 'run', config: resolveRun(line, input) };
  } catch (error) {
    if (line.positionals[0] !== 'doctor' || !(error instanceof ConfigError)) throw error;
    return { kind: 'doctor-config-error', error, json: line.flags.json === true };
  }
}

/** A run's Config from its command line, the environment and the `.env` values the caller may use. */
export function resolveRun(
  line: Extract<CommandLine, { kind: 'run' }>,
  input: { env: Environment; dotenv?: Environment; homeDir: string },
): Config {
  const fromEnvironment = definedOnly(input.env);
  // BROWSER and KITE_CHAT_HOME (and the folders it defaults from) never come from a .env, whoever passes one.
  const dotenv = Object.fromEntries(
    Object.entries(input.dotenv ?? {}).filter(([name, value]) => !NEVER_FROM_DOTENV.includes(name) && nonEmpty(value) !== undefined),
  );
  const fromDotenv = Object.keys(DOTENV_SETTINGS).filter((name) => {
    const flag = DOTENV_SETTINGS[name];
    return dotenv[name] !== undefined && fromEnvironment[name] === undefined && (flag === undefined || line.flags[flag] === undefined);
  });
  const config = resolveConfig(line.flags, line.positionals, { ...dotenv, ...fromEnvironment }, input.env, input.homeDir);
  return { ...config, fromDotenv };
}

function resolveConfig(
  flags: Flags,
  positionals: string[],
  env: Environment,
  processEnv: Environment,
  homeDir: string,
): Omit<Config, 'fromDotenv'> {
  const notices: string[] = [];
  const command = resolveCommand(flags, positionals);
  if (flags.json === true && command !== 'ask' && command !== 'doctor') {
    throw new ConfigError('--json works only with --ask "QUESTION" or doctor.');
  }
  if (flags.continue === true && command !== 'chat') {
    throw new ConfigError('--continue takes up the last chat in the interactive chat; it cannot be combined with --ask or a command.');
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
    browser: nonEmpty(processEnv['BROWSER']),
    loginTimeoutSeconds: parseCount(flags['login-timeout'], '--login-timeout', DEFAULT_LOGIN_TIMEOUT_SECONDS, 0, MAX_TIMEOUT_SECONDS),
    trading: flags.trading === true && command === 'chat',
    maxRounds: parseCount(flags['max-rounds'], '--max-rounds', DEFAULT_MAX_ROUNDS, 1, MAX_ROUNDS_LIMIT),
    maxOrderValueRupees: parseRupees(nonEmpty(env['KITE_CHAT_MAX_ORDER_VALUE'])),
    color: flags['no-color'] !== true && nonEmpty(env['NO_COLOR']) === undefined,
    qr: flags['no-qr'] !== true,
    home: resolveHome(processEnv, homeDir),
    toolTimeoutSeconds: parseCount(flags['tool-timeout'], '--tool-timeout', DEFAULT_TOOL_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS),
    maxOutputTokens: parseSetting(flags, env, 'max-output-tokens', 'KITE_CHAT_MAX_OUTPUT_TOKENS', DEFAULT_MAX_OUTPUT_TOKENS, 0, MAX_OUTPUT_TOKENS_LIMIT),
    modelTimeoutSeconds: parseSetting(flags, env, 'model-timeout', 'KITE_CHAT_MODEL_TIMEOUT', DEFAULT_MODEL_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS),
    modelIdleTimeoutSeconds: parseSetting(flags, env, 'model-idle-timeout', 'KITE_CHAT_MODEL_IDLE_TIMEOUT', DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS),
    continueConversation: flags.continue === true,
    notices,
  };
}

function resolveCommand(flags: Flags, positionals: string[]): Command {
  if (positionals.length > 1) throw new ConfigError(`Unexpected argument '${positionals[1]}'.`);
  const [word] = positionals;
  if (word !== undefined) {
    const command = SUBCOMMANDS.find((candidate) => candidate === word);
    if (command === undefined) {
      throw new ConfigError(`Unknown command '${word}': use login, logout, tools, doctor, trust, or --ask "QUESTION".`);
    }
    if (flags.ask !== undefined) throw new ConfigError(`--ask cannot be combined with '${word}'.`);
    return command;
  }
  if (flags.ask === undefined) return 'chat';
  if (flags.ask.trim() === '') throw new ConfigError('--ask needs a question, e.g. --ask "What is my portfolio worth?".');
  // Said before any connection: a question too long to send is the same mistake whether or not the server is up.
  const tooLong = questionTooLong(flags.ask);
  if (tooLong !== undefined) throw new ConfigError(tooLong, { showUsage: false });
  return 'ask';
}

/** KITE_CHAT_HOME, else $XDG_CONFIG_HOME/kite-chat, else ~/.config/kite-chat: from the environment, never a `.env`. */
export function resolveHome(env: Environment, homeDir: string): string {
  const explicit = nonEmpty(env['KITE_CHAT_HOME']);
  if (explicit !== undefined) return explicit;
  const configRoot = nonEmpty(env['XDG_CONFIG_HOME']) ?? `${nonEmpty(env['HOME']) ?? homeDir}/.config`;
  return `${configRoot}/kite-chat`;
}

