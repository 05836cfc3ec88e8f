/**
 * The one object `kite-chat --ask --json` prints on stdout when it fails (CONTRACT.md "--ask --json output"), so that
 * `| jq` never reads an empty stream: `{"error": {"exitCode", "kind", "message"}}`. The message is the line stderr
 * shows, without the signed login link (stderr alone carries it) and with keys, session ids and link queries removed.
 */
import { safeLine } from '../redact.js';

type FailureKind = 'usage' | 'login' | 'mcp' | 'model' | 'interrupted' | 'internal';

/** CONTRACT.md's exit codes by kind; anything else is a bug. */
const KIND_BY_EXIT_CODE: Readonly<Record<number, FailureKind>> = { 2: 'usage', 3: 'login', 4: 'mcp', 5: 'model', 130: 'interrupted' };
/** What replaces "Log in at <link>" in the JSON: where the link is. */
export const LOGIN_LINK_ON_STDERR = 'Log in with the link shown on stderr, then run the command again.';

export function askErrorJson(failure: { exitCode: number; message: string; secrets: readonly string[] }): string {
  const message = safeLine(failure.message, failure.secrets);
  const kind = KIND_BY_EXIT_CODE[failure.exitCode] ?? 'internal';
  return `${JSON.stringify({ error: { exitCode: failure.exitCode, kind, message } })}\n`;
}
