/**
 * Which tools read and which write (CONTRACT.md "Trading safety", PEERS.md R1–R3), which the model is offered,
 * and what it is told when a write is refused. Kite is classed by tool name, because its annotations call every
 * tool destructive; any other server's tool reads only when annotated `readOnlyHint: true`. Unknown means write.
 * Pure decisions: confirming a write is trading/write-gate.ts's job, running it tools/executor.ts's.
 */
import type { Tool } from './tool.js';

export type ToolClass = 'read' | 'write';
export type Catalog = 'kite' | 'kite-modes' | 'other';

/** The six tools of Kite MCP v0.3 that place, change or cancel orders (SERVER.md §3). */
export const KITE_WRITE_TOOLS: ReadonlySet<string> = new Set([
  'place_order',
  'modify_order',
  'cancel_order',
  'place_gtt_order',
  'modify_gtt_order',
  'delete_gtt_order',
]);

/** The sixteen other v0.3 tools: they only read (tools.json `writes: false`). */
export const KITE_READ_TOOLS: ReadonlySet<string> = new Set([
  'login',
  'get_profile',
  'get_margins',
  'get_holdings',
  'get_positions',
  'get_trades',
  'get_orders',
  'get_gtts',
  'get_mf_holdings',
  'get_order_history',
  'get_order_trades',
  'get_quotes',
  'get_ltp',
  'get_ohlc',
  'get_historical_data',
  'search_instruments',
]);

/**
 * The next server's seven mode tools (SERVER.md §6) and the modes we know. Only a mode listed under `read` runs
 * as a read: a mode we do not know, or a call without a mode, counts as a write (R2: unknown means denied).
 */
const KITE_MODE_TOOLS: Readonly<Record<string, { read: readonly string[]; write: readonly string[] }>> = {
  portfolio: { read: ['profile', 'margins', 'holdings', 'positions'], write: [] },
  orders: { read: ['list', 'history', 'trades', 'all_trades'], write: ['place', 'modify', 'cancel'] },
  gtt: { read: ['list'], write: ['place', 'modify', 'delete'] },
  market: { read: ['quote', 'ltp', 'ohlc', 'historical', 'search'], write: [] },
  alerts: { read: ['get'], write: ['create', 'modify', 'delete'] },
  mutual_funds: { read: ['holdings'], write: [] },
  session: { read: ['status'], write: ['logout'] },
};

/** A call that says who is logged in: a read on its own catalog, checked by the caller as every call is. */
export interface ProfileCall {
  name: string;
  args: Record<string, unknown>;
}

/** The tool that says who is logged in on Kite's v0.3 server, and on its mode-based successor its tool and mode. */
export const PROFILE_CALLS: Readonly<Record<Exclude<Catalog, 'other'>, ProfileCall>> = {
  kite: { name: 'get_profile', args: {} },
  'kite-modes': { name: 'portfolio', args: { mode: 'profile' } },
};

/** Tools every v0.3 deployment keeps, even one that excludes the trading tools with EXCLUDED_TOOLS. */
const KITE_SIGNATURE = ['get_holdings', 'get_profile'];
/** Tools the mode-based rewrite cannot do without. */
const KITE_MODES_SIGNATURE = ['portfolio', 'orders', 'market'];

type NamedTool = Pick<Tool, 'name' | 'annotations'>;

/** Which server's naming applies. A catalog with both signatures counts as v0.3, and its mode tools as unknown. */
export function detectCatalog(toolNames: readonly string[]): Catalog {
  const names = new Set(toolNames);
  if (KITE_SIGNATURE.every((name) => names.has(name))) return 'kite';
  if (KITE_MODES_SIGNATURE.every((name) => names.has(name))) return 'kite-modes';
  return 'other';
}

/** A tool's class as listed (`kite-chat tools`, /tools). A mode tool that can write is 'write'. */
export function classifyTool(tool: NamedTool, catalog: Catalog): ToolClass {
  switch (catalog) {
    case 'kite':
      return KITE_READ_TOOLS.has(tool.name) ? 'read' : 'write';
    case 'kite-modes': {
      const modes = modesOf(tool.name);
      return modes !== undefined && modes.write.length === 0 ? 'read' : 'write';
    }
    case 'other':
      // The MCP spec's default for readOnlyHint is false; only an explicit true makes a tool a read.
      return tool.annotations?.['readOnlyHint'] === true ? 'read' : 'write';
  }
}

/**
 * The class of one call: a mode tool's class depends on its `mode` argument; any other tool keeps its own. A second
 * spelling of `mode` (`Mode`, `MODE`) makes it a write whatever `mode` says: a Go server matches keys without regard
 * to case, and the last one it reads wins (the argument check refuses such a call too, with the reason).
 */
export function classifyCall(
  toolName: string,
  args: Record<string, unknown>,
  toolClass: ToolClass,
  catalog: Catalog,
): ToolClass {
  if (catalog !== 'kite-modes') return toolClass;
  const modes = modesOf(toolName);
  if (modes === undefined) return toolClass;
  const mode = args['mode'];
  const otherSpelling = Object.keys(args).some((key) => key !== 'mode' && key.toLowerCase() === 'mode');
  return typeof mode === 'string' && modes.read.includes(mode) && !otherSpelling ? 'read' : 'write';
}

/**
 * The tools the model may see. Write tools only with --trading in the REPL (R1). A mode tool that mixes reads and
 * writes stays offered for its reads; its write calls are refused one by one (classifyCall).
 */
export function offeredTools<T extends NamedTool>(
  tools: readonly T[],
  options: { trading: boolean; mode: 'ask' | 'repl' },
): T[] {
  const catalog = detectCatalog(tools.map((tool) => tool.name));
  const writesAllowed = options.trading && options.mode === 'repl';
  return tools.filter((tool) => {
    if (writesAllowed || classifyTool(tool, catalog) === 'read') return true;
    const modes = catalog === 'kite-modes' ? modesOf(tool.name) : undefined;
    return modes !== undefined && modes.read.length > 0;
  });
}

export type RefusalReason =
  | 'read-only-ask'
  | 'read-only-repl'
  | 'declined'
  | 'over-cap'
  | 'invalid-arguments'
  | 'duplicate-declined'
  | 'not-logged-in';

/** What the model is told instead of a tool result when a write is refused. It must not try again. */
export function refusalText(toolName: string, reason: RefusalReason, detail?: string): string {
  const notDone =
    `NOT DONE: ${toolName} was not sent to the server, so nothing was placed, modified, cancelled or deleted.`;
  const noRetry =
    `Do not call ${toolName} again for this request and do not try another tool to get around this; ` +
    'tell the user plainly what happened.';
  const because = detail === undefined || detail.trim() === '' ? '' : ` ${detail.trim()}`;
  switch (reason) {
    case 'read-only-ask':
      return (
        `${notDone} kite-chat --ask is read-only: it never places, modifies or cancels anything.${because} ` +
        `${noRetry} ` +
        'If the user wants to trade, they can start the interactive chat with `kite-chat --trading`, where every ' +
        'order is shown to them and needs their typed confirmation.'
      );
    case 'read-only-repl':
      return (
        `${notDone} Trading is off in this session (kite-chat is read-only by default).${because} ${noRetry} ` +
        'If the user wants to trade, they can exit and restart with `kite-chat --trading`; every order will then ' +
        'be shown to them and need their typed confirmation.'
      );
    case 'declined':
      return (
        `${notDone} The user was shown this call and did not confirm it.${because} ${noRetry} ` +
        'Ask the user what they want instead; place nothing unless they ask again.'
      );
    case 'over-cap':
      return (
        `${notDone} kite-chat's pre-trade checks refused it before asking the user.${because} ` +
        `Do not call ${toolName} again with the same arguments, and do not split or shrink the order to get under ` +
        'a limit unless the user asks for that. If the detail says the arguments need fixing, you may call once ' +
        'more with corrected arguments; the user will still be asked to confirm. Tell the user plainly what happened.'
      );
    case 'invalid-arguments':
      return (
        `${notDone} Its arguments would not be read by the server as they are written, so it was refused before ` +
        `asking the user.${because} You may call ${toolName} once more with corrected arguments (numbers as JSON ` +
        'numbers, text as text, every required field present); the user will still be asked to confirm. Change ' +
        'nothing else about the order.'
      );
    case 'duplicate-declined':
      return (
        `${notDone} The user had already confirmed this exact call moments ago and did not confirm sending it a ` +
        `second time.${because} ${noRetry} The earlier call stands as it was.`
      );
    case 'not-logged-in':
      return (
        `${notDone} It needs a Kite login, and the login was not completed, so the user was not asked to confirm ` +
        `it.${because} ${noRetry} The user can log in with /login and then ask again.`
      );
  }
}

function modesOf(toolName: string): { read: readonly string[]; write: readonly string[] } | undefined {
  return Object.hasOwn(KITE_MODE_TOOLS, toolName) ? KITE_MODE_TOOLS[toolName] : undefined;
}
