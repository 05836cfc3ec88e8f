/**
 * Keeps one live MCP session for the whole run: resumes a saved Streamable HTTP session (younger than 12 h, same
 * URL), saves a new one, and replaces a session the server has lost or ended. Kite binds its login to the session
 * id (SERVER.md §2), so every replacement is said out loud: it means a new login.
 */
import type { Store } from '../store.js';
import { connectMcp, McpSessionGoneError, transportKindOf, type ConnectOptions, type McpSession } from './session.js';
import type { Tool } from '../tools/tool.js';
import type { OAuthLoginProvider } from './oauth.js';
import { OAUTH_FILE } from './oauth-store.js';
import { isRecord, tryParseJson } from '../json.js';

/** SERVER.md §1: Kite's sessions live 12 h from creation and are never extended. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const SESSION_FILE = 'session.json';
/** The id goes back to the server as the Mcp-Session-Id header: visible ASCII only (Kite's are `kitemcp-<uuid>`). */
const SESSION_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;
/** A clock set back a little (NTP) must not cost a login; a date further ahead was not written by this clock. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Files under KITE_CHAT_HOME that hold credentials; logout deletes them all. */
const CREDENTIAL_FILES = [SESSION_FILE, OAUTH_FILE];

interface SavedSession {
  url: string;
  sessionId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/**
 * The session saved for `url`, while it is younger than Kite's 12 h; undefined otherwise. A damaged record is
 * discarded (`onDamaged` is told why); a folder or a link in its place is a ConfigError (exit 2) from the store.
 */
export async function readSavedSession(
  store: Store,
  url: URL,
  now: number,
  onDamaged?: (why: string) => void,
): Promise<SavedSession | undefined> {
  const text = await store.readText(SESSION_FILE);
  if (text === undefined) return undefined;
  const saved = parseSavedSession(text, now);
  if (typeof saved === 'string') {
    onDamaged?.(saved);
    return undefined;
  }
  if (saved.url !== url.href || now - saved.createdAt >= SESSION_LIFETIME_MS) return undefined;
  return saved;
}

export interface McpConnection {
  /** The live session, reconnecting first if the last one was lost; while a replacement is under way, the new one. */
  session(): Promise<McpSession>;
  /** Aborts when the current session is lost (the SSE stream dropped). */
  readonly lost: AbortSignal;
  /**
   * Starts a new session after the server said `failed` is gone; the saved id is replaced. Callers that find out at
   * once share one replacement (one new session, one notice); one that reports a session already replaced gets the
   * current one.
   */
  replace(reason: string, failed: McpSession): Promise<McpSession>;
  /** True once the connection has replaced `session` and closed it, which fails the calls still in flight on it. */
  wasReplaced(session: McpSession): boolean;
  /** Tools of the current session: McpSession.listTools() lists them once and caches them, retrying a failed listing. */
  tools(): Promise<Tool[]>;
  /** Ends the session on the server, which revokes the Kite login, and deletes the saved session and OAuth files. */
  logout(): Promise<void>;
  close(): Promise<void>;
}

interface ConnectionDeps {
  url: URL;
  /** Saved sessions live here; undefined = never save (tests, or a home that cannot be written). */
  store: Store | undefined;
  notice: (line: string) => void;
  connect?: (options: ConnectOptions) => Promise<McpSession>;
  now?: () => number;
  /** Logs in to servers that answer 401 with OAuth metadata; every connect, resumed or fresh, goes through it. */
  authProvider?: OAuthLoginProvider | undefined;
}

/** The run's connection and its one live session; `lost` is the current session's. */
interface Live {
  deps: ConnectionDeps;
  connect: (options: ConnectOptions) => Promise<McpSession>;
  now: () => number;
  /** Streamable HTTP sessions can be resumed by a later run; an SSE session lives as long as its stream. */
  canResume: boolean;
  lost: AbortController;
  current: McpSession | undefined;
  /** The replacement under way: parallel callers (a round's tool calls) share it. */
  replacing: Promise<McpSession> | undefined;
  /** Sessions replaced and closed by this connection. */
  replaced: WeakSet<McpSession>;
}

export async function openMcpConnection(deps: ConnectionDeps): Promise<McpConnection> {
  const live: Live = {
    deps, connect: deps.connect ?? connectMcp, now: deps.now ?? Date.now, canResume: transportKindOf(deps.url) === 'streamable-http',
    lost: new AbortController(), current: undefined, replacing: undefined, replaced: new WeakSet(),
  };
  live.current = await start(live);
  const current = () => live.current as McpSession;
  return {
    get lost() {
      return live.lost.signal;
    },
    session: () => liveSession(live),
    replace: (reason, failed) => replaceSession(live, `${reason} Starting a new Kite session; you will need to log in again.`, failed),
    wasReplaced: (session) => live.replaced.has(session),
    tools: () => current().listTools(),
    async logout() {
      await current().terminate();
      const store = deps.store;
      if (store !== undefined) await Promise.all(CREDENTIAL_FILES.map((name) => store.remove(name)));
    },
    close: () => current().close(),
  };
}

/** The saved session for this URL when the server still knows it, else a fresh one. */
async function start(live: Live): Promise<McpSession> {
  const saved = live.canResume ? await readSaved(live) : undefined;
  if (saved !== undefined) {
    try {
      return watch(live, await live.connect(withAuth(live, { url: live.deps.url, sessionId: saved.sessionId })));
    } catch (error) {
      if (!(error instanceof McpSessionGoneError)) throw error;
      live.deps.notice('The saved Kite session has ended on the server; starting a new one (you will need to log in again).');
    }
  }
  return fresh(live);
}

/** The live session, reconnecting first if the last one was lost; while a replacement is under way, the new one. */
async function liveSession(live: Live): Promise<McpSession> {
  if (live.replacing !== undefined) return live.replacing;
  if (live.lost.signal.aborted) {
    return replaceSession(
      live,
      'The connection to the Kite MCP server was lost; reconnected. Kite ties the login to the connection, so you will need to log in again.',
    );
  }
  return live.current as McpSession;
}

/**
 * Every replacement is said out loud: Kite binds the login to the session, so it means a new login. One at a time:
 * callers that find out together (a round's tool calls run in parallel) share it, so one session is started and
 * saved, one notice is said, and no new session is left behind unclosed. A `failed` session that is no longer the
 * current one has been replaced already.
 */
async function replaceSession(live: Live, notice: string, failed?: McpSession): Promise<McpSession> {
  if (live.replacing !== undefined) return live.replacing;
  if (failed !== undefined && live.current !== undefined && failed !== live.current) return live.current;
  live.replacing = (async () => {
    const old = live.current;
    if (old !== undefined) {
      live.replaced.add(old);
      await old.close().catch(() => {});
    }
    live.deps.notice(notice);
    live.current = await fresh(live);
    return live.current;
  })().finally(() => {
    live.replacing = undefined;
  });
  return live.replacing;
}

/** A new session, saved for the next run when it can be resumed. */
async function fresh(live: Live): Promise<McpSession> {
  const { deps } = live;
  const session = watch(live, await live.connect(withAuth(live, { url: deps.url })));
  if (live.canResume && session.sessionId !== undefined && deps.store !== undefined) {
    const record: SavedSession = { url: deps.url.href, sessionId: session.sessionId, createdAt: live.now() };
    await deps.store.writeJson(SESSION_FILE, record).catch(() => {
      deps.notice(`Could not save the session under ${deps.store?.home ?? ''}; the next run will need a new login.`);
    });
  }
  return session;
}

function withAuth(live: Live, options: ConnectOptions): ConnectOptions {
  return live.deps.authProvider === undefined ? options : { ...options, authProvider: live.deps.authProvider };
}

function watch(live: Live, session: McpSession): McpSession {
  const controller = new AbortController();
  live.lost = controller;
  session.onLost(() => controller.abort());
  return session;
}

/** The saved session for this URL while it is young enough; a damaged one is discarded (and overwritten) with a notice. */
async function readSaved(live: Live): Promise<SavedSession | undefined> {
  const { store, url, notice } = live.deps;
  if (store === undefined) return undefined;
  return readSavedSession(store, url, live.now(), (why) =>
    notice(`Discarded the saved session in ${store.path(SESSION_FILE)} (${why}); starting a new one, so you will need to log in again.`),
  );
}

/** session.json's record, or why it cannot be used: it was written by us, so anything else in it is damage or tampering. */
function parseSavedSession(text: string, now: number): SavedSession | string {
  const value = tryParseJson(text);
  if (value === undefined) return 'it is not valid JSON';
  const record: Partial<Record<keyof SavedSession, unknown>> = isRecord(value) ? value : {};
  if (typeof record.url !== 'string') return 'it names no server';
  if (typeof record.sessionId !== 'string' || !SESSION_ID_PATTERN.test(record.sessionId)) return 'its session id is not valid';
  if (typeof record.createdAt !== 'number' || !Number.isFinite(record.createdAt)) return 'it has no valid creation time';
  if (record.createdAt > now + CLOCK_SKEW_MS) return 'its creation time is in the future';
  return { url: record.url, sessionId: record.sessionId, createdAt: record.createdAt };
}
