/**
 * The tools of one run: the server's list with each tool's read/write class (tools/policy.ts), kite-chat's own
 * local tools (portfolio/tools.ts: Kite's catalog only, and never over a server tool of the same name), the
 * functions each mode offers the model, and the table `kite-chat tools` and /tools print. Server names and
 * descriptions are untrusted, so the table strips terminal controls.
 */
import { LOCAL_TOOLS } from '../portfolio/tools.js';
import type { LocalTool } from './local-tool.js';
import { sanitizeForTerminal } from '../terminal/text.js';
import { classifyTool, detectCatalog, offeredTools, type Catalog, type ToolClass } from './policy.js';
import { toOpenAITools, type ToolEntry } from './schema.js';
import type { Tool } from './tool.js';

/** A description is cut to this many characters in the table: one terminal line beside the name and class. */
const DESCRIPTION_WIDTH = 72;

export interface ToolCatalog {
  /** Which server's naming applies. */
  readonly kind: Catalog;
  readonly tools: readonly Tool[];
  /** Class of each server tool by its server name. */
  readonly classes: ReadonlyMap<string, ToolClass>;
  readonly localTools: readonly LocalTool[];
  /** The functions offered to the model; write tools (only with --trading in the REPL) or else hidden. */
  offered(mode: 'ask' | 'repl', trading: boolean): ToolEntry[];
  /** The tools as a small text table: name, class, one line of description; local tools last. */
  table(): string[];
}

export function createToolCatalog(tools: readonly Tool[]): ToolCatalog {
  const kind = detectCatalog(tools.map((tool) => tool.name));
  const classes = new Map(tools.map((tool) => [tool.name, classifyTool(tool, kind)] as const));
  // The local tools read Kite's v0.3 tools by name; a server that already has a tool of the same name wins.
  const localTools = kind === 'kite' ? LOCAL_TOOLS.filter((local) => !classes.has(local.name)) : [];
  return {
    kind,
    tools,
    classes,
    localTools,
    offered: (mode, trading) => offeredEntries(tools, localTools, { mode, trading }),
    table: () => toolTable(tools, classes, localTools),
  };
}

/** Every tool as an OpenAI function; those the mode does not offer are kept, hidden, so a call to one is refused with the reason. */
function offeredEntries(tools: readonly Tool[], localTools: readonly LocalTool[], options: { mode: 'ask' | 'repl'; trading: boolean }): ToolEntry[] {
  const local = localTools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema, annotations: { readOnlyHint: true } }));
  const offeredNames = new Set(offeredTools(tools, options).map((tool) => tool.name));
  for (const tool of localTools) offeredNames.add(tool.name);
  return toOpenAITools([...tools, ...local]).map((entry) => (offeredNames.has(entry.serverName) ? entry : { ...entry, hidden: true }));
}

function toolTable(tools: readonly Tool[], classes: ReadonlyMap<string, ToolClass>, localTools: readonly LocalTool[]): string[] {
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
