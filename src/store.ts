/**
 * Files under KITE_CHAT_HOME: saved sessions, OAuth tokens, history, the audit log. The folder is created 0700 and
 * every file 0600, because a saved MCP session id is a bearer credential for the user's Kite account (PEERS.md R8).
 * Writes go through a temporary file and a rename, so a crash never leaves half a file behind.
 */
import { appendFile, chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

export interface Store {
  readonly home: string;
  path(name: string): string;
  readJson(name: string): Promise<unknown>;
  writeJson(name: string, value: unknown): Promise<void>;
  appendLine(name: string, line: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export function createStore(home: string): Store {
  const ensureHome = () => mkdir(home, { recursive: true, mode: FOLDER_MODE });
  const path = (name: string) => join(home, name);
  return {
    home,
    path,
    async readJson(name) {
      let text: string;
      try {
        text = await readFile(path(name), 'utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined; // a damaged file is as good as none: the caller starts afresh and overwrites it
      }
    },
    async writeJson(name, value) {
      await ensureHome();
      const temporary = `${path(name)}.${randomUUID()}.tmp`;
      await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: FILE_MODE });
      await rename(temporary, path(name));
    },
    async appendLine(name, line) {
      await ensureHome();
      await appendFile(path(name), `${line}\n`, { mode: FILE_MODE });
      await chmod(path(name), FILE_MODE); // appendFile's mode applies only when it creates the file
    },
    async remove(name) {
      await rm(path(name), { force: true });
    },
  };
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
