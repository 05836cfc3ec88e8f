/**
 * The fake's memory of MCP sessions and their Kite logins, after kc/session.go and kc/session_signing.go: `kitemcp-`
 * ids for /mcp with a fixed lifetime from creation, plain-uuid SSE ids that live as long as their stream, the Kite
 * data each one gets lazily on its first tool call, and the HMAC-signed `session_id` the login link carries.
 * No HTTP here: the transports and the login pages ask this module and answer in their own words.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** kc/session.go DefaultSessionDuration: counted from creation and never extended. */
export const DEFAULT_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** kc/session.go's cleanup goroutine runs every 30 min: until it has run, an expired id answers 404, then 400. */
const CLEANUP_DELAY_MS = 30 * 60 * 1000;
/** kc/session_signing.go: a login link is good for 30 min plus 5 min of clock skew. */
export const SIGNATURE_VALIDITY_MS = 35 * 60 * 1000;

const MCP_SESSION_PATTERN = /^kitemcp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type SessionCheck = 'valid' | 'invalid' | 'terminated';

/** What the Kite client of one MCP session knows: whether its access token works. */
export interface KiteData {
  loggedIn: boolean;
}

export interface SessionRegistry {
  /** `initialize` on /mcp: a fresh `kitemcp-<uuid4>`. */
  generate(): string;
  /** Every later /mcp POST: 400 for 'invalid', 404 for 'terminated'. */
  validate(sessionId: string | undefined): SessionCheck;
  /** DELETE /mcp, or the lifetime ending now: the id answers 404 and its Kite login is revoked. */
  terminate(sessionId: string): void;
  /** An SSE stream opened or closed: its plain-uuid session exists exactly while the stream does. */
  openStream(sessionId: string): void;
  closeStream(sessionId: string): void;
  /** Whether a login callback for this id can complete (the session exists and has not ended). */
  isLive(sessionId: string): boolean;
  /** kc GetOrCreateSessionData: `isNew` is what makes the first Kite-backed call say "Please log in first". */
  kiteData(sessionId: string): { data: KiteData; isNew: boolean };
  /** The login tool's failed profile check: the data is cleared and made anew, logged out. */
  resetKiteData(sessionId: string): void;
  /** The callback's CompleteSession; false when the MCP session is gone. */
  completeLogin(sessionId: string): boolean;
  isLoggedIn(sessionId: string): boolean;
  /** Kite's daily token expiry, for one session or all of them. */
  expireLogin(sessionId?: string): void;
}

interface McpSessionRecord {
  createdAt: number;
  terminatedAt?: number;
}

export function createSessionRegistry(options: { lifetimeMs: number; autoLogin: boolean; now?: () => number }): SessionRegistry {
  const now = options.now ?? Date.now;
  const mcpSessions = new Map<string, McpSessionRecord>();
  const streams = new Set<string>();
  const kite = new Map<string, KiteData>();

  function endedAt(record: McpSessionRecord): number {
    return Math.min(record.terminatedAt ?? Infinity, record.createdAt + options.lifetimeMs);
  }

  function validate(sessionId: string | undefined): SessionCheck {
    if (sessionId === undefined || !MCP_SESSION_PATTERN.test(sessionId)) return 'invalid';
    const record = mcpSessions.get(sessionId);
    if (record === undefined) return 'invalid';
    const ended = endedAt(record);
    if (now() < ended) return 'valid';
    if (now() >= ended + CLEANUP_DELAY_MS) {
      mcpSessions.delete(sessionId);
      kite.delete(sessionId);
      return 'invalid';
    }
    return 'terminated';
  }

  function isLive(sessionId: string): boolean {
    return streams.has(sessionId) || validate(sessionId) === 'valid';
  }

  return {
    generate() {
      const sessionId = `kitemcp-${randomUUID()}`;
      mcpSessions.set(sessionId, { createdAt: now() });
      if (options.autoLogin) kite.set(sessionId, { loggedIn: true });
      return sessionId;
    },
    validate,
    terminate(sessionId) {
      const record = mcpSessions.get(sessionId);
      if (record !== undefined && record.terminatedAt === undefined) record.terminatedAt = now();
      // The cleanup hook calls InvalidateAccessToken(): the Kite login ends with the session.
      kite.delete(sessionId);
    },
    openStream(sessionId) {
      streams.add(sessionId);
      if (options.autoLogin) kite.set(sessionId, { loggedIn: true });
    },
    closeStream(sessionId) {
      streams.delete(sessionId);
      kite.delete(sessionId);
    },
    isLive,
    kiteData(sessionId) {
      const existing = kite.get(sessionId);
      if (existing !== undefined) return { data: existing, isNew: false };
      const data: KiteData = { loggedIn: false };
      kite.set(sessionId, data);
      return { data, isNew: true };
    },
    resetKiteData(sessionId) {
      kite.set(sessionId, { loggedIn: false });
    },
    completeLogin(sessionId) {
      if (!isLive(sessionId)) return false;
      kite.set(sessionId, { loggedIn: true });
      return true;
    },
    isLoggedIn(sessionId) {
      return kite.get(sessionId)?.loggedIn === true;
    },
    expireLogin(sessionId) {
      for (const [id, data] of kite) if (sessionId === undefined || id === sessionId) data.loggedIn = false;
    },
  };
}

export interface SessionSigner {
  /** `<id>|<unixSeconds>.<padded base64url HMAC-SHA256 of "<id>|<unixSeconds>">` */
  sign(sessionId: string): string;
  /** The session id, or undefined for a bad, tampered or expired signature. */
  verify(signed: string): string | undefined;
}

/** A random key per fake instance, as the real server has one per process (a redeploy invalidates every link). */
export function createSessionSigner(options: { key?: Buffer; now?: () => number } = {}): SessionSigner {
  const key = options.key ?? randomBytes(32);
  const now = options.now ?? Date.now;
  const signature = (payload: string) => createHmac('sha256', key).update(payload).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');

  return {
    sign(sessionId) {
      const payload = `${sessionId}|${Math.floor(now() / 1000)}`;
      return `${payload}.${signature(payload)}`;
    },
    verify(signed) {
      const dot = signed.lastIndexOf('.');
      const bar = signed.lastIndexOf('|', dot);
      if (dot < 0 || bar <= 0) return undefined;
      const payload = signed.slice(0, dot);
      const given = Buffer.from(signed.slice(dot + 1));
      const expected = Buffer.from(signature(payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const seconds = Number(payload.slice(bar + 1));
      if (!Number.isInteger(seconds) || now() - seconds * 1000 > SIGNATURE_VALIDITY_MS) return undefined;
      return payload.slice(0, bar);
    },
  };
}
