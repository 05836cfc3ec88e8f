/**
 * The server's tools as a small text table (name, read/write, one-line description), then kite-chat's own local
 * tools marked as local, for `kite-chat tools` and the REPL's /tools. Names and descriptions come from the server,
 * so terminal control sequences are removed here (`kite-chat tools` writes the table straight to stdout).
 */
import type { Tool } from './tool.js';
import { sanitizeForTerminal } from '../terminal/text.js';
import type { ToolClass } from './policy.js';

const DESCRIPTION_WIDTH = 72;

export function formatToolTable(
  tools: readonly Tool[],
  classes: ReadonlyMap<string, ToolClass>,
  localTools: readonly { name: string; description: string }[] = [],
): string[] {
  const nameWidth = Math.max(4, ...[...tools, ...localTools].map((tool) => tool.name.length));
  const row = (name: string, toolClass: string, description: string) =>
    `${name.padEnd(nameWidth)}  ${toolClass.padEnd(5)}  ${oneLine(description)}`;
  const serverRows = [...tools]
    .sort((left, right) => left.name.localeCompare(right.name))
    .map((tool) => row(sanitizeForTerminal(tool.name), classes.get(tool.name) ?? 'write', tool.description ?? ''));
  // Local tools are computed by kite-chat from read tools; they never reach the server as calls of their own.
  const localRows = localTools.map((tool) => row(tool.name, 'read', `(local, computed by kite-chat) ${tool.description}`));
  return [`${'TOOL'.padEnd(nameWidth)}  CLASS  DESCRIPTION`, ...serverRows, ...localRows];
}

function oneLine(text: string): string {
  const line = sanitizeForTerminal(text).replace(/\s+/g, ' ').trim();
  return line.length > DESCRIPTION_WIDTH ? `${line.slice(0, DESCRIPTION_WIDTH - 1)}…` : line;
}
