/**
 * The report of `kite-chat doctor`: the checks' names and statuses, one `ok|warn|fail NAME detail` line each on stdout
 * as it finishes (or one `{"checks": […]}` object with --json), every detail one printable line without secrets, and
 * the exit code of the first failed check's area.
 */
import type { Writable } from 'node:stream';
import { safeLine } from '../../redact.js';

type CheckStatus = 'ok' | 'warn' | 'fail';
type CheckName = 'config' | 'mcp-server' | 'tools' | 'login' | 'model' | 'tool-calling';
export interface Check { name: CheckName; status: CheckStatus; detail: string }
/** Adds one finished check to the report (and prints its line unless --json). */
export type AddCheck = (check: Check) => void;

/** CONTRACT.md: the exit code of a failed check is its area's: 2 configuration, 4 MCP server, 5 model. */
const EXIT_CODE_BY_CHECK: Readonly<Record<CheckName, number>> = {
  config: 2, 'mcp-server': 4, tools: 4, login: 4, model: 5, 'tool-calling': 5,
};
export const CHECK_ORDER: readonly CheckName[] = ['config', 'mcp-server', 'tools', 'login', 'model', 'tool-calling'];

export function createReport(stdout: Writable, options: { json: boolean; secrets: readonly string[] }) {
  const checks: Check[] = [];
  return {
    add(check: Check): void {
      // Details quote servers (names, versions, errors): one printable line, and never a secret.
      const detail = safeLine(check.detail, options.secrets);
      checks.push({ ...check, detail });
      if (!options.json) stdout.write(`${check.status} ${check.name} ${detail}\n`);
    },
    finish(): number {
      if (options.json) stdout.write(`${JSON.stringify({ checks })}\n`);
      const failed = checks.find((check) => check.status === 'fail');
      return failed === undefined ? 0 : EXIT_CODE_BY_CHECK[failed.name];
    },
  };
}
