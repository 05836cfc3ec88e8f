/**
 * Files under KITE_CHAT_HOME: saved sessions, OAuth tokens, history, the audit log, approved `.env` files. The folder
 * must be the user's and private (checkHome: tightened to 0700 when it is theirs, refused when it is not), and every
 * file is opened without following symbolic links, created 0600 and refused when it is not a plain file of the user's,
 * because a saved MCP session id is a bearer credential for the user's Kite account (PEERS.md R8). Writes go through a
 * temporary file and a rename, so a crash never leaves half a file behind. A damaged file is one ConfigError line.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { tryParseJson } from './json.js';

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
/** Group and other permission bits: none may be set on the home or its files. */
const SHARED_BITS = 0o077;
/** O_NOFOLLOW: a planted link must not send our writes elsewhere (0 where the platform has none, i.e. Windows). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
/** O_NONBLOCK: opening a planted FIFO must not hang the run; plain files read the same either way. */
const NO_BLOCK = constants.O_NONBLOCK ?? 0;

export interface Store {
  readonly home: string;
  path(name: string): string;
  /** The file's text, or undefined when there is none; a folder, link or someone else's file there is a ConfigError. */
  readText(name: string): Promise<string | undefined>;
  /** readText parsed; undefined when missing or not JSON (the caller starts afresh and overwrites it). */
  readJson(name: string): Promise<unknown>;
  writeJson(name: string, value: unknown): Promise<void>;
  /** `name` held open for appending (created 0600 when missing), checked once like every file here. */
  openAppender(name: string): Promise<LineAppender>;
  remove(name: string): Promise<void>;
}

/** A file open for appending lines (the audit log): each line one write, so a busy session pays no open per line. */
export interface LineAppender {
  append(line: string): Promise<void>;
  close(): Promise<void>;
}

interface StoreOptions {
  /** The user id the home and its files must belong to: the process's own (bin.ts passes it; tests pass another to play a stranger). Undefined where the platform has none. */
  uid: number | undefined;
}

export function createStore(home: string, options: StoreOptions): Store {
  const { uid } = options;
  const path = (name: string) => join(home, name);
  const ensureHome = async () => {
    try {
      await mkdir(home, { recursive: true, mode: FOLDER_MODE });
    } catch (error) {
      throw homeError(home, error);
    }
  };

  async function readText(name: string): Promise<string | undefined> {
    let file: FileHandle;
    try {
      file = await open(path(name), constants.O_RDONLY | NO_FOLLOW | NO_BLOCK);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw fileError(path(name), error);
    }
    try {
      await checkOpenedFile(file, path(name), uid);
      return await file.readFile('utf8');
    } finally {
      await file.close();
    }
  }

  return {
    home,
    path,
    readText,
    async readJson(name) {
      const text = await readText(name);
      // A damaged file is as good as none: the caller starts afresh and overwrites it.
      return text === undefined ? undefined : tryParseJson(text);
    },
    async writeJson(name, value) {
      await ensureHome();
      const temporary = `${path(name)}.${randomUUID()}.tmp`;
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
      const file = await open(temporary, flags, FILE_MODE).catch((error: unknown) => {
        throw fileError(temporary, error);
      });
      try {
        await file.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      } finally {
        await file.close();
      }
      // rename replaces a link at the destination instead of following it; it cannot replace a folder.
      await rename(temporary, path(name)).catch(async (error: unknown) => {
        await rm(temporary, { force: true });
        throw fileError(path(name), error);
      });
    },
    async openAppender(name) {
      await ensureHome();
      const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW | NO_BLOCK;
      const file = await open(path(name), flags, FILE_MODE).catch((error: unknown) => {
        throw fileError(path(name), error);
      });
      await checkOpenedFile(file, path(name), uid).catch(async (error: unknown) => {
        await file.close();
        throw error;
      });
      return { append: (line) => file.appendFile(`${line}\n`), close: () => file.close() };
    },
    async remove(name) {
      await rm(path(name), { force: true }); // rm removes a link itself, never its target
    },
  };
}

/**
 * Checks KITE_CHAT_HOME before anything is read from it: a missing folder is fine (it is created 0700 when needed);
 * one of the user's that others may read or write is made private and said so (the returned notice); a file, or a
 * folder that belongs to someone else, is refused with one line.
 */
export async function checkHome(home: string, options: StoreOptions): Promise<string | undefined> {
  const { uid } = options;
  let info;
  try {
    info = await stat(home);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw homeError(home, error);
  }
  if (!info.isDirectory()) throw homeError(home, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }));
  if (uid !== undefined && info.uid !== uid) {
    throw new ConfigError(
      `KITE_CHAT_HOME ${home} belongs to another user (uid ${info.uid}); it holds your Kite session, so it must be ` +
        'yours: set KITE_CHAT_HOME to a folder of your own.',
    );
  }
  if ((info.mode & SHARED_BITS) === 0) return undefined;
  await chmod(home, FOLDER_MODE);
  return `KITE_CHAT_HOME ${home} was open to other users (mode ${octal(info.mode)}); made it private (0700).`;
}

/** A plain file of the user's, made 0600 if it was more open; anything else is refused with what to do. */
async function checkOpenedFile(file: FileHandle, path: string, uid: number | undefined): Promise<void> {
  const info = await file.stat();
  if (info.isDirectory()) {
    throw new ConfigError(`${path} is a folder, where kite-chat keeps a file: move it away (or delete it), then run kite-chat again.`);
  }
  if (!info.isFile()) {
    throw new ConfigError(`${path} is not a plain file: delete it, then run kite-chat again.`);
  }
  if (uid !== undefined && info.uid !== uid) {
    throw new ConfigError(`${path} belongs to another user (uid ${info.uid}): delete it, then run kite-chat again.`);
  }
  if ((info.mode & SHARED_BITS) !== 0) await file.chmod(FILE_MODE);
}

function fileError(path: string, error: unknown): Error {
  switch (errorCode(error)) {
    case 'ELOOP':
    case 'EMLINK': // FreeBSD's answer to O_NOFOLLOW on a link
      return new ConfigError(`${path} is a symbolic link, which kite-chat does not follow in KITE_CHAT_HOME: delete it, then run kite-chat again.`);
    case 'EISDIR':
    case 'ENOTEMPTY':
      return new ConfigError(`${path} is a folder, where kite-chat keeps a file: move it away (or delete it), then run kite-chat again.`);
    case 'ENOTDIR':
      return new ConfigError(`${path} cannot be used: part of its path is a file, not a folder; check KITE_CHAT_HOME.`);
    case 'EACCES':
    case 'EPERM':
      return new ConfigError(`${path} cannot be opened (permission denied): check its owner and mode, or set KITE_CHAT_HOME.`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

function homeError(home: string, error: unknown): Error {
  const code = errorCode(error);
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new ConfigError(`KITE_CHAT_HOME ${home} is a file, not a folder: move the file away, or set KITE_CHAT_HOME to a folder.`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ConfigError(`KITE_CHAT_HOME ${home} cannot be used (permission denied): set KITE_CHAT_HOME to a folder of your own.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}
