/**
 * `kite-chat trust`: approves the `.env` in the current folder as it is now, so that its OPENAI_BASE_URL, KITE_MCP_URL
 * and KITE_CHAT_MAX_ORDER_VALUE are used (CONTRACT.md ".env files"), as `direnv allow` does. Its values are checked
 * as kite-chat would read them before anything is recorded, and the approval is shown with what it lets through.
 * Touches no server. The result goes to stdout; a file that is missing or wrong is one ConfigError line (exit 2).
 */
import type { Writable } from 'node:stream';
import type { CommandLine } from '../config/command-line.js';
import { resolveRun } from '../config/resolve.js';
import { approveFolderDotenv, readFolderDotenv } from '../config/dotenv-files.js';
import { NEEDS_APPROVAL, NEVER_FROM_DOTENV, TRUST_COMMAND } from '../config/dotenv-policy.js';
import { ConfigError } from '../errors.js';
import { redactLink } from '../redact.js';
import type { Store } from '../store.js';
import { oneLineForTerminal, sanitizeForTerminal } from '../terminal/text.js';

interface TrustDeps {
  cwd: string;
  store: Store;
  line: Extract<CommandLine, { kind: 'run' }>;
  homeDir: string;
  stdout: Writable;
  now?: () => Date;
}

export async function runTrust(deps: TrustDeps): Promise<number> {
  const file = await readFolderDotenv(deps.cwd, deps.store);
  if (file === undefined) throw new ConfigError(`There is no .env in ${deps.cwd}: nothing to approve.`);
  const print = (text: string) => deps.stdout.write(`${sanitizeForTerminal(text)}\n`);
  if (file.isHome) {
    print(`${file.path} is KITE_CHAT_HOME's own .env, which kite-chat always uses; there is nothing to approve.`);
    return 0;
  }
  try {
    resolveRun(deps.line, { env: {}, dotenv: file.values, homeDir: deps.homeDir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`Not approved: ${file.path} has a setting kite-chat cannot use: ${error.message}`);
  }
  await approveFolderDotenv(file, deps.store, (deps.now ?? (() => new Date()))());
  print(`Approved ${file.path} (SHA-256 ${file.sha256.slice(0, 16)}…).`);
  const held = NEEDS_APPROVAL.filter((name) => (file.values[name] ?? '').trim() !== '');
  if (held.length === 0) print(`It sets none of ${NEEDS_APPROVAL.join(', ')}; its other settings were used anyway.`);
  else print('kite-chat will now use from it, when run in this folder:');
  for (const name of held) print(`  ${name} = ${shown(file.values[name] ?? '')}`);
  const never = NEVER_FROM_DOTENV.filter((name) => (file.values[name] ?? '').trim() !== '');
  if (never.length > 0) print(`Still ignored, as from every .env: ${never.join(', ')} (set ${never.length === 1 ? 'it' : 'them'} in your shell).`);
  print(`If the file changes, these settings are ignored again until you run ${TRUST_COMMAND} again.`);
  return 0;
}

/** A URL without user name, password or query (they may hold secrets); anything else as written. */
function shown(value: string): string {
  const text = value.trim();
  return oneLineForTerminal(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? redactLink(text) : text);
}
