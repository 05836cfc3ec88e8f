/**
 * The `.env` files kite-chat reads, and the approvals `kite-chat trust` keeps: the file in KITE_CHAT_HOME (through the
 * Store, so no link is followed there) and the one in the current folder, parsed with dotenv. A folder's file is
 * matched against KITE_CHAT_HOME/trusted-env.json, which keeps each approved file's path and a SHA-256 of its bytes
 * (mode 0600, like every file there). What may be used of them is config/dotenv-policy.ts's decision.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DotenvFile } from './dotenv-policy.js';
import type { Store } from '../store.js';

const TRUSTED_ENV_FILE = 'trusted-env.json';
const DOTENV_NAME = '.env';

/** The current folder's `.env` as read once: its bytes' hash and its values come from the same read. */
interface FolderDotenv {
  path: string;
  values: Record<string, string>;
  sha256: string;
  /** The file is KITE_CHAT_HOME's own (kite-chat runs in its home folder): always trusted, never approved. */
  isHome: boolean;
}

interface Approval {
  sha256: string;
  approvedAt: string;
}

/** Both files as found (the home's first), and a line for a folder `.env` that exists but cannot be read. */
export async function loadDotenvFiles(cwd: string, store: Store): Promise<{ files: DotenvFile[]; warnings: string[] }> {
  const files: DotenvFile[] = [];
  const homeText = await store.readText(DOTENV_NAME);
  if (homeText !== undefined) files.push({ path: store.path(DOTENV_NAME), values: await parseDotenv(homeText), trust: 'home' });
  let folder: FolderDotenv | undefined;
  try {
    folder = await readFolderDotenv(cwd, store);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'unreadable';
    return { files, warnings: [`Could not read ${resolve(cwd, DOTENV_NAME)} (${reason}); none of its settings are used.`] };
  }
  if (folder !== undefined && !folder.isHome) {
    const approval = (await readApprovals(store))[folder.path];
    const trust = approval === undefined ? 'unapproved' : approval.sha256 === folder.sha256 ? 'approved' : 'changed';
    files.push({ path: folder.path, values: folder.values, trust });
  }
  return { files, warnings: [] };
}

/** The current folder's `.env`, or undefined when there is none (a folder named `.env`, e.g. a Python venv, is none). */
export async function readFolderDotenv(cwd: string, store: Store): Promise<FolderDotenv | undefined> {
  const path = resolve(cwd, DOTENV_NAME);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw error;
  }
  const isHome = (await realFolder(cwd)) === (await realFolder(store.home));
  return { path, values: await parseDotenv(bytes), sha256: createHash('sha256').update(bytes).digest('hex'), isHome };
}

/** Records the folder's `.env` as approved in its present content. */
export async function approveFolderDotenv(file: FolderDotenv, store: Store, now: Date): Promise<void> {
  const approvals = await readApprovals(store);
  approvals[file.path] = { sha256: file.sha256, approvedAt: now.toISOString() };
  await store.writeJson(TRUSTED_ENV_FILE, { approved: approvals });
}

async function readApprovals(store: Store): Promise<Record<string, Approval>> {
  const saved = (await store.readJson(TRUSTED_ENV_FILE)) as { approved?: unknown } | undefined;
  const approved = saved?.approved;
  if (typeof approved !== 'object' || approved === null) return {};
  const entries = Object.entries(approved as Record<string, unknown>).filter(
    (entry): entry is [string, Approval] => typeof (entry[1] as Partial<Approval> | null)?.sha256 === 'string',
  );
  return Object.fromEntries(entries);
}

/**
 * dotenv is loaded only when there is a file to parse: most runs have none. It is a CommonJS package, and the bundle
 * (scripts/build.mjs) exposes a lazily imported one as the default export only, so read `parse` from there.
 */
async function parseDotenv(text: string | Buffer): Promise<Record<string, string>> {
  const { default: dotenv } = await import('dotenv');
  return dotenv.parse(text);
}

async function realFolder(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}
