/**
 * Tool drift (PEERS.md R16): kite-chat remembers a fingerprint of every tool a server lists (a hash of its name,
 * description, input schema and annotations, with its read/write class) in KITE_CHAT_HOME/tools.json, per server.
 * When the list changes it says what changed, one line per tool, and loudly when a tool that can write appears or a
 * tool changes class. The first run only records. Reads and writes through the Store; printing is the caller's.
 */
import { createHash } from 'node:crypto';
import type { Tool } from './tool.js';
import type { Store } from '../store.js';
import type { ToolClass } from './policy.js';
import { canonicalJson, isRecord } from '../json.js';
import { printableAscii } from '../terminal/text.js';

export const TOOLS_FILE = 'tools.json';
const FORMAT_VERSION = 1;
/** A server can name a tool anything; a line shows at most this much of a name (MCP suggests 64 at most). */
const MAX_SHOWN_NAME_CHARS = 64;
/** A server that swapped its whole catalog gets a summary rather than a screenful. */
const MAX_LISTED_CHANGES = 30;

interface ToolPrint {
  hash: string;
  class: ToolClass;
}
type Fingerprint = Record<string, ToolPrint>;
interface SavedServer {
  recordedAt: string;
  tools: Fingerprint;
}
interface SavedFile {
  version: typeof FORMAT_VERSION;
  servers: Record<string, SavedServer>;
}

interface Drift {
  added: { name: string; toolClass: ToolClass }[];
  removed: string[];
  /** Same name, different hash or class. */
  changed: { name: string; toolClass: ToolClass; wasClass: ToolClass }[];
}

/** Each tool's hash and class, keyed by name. */
export function fingerprintTools(tools: readonly Tool[], classes: ReadonlyMap<string, ToolClass>): Fingerprint {
  const prints: Fingerprint = {};
  for (const tool of tools) {
    const described = { name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema, annotations: tool.annotations ?? {} };
    // Keys sorted, so the same tool listed with its keys in another order hashes the same.
    const hash = createHash('sha256').update(canonicalJson(described)).digest('hex');
    prints[tool.name] = { hash, class: classes.get(tool.name) ?? 'write' };
  }
  return prints;
}

export function compareFingerprints(before: Fingerprint, after: Fingerprint): Drift {
  const names = (prints: Fingerprint) => Object.keys(prints).sort();
  const drift: Drift = { added: [], removed: [], changed: [] };
  for (const name of names(after)) {
    const now = after[name] as ToolPrint;
    const then = Object.hasOwn(before, name) ? before[name] : undefined;
    if (then === undefined) drift.added.push({ name, toolClass: now.class });
    else if (then.hash !== now.hash || then.class !== now.class) drift.changed.push({ name, toolClass: now.class, wasClass: then.class });
  }
  drift.removed = names(before).filter((name) => !Object.hasOwn(after, name));
  return drift;
}

/** The lines to show for a drift: a heading, one line per tool, then a WARNING line per new write tool or class change. */
export function describeDrift(drift: Drift, server: string, since: string): string[] {
  const each = [
    ...drift.added.map((tool) => `  added: ${shown(tool.name)} (${tool.toolClass})`),
    ...drift.removed.map((name) => `  removed: ${shown(name)}`),
    ...drift.changed.map((tool) => `  changed: ${shown(tool.name)} (${tool.toolClass === tool.wasClass ? `description or schema; ${tool.toolClass}` : `now ${tool.toolClass}, was ${tool.wasClass}`})`),
  ];
  const listed = each.length > MAX_LISTED_CHANGES
    ? [...each.slice(0, MAX_LISTED_CHANGES), `  … and ${each.length - MAX_LISTED_CHANGES} more`]
    : each;
  const newWrites = drift.added.filter((tool) => tool.toolClass === 'write').map((tool) => tool.name);
  const reclassed = drift.changed.filter((tool) => tool.toolClass !== tool.wasClass);
  const loud = [
    ...newWrites.map((name) => `WARNING: new tool that can act on your account (place, modify or cancel orders): ${shown(name)}`),
    ...reclassed.map((tool) => `WARNING: ${shown(tool.name)} changed from a ${tool.wasClass} tool to a ${tool.toolClass} tool` +
      (tool.toolClass === 'read' ? '; kite-chat now runs it without asking' : '')),
  ];
  const note = newWrites.length === 0
    ? []
    : ['kite-chat offers such tools to the model only with --trading, and every call needs your typed confirmation.'];
  return [`The tools of ${server} changed since ${since}:`, ...listed, ...loud, ...note];
}

interface DriftInput {
  store: Store;
  serverUrl: URL;
  tools: readonly Tool[];
  classes: ReadonlyMap<string, ToolClass>;
}

/**
 * Compares the server's tools with the fingerprint saved for it, saves the new one when it differs, and returns the
 * lines to show (none on the first run or when nothing changed). Throws only when tools.json cannot be written.
 */
export async function checkToolDrift(input: DriftInput & { now?: () => Date }): Promise<string[]> {
  const seen = await compareWithSaved(input);
  if (seen.drift !== undefined && isEmpty(seen.drift)) return [];
  const recordedAt = (input.now ?? (() => new Date()))().toISOString();
  await input.store.writeJson(TOOLS_FILE, { ...seen.saved, servers: { ...seen.saved.servers, [seen.server]: { recordedAt, tools: seen.after } } });
  return seen.drift === undefined || seen.since === undefined ? [] : describeDrift(seen.drift, seen.server, seen.since);
}

/**
 * What changed since the list saved for this server, without saving anything (`kite-chat doctor`): undefined when
 * none was saved, else the drift (empty when nothing changed) and when the saved list was recorded.
 */
export async function readToolDrift(input: DriftInput): Promise<{ drift: Drift; since: string } | undefined> {
  const seen = await compareWithSaved(input);
  return seen.drift === undefined || seen.since === undefined ? undefined : { drift: seen.drift, since: seen.since };
}

export function isEmpty(drift: Drift): boolean {
  return drift.added.length + drift.removed.length + drift.changed.length === 0;
}

async function compareWithSaved(input: DriftInput) {
  // Origin and path only: a query string could carry a token, and it does not make a different server.
  const server = `${input.serverUrl.origin}${input.serverUrl.pathname}`;
  const saved = readSaved(await input.store.readJson(TOOLS_FILE));
  const after = fingerprintTools(input.tools, input.classes);
  const previous = Object.hasOwn(saved.servers, server) ? saved.servers[server] : undefined;
  const drift = previous === undefined ? undefined : compareFingerprints(previous.tools, after);
  return { server, saved, after, drift, since: previous?.recordedAt };
}

/** A damaged or foreign tools.json counts as none: the next write replaces it. */
function readSaved(value: unknown): SavedFile {
  const empty: SavedFile = { version: FORMAT_VERSION, servers: {} };
  if (!isRecord(value) || value['version'] !== FORMAT_VERSION || !isRecord(value['servers'])) return empty;
  const servers: Record<string, SavedServer> = {};
  for (const [server, entry] of Object.entries(value['servers'])) {
    if (!isRecord(entry) || typeof entry['recordedAt'] !== 'string' || !isRecord(entry['tools'])) continue;
    const tools: Fingerprint = {};
    for (const [name, print] of Object.entries(entry['tools'])) {
      if (isRecord(print) && typeof print['hash'] === 'string' && (print['class'] === 'read' || print['class'] === 'write')) {
        tools[name] = { hash: print['hash'], class: print['class'] };
      }
    }
    servers[server] = { recordedAt: entry['recordedAt'], tools };
  }
  return { version: FORMAT_VERSION, servers };
}

/** A name as one line of printable ASCII, cut to a sane length. */
function shown(name: string): string {
  return printableAscii(name, MAX_SHOWN_NAME_CHARS);
}

