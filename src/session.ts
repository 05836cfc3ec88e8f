/**
 * One run's session with the Kite MCP server, put together from a Config: the connection (opened while the system
 * prompt is read), the tool catalog with its read/write classes, the audit log, and the one way kite-chat builds a
 * tool executor (`executor(mode, options)`), shared by --ask, the REPL and the login/logout/tools commands. The model
 * is not part of it (cli.ts builds that); it prints nothing itself but for warnings through the Ui.
 */
import { readFile } from 'node:fs/promises';
import { createAuditLog, type AuditLog } from './audit.js';
import type { Config } from './config/resolve.js';
import type { LoginOutcome } from './login/outcome.js';
import type { OpenLink } from './login/opener.js';
import { openMcpConnection, type McpConnection } from './mcp/connection.js';
import { createOAuthProvider } from './mcp/oauth.js';
import type { ConnectOptions, McpSession } from './mcp/session.js';
import type { Store } from './store.js';
import { keySecrets } from './redact.js';
import { createToolCatalog, type ToolCatalog } from './tools/catalog.js';
import { checkToolDrift } from './tools/drift.js';
import { createToolExecutor, type ToolExecutor, type WriteGate } from './tools/executor.js';
import type { CliError } from './errors.js';
import { createLoginScreen } from './terminal/login-screen.js';
import type { Ui } from './terminal/ui.js';

const SYSTEM_PROMPT_URL = new URL('../prompts/system.md', import.meta.url);

/** Which command the executor serves: --ask and `kite-chat login` never write; the REPL may, with --trading. */
type ExecutorMode = 'ask' | 'repl' | 'login';

interface ExecutorOptions {
  /** The REPL's order gate (trading/write-gate.ts); used only with --trading, else every write is refused. */
  confirmWrite?: WriteGate;
  /** The REPL on a terminal: Enter ends the wait for a browser login. */
  waitForEnter?: (question: string, signal: AbortSignal) => Promise<void>;
  /** Told how every login ended (the REPL's prompt names the account). */
  onLogin?: (outcome: LoginOutcome) => void;
  /** Told about an error that must end the run (--ask: a login that did not complete, exit 3). */
  onFatal?: (error: CliError) => void;
}

export interface Session {
  /** The server's tools with their classes, kite-chat's local tools, what each mode offers the model. */
  readonly tools: ToolCatalog;
  readonly systemPrompt: string;
  /** The tool executor of one command; every call it runs is audited under the command's mode. */
  executor(mode: ExecutorMode, options?: ExecutorOptions): ToolExecutor;
  /** Ends the session on the server (which revokes the Kite login) and deletes the saved session files. */
  logout(): Promise<void>;
  close(): Promise<void>;
}

interface SessionDeps {
  config: Config;
  store: Store;
  ui: Ui;
  openLink: OpenLink;
  /** Ctrl-C: ends a wait for a browser authorization (OAuth servers), so the run can exit at once. */
  interrupt?: AbortSignal | undefined;
  /** The MCP connect step (tests and benchmarks wrap it); mcp/session.ts's connectMcp by default. */
  connect?: (options: ConnectOptions) => Promise<McpSession>;
}

export async function openSession(deps: SessionDeps): Promise<Session> {
  const { config, ui } = deps;
  const [connection, systemPrompt] = await Promise.all([connectToServer(deps), readFile(SYSTEM_PROMPT_URL, 'utf8')]);
  const tools = createToolCatalog(await connection.tools());
  await warnAboutDrift(deps, tools);
  const audit = createAuditLog({ store: deps.store, secrets: keySecrets(config.apiKey), warn: (line) => ui.warn(line) });
  return {
    tools,
    systemPrompt,
    executor: (mode, options = {}) => buildExecutor({ deps, connection, tools, audit }, mode, options),
    logout: () => connection.logout(),
    close: async () => {
      await Promise.all([connection.close(), audit.close()]);
    },
  };
}

function connectToServer(deps: SessionDeps): Promise<McpConnection> {
  const { config, store, ui } = deps;
  // Idle until a server answers 401: Kite's v0.3 server never does; its OAuth successor always does (SERVER.md §6).
  const authProvider = createOAuthProvider({
    serverUrl: config.url,
    store,
    screen: ui,
    openLink: config.openBrowser ? deps.openLink : undefined,
    timeoutMs: config.loginTimeoutSeconds * 1000,
    signal: deps.interrupt,
  });
  const connect = deps.connect === undefined ? {} : { connect: deps.connect };
  return openMcpConnection({ url: config.url, store, notice: (line) => ui.warn(line), authProvider, ...connect });
}

/** PEERS.md R16: what changed in the server's tool list since the last run, said before anything is asked. */
async function warnAboutDrift(deps: SessionDeps, tools: ToolCatalog): Promise<void> {
  const { config, store, ui } = deps;
  const lines = await checkToolDrift({ store, serverUrl: config.url, tools: tools.tools, classes: tools.classes }).catch(() => [
    `Could not record the server's tool list under ${config.home}; changes to it will not be pointed out.`,
  ]);
  for (const line of lines) ui.warn(line);
}

interface SessionParts {
  deps: SessionDeps;
  connection: McpConnection;
  tools: ToolCatalog;
  audit: AuditLog;
}

/** The one place the executor's settings are gathered from the Config, the Ui and the command's own needs. */
function buildExecutor({ deps, connection, tools, audit }: SessionParts, mode: ExecutorMode, options: ExecutorOptions): ToolExecutor {
  const { config, ui } = deps;
  return createToolExecutor({
    connection,
    catalog: tools,
    mode: mode === 'repl' ? 'repl' : 'ask',
    confirmWrite: mode === 'repl' && config.trading ? options.confirmWrite : undefined,
    login: {
      openLink: config.openBrowser ? deps.openLink : undefined,
      // A script's stderr is no place for a QR code.
      screen: createLoginScreen(ui, { qr: mode !== 'ask' && config.qr }),
      waitForEnter: options.waitForEnter,
      timeoutMs: config.loginTimeoutSeconds * 1000,
    },
    serverUrl: config.url,
    toolTimeoutMs: config.toolTimeoutSeconds * 1000,
    onFatal: options.onFatal ?? (() => {}),
    onLogin: options.onLogin,
    onAudit: (entry) => audit.write(mode, entry),
  });
}
