/**
 * The one-word commands: `kite-chat login` (log in and keep the session), `kite-chat logout` (end the session on
 * the server, which revokes the Kite login, and delete the saved files) and `kite-chat tools` (the catalog with
 * read/write classes). Their result goes to stdout; progress and the login link to stderr.
 */
import { LoginRequiredError } from '../errors.js';
import { SESSION_FILE } from '../mcp/connection.js';
import { OAUTH_FILE } from '../mcp/oauth-store.js';
import type { Runtime } from '../session.js';
import { createToolExecutor } from '../tools/executor.js';
import { formatToolTable } from '../tools/tool-table.js';
import { createLoginScreen } from '../terminal/turn-view.js';
import type { Ui } from '../terminal/ui.js';

/** Files under KITE_CHAT_HOME that hold credentials; logout deletes them all. */
export const CREDENTIAL_FILES = [SESSION_FILE, OAUTH_FILE];

export interface CommandDeps {
  runtime: Runtime;
  ui: Ui;
  interrupt: AbortSignal;
}

export async function runCommand(command: 'login' | 'logout' | 'tools', deps: CommandDeps): Promise<number> {
  switch (command) {
    case 'tools':
      for (const line of formatToolTable(deps.runtime.tools, deps.runtime.classes, deps.runtime.localTools)) deps.ui.result(line);
      return 0;
    case 'login':
      return login(deps);
    case 'logout':
      return logout(deps);
  }
}

async function login({ runtime, ui, interrupt }: CommandDeps): Promise<number> {
  const { config } = runtime;
  if (config.url.pathname.endsWith('/sse')) {
    ui.warn('The /sse transport cannot keep a session between runs; use a /mcp URL to log in once a day.');
  }
  const executor = createToolExecutor({
    connection: runtime.connection,
    catalog: runtime.catalog,
    classes: runtime.classes,
    mode: 'ask',
    trading: false,
    confirmWrite: undefined,
    login: {
      openLink: runtime.openLink,
      screen: createLoginScreen(ui, { qr: config.qr }),
      waitForEnter: undefined,
      timeoutMs: config.loginTimeoutSeconds * 1000,
    },
    serverUrl: config.url,
    toolTimeoutMs: config.toolTimeoutSeconds * 1000,
    onFatal: () => {},
    onAudit: (entry) => runtime.audit({ mode: 'login', ...entry }),
  });
  const outcome = await executor.login(interrupt);
  if (outcome.status === 'logged-in' || outcome.status === 'already') {
    ui.result(`Logged in to Kite as ${ui.inline(outcome.userName)}.`); // the name is the server's text
    return 0;
  }
  if (outcome.status === 'not-completed') {
    throw new LoginRequiredError('Kite login not completed.', { loginLink: outcome.link });
  }
  if (outcome.status === 'session-lost') {
    throw new LoginRequiredError('The connection to the Kite MCP server was lost before the login finished; run the command again.');
  }
  // refused or no-link: the refusal (naming the link's real host) or the server's answer, and what to do, are on screen
  throw new LoginRequiredError('Kite login could not be started; see the lines above.');
}

async function logout({ runtime, ui }: CommandDeps): Promise<number> {
  const session = await runtime.connection.session();
  await session.terminate();
  await Promise.all(CREDENTIAL_FILES.map((name) => runtime.store.remove(name)));
  ui.result('Logged out: the Kite session was ended on the server and the saved session files were deleted.');
  return 0;
}
