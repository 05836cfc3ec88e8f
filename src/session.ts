/**
 * Puts the pieces of one run together from a Config: the MCP connection (opened while the model client and the
 * system prompt are prepared), the tool catalog with its read/write classes, the model, the audit log and the tool
 * executor. Shared by --ask, the REPL and the login/logout/tools commands; it prints nothing itself.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from './config/resolve.js';
import { ConfigError } from './errors.js';
import type { Complete } from './agent/model.js';
import { openMcpConnection, type McpConnection } from './mcp/connection.js';
import { createOAuthProvider } from './mcp/oauth.js';
import type { OpenLink } from './login/opener.js';
import { LOCAL_TOOLS, type LocalTool } from './portfolio/tools.js';
import { createRedactor } from './redact.js';
import { createStore, type Store } from './store.js';
import { checkToolDrift } from './tools/drift.js';
import { classifyTool, detectCatalog, offeredTools, type Catalog, type ToolClass } from './tools/policy.js';
import { toOpenAITools, type ToolEntry } from './tools/schema.js';
import type { Tool } from './tools/tool.js';
import type { Ui } from './terminal/ui.js';

export const AUDIT_LOG_FILE = 'audit.log';
const SYSTEM_PROMPT_URL = new URL('../prompts/system.md', import.meta.url);

export interface Runtime {
  readonly config: Config;
  readonly connection: McpConnection;
  readonly store: Store;
  readonly catalog: Catalog;
  readonly tools: readonly Tool[];
  /** kite-chat's own read-only tools offered beside the server's (portfolio figures; Kite's catalog only). */
  readonly localTools: readonly LocalTool[];
  readonly classes: ReadonlyMap<string, ToolClass>;
  readonly systemPrompt: string;
  /** The tools offered to the model in this mode (write tools only with --trading in the REPL). */
  offered(mode: 'ask' | 'repl'): ToolEntry[];
  readonly redact: (text: string) => string;
  audit(entry: Record<string, unknown>): void;
  openLink: OpenLink | undefined;
  close(): Promise<void>;
}

export interface RuntimeDeps {
  config: Config;
  ui: Ui;
  openLink: OpenLink;
  /** Connects the model lazily (commands like `tools` need none). */
  createComplete?: () => Complete;
  /** Ctrl-C: ends a wait for a browser authorization (OAuth servers), so the run can exit at once. */
  interrupt?: AbortSignal;
}

export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, ui } = deps;
  const store = createStore(config.home);
  // Idle until a server answers 401: Kite's v0.3 server never does; its OAuth successor always does (SERVER.md §6).
  const authProvider = createOAuthProvider({
    serverUrl: config.url,
    store,
    screen: ui,
    openLink: config.openBrowser ? deps.openLink : undefined,
    timeoutMs: config.loginTimeoutSeconds * 1000,
    signal: deps.interrupt,
  });
  const connecting = openMcpConnection({ url: config.url, store, notice: (line) => ui.warn(line), authProvider });
  const [connection, systemPrompt] = await Promise.all([connecting, readFile(SYSTEM_PROMPT_URL, 'utf8')]);
  const tools = await connection.tools();
  const catalog = detectCatalog(tools.map((tool) => tool.name));
  const classes = new Map(tools.map((tool) => [tool.name, classifyTool(tool, catalog)] as const));
  // The local tools read Kite's v0.3 tools by name; a server that already has a tool of the same name wins.
  const localTools = catalog === 'kite' ? LOCAL_TOOLS.filter((local) => !classes.has(local.name)) : [];
  const drift = await checkToolDrift({ store, serverUrl: config.url, tools, classes }).catch(() => [
    `Could not record the server's tool list under ${config.home}; changes to it will not be pointed out.`,
  ]);
  for (const line of drift) ui.warn(line);
  const redact = createRedactor({ values: config.apiKey === undefined ? [] : [config.apiKey] });
  let auditFailed = false;

  return {
    config,
    connection,
    store,
    catalog,
    tools,
    localTools,
    classes,
    systemPrompt,
    offered(mode) {
      const local = localTools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema, annotations: { readOnlyHint: true } }));
      const offeredNames = new Set(offeredTools(tools, { trading: config.trading, mode }).map((tool) => tool.name));
      return toOpenAITools([...tools, ...local]).map((entry) =>
        offeredNames.has(entry.serverName) || localTools.some((tool) => tool.name === entry.serverName) ? entry : { ...entry, hidden: true },
      );
    },
    redact,
    audit(entry) {
      const line = redact(JSON.stringify({ time: new Date().toISOString(), ...entry }));
      store.appendLine(AUDIT_LOG_FILE, line).catch((error: unknown) => {
        if (auditFailed) return; // once a run is enough
        auditFailed = true;
        // A damaged audit.log (a planted link, a folder) is a ConfigError whose line names it and says what to do.
        ui.warn(error instanceof ConfigError ? `Could not write the audit log: ${error.message}` : `Could not write the audit log under ${config.home}.`);
      });
    },
    openLink: config.openBrowser ? deps.openLink : undefined,
    close: () => connection.close(),
  };
}
