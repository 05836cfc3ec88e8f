/**
 * The server's tools as a small text table (name, read/write, one-line description), for `kite-chat tools` and
 * the REPL's /tools. Descriptions come from the server: the Ui sanitises them on the way to the terminal.
 */
import type { McpTool } from './mcp-session.js';
import type { ToolClass } from './tool-policy.js';

const DESCRIPTION_WIDTH = 72;

export function formatToolTable(tools: readonly McpTool[], classes: ReadonlyMap<string, ToolClass>): string[] {
  const nameWidth = Math.max(4, ...tools.map((tool) => tool.name.length));
  const rows = [...tools]
    .sort((left, right) => left.name.localeCompare(right.name))
    .map((tool) => {
      const toolClass = classes.get(tool.name) ?? 'write';
      return `${tool.name.padEnd(nameWidth)}  ${toolClass.padEnd(5)}  ${oneLine(tool.description ?? '')}`;
    });
  return [`${'TOOL'.padEnd(nameWidth)}  CLASS  DESCRIPTION`, ...rows];
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > DESCRIPTION_WIDTH ? `${line.slice(0, DESCRIPTION_WIDTH - 1)}…` : line;
}
