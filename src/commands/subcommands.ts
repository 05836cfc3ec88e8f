/**
 * The one-word commands: `kite-chat login` (log in and keep the session), `kite-chat logout` (end the session on
 * the server, which revokes the Kite login, and delete the saved files) and `kite-chat tools` (the catalog with
 * read/write classes). Their result goes to stdout; progress and the login link to stderr.
 */
import type { Config } from '../config/resolve.js';
import { LoginRequiredError } from '../errors.js';
import { LOGIN_NOT_STARTED } from '../login/messages.js';
import { transportKindOf } from '../mcp/session.js';
import type { Session } from '../session.js';
import type { Ui } from '../terminal/ui.js';

interface CommandDeps {
  session: Session;
  config: Config;
  ui: Ui;
  interrupt: AbortSignal;
}

export async function runCommand(command: 'login' | 'logout' | 'tools', deps: CommandDeps): Promise<number> {
  switch (command) {
    case 'tools':
      for (const line of deps.session.tools.table()) deps.ui.result(line);
      return 0;
    case 'login':
      return login(deps);
    case 'logout':
      return logout(deps);
  }
}

async function login({ session, config, ui, interrupt }: CommandDeps): Promise<number> {
  if (transportKindOf(config.url) === 'sse') {
    ui.warn('The /sse transport cannot keep a session between runs; use a /mcp URL to log in once a day.');
  }
  const outcome = await session.executor('login').login(interrupt);
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
  throw new LoginRequiredError(LOGIN_NOT_STARTED);
}

async function logout({ session, ui }: CommandDeps): Promise<number> {
  await session.logout();
  ui.result('Logged out: the Kite session was ended on the server and the saved session files were deleted.');
  return 0;
}
