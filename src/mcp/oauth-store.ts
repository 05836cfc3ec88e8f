/**
 * OAuth credentials under KITE_CHAT_HOME: `oauth.json` (mode 0600, through store.ts) holds one entry per MCP server
 * URL with its dynamic client registration and its latest tokens, each kept exactly as the SDK handed it over (the
 * SDK stamps both with their `issuer` and checks the stamp when it reads them back). Plain JSON here: mcp/oauth.ts checks
 * the shapes. Writes in one process are serialised, so a registration and its tokens never overwrite each other.
 */
import type { Store } from '../store.js';
import { isRecord } from '../json.js';

export const OAUTH_FILE = 'oauth.json';

export interface OAuthRecord {
  clientInformation?: unknown;
  tokens?: unknown;
}

export interface OAuthStore {
  read(): Promise<OAuthRecord>;
  /** Applies `change` to this server's entry and saves the file; an empty entry is removed. */
  update(change: (record: OAuthRecord) => OAuthRecord): Promise<void>;
}

export function createOAuthStore(store: Store, serverUrl: URL): OAuthStore {
  const key = serverUrl.href;
  let writing: Promise<void> = Promise.resolve();

  async function readFile(): Promise<Record<string, unknown>> {
    const value = await store.readJson(OAUTH_FILE);
    return isRecord(value) ? value : {};
  }

  /** This server's entry in the file's contents. */
  function entryOf(file: Record<string, unknown>): OAuthRecord {
    const entry = file[key];
    if (!isRecord(entry)) return {};
    const { clientInformation, tokens } = entry;
    return {
      ...(clientInformation === undefined ? {} : { clientInformation }),
      ...(tokens === undefined ? {} : { tokens }),
    };
  }

  return {
    read: async () => entryOf(await readFile()),
    update(change) {
      const next = writing.then(async () => {
        const file = await readFile();
        const record = change(entryOf(file));
        if (Object.keys(record).length === 0) delete file[key];
        else file[key] = record;
        await store.writeJson(OAUTH_FILE, file);
      });
      writing = next.catch(() => {}); // a failed write must not block the next one; the caller sees this one fail
      return next;
    },
  };
}
