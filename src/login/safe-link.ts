/**
 * Which links kite-chat will open in a browser (CONTRACT.md "Login", PEERS.md R6/R7): Kite's login page, a link on
 * the MCP server's own origin, and OAuth authorization pages over https (http only on loopback). Also reads the
 * login link and Kite's risk warning out of the `login` tool's text (SERVER.md §2) by their place in it, not by a
 * host or path: the hosted server's link has changed form before. Pure: opening is login/opener.ts's job.
 */
import { printableAscii, sanitizeForTerminal } from '../terminal/text.js';

/** gokiteconnect hard-codes this login host; the server cannot change it (SERVER.md §2). */
const KITE_LOGIN_HOST = 'kite.zerodha.com';
/** RFC 8252 loopback redirects; `[::1]` is how WHATWG URL spells the IPv6 loopback host. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** Whitespace, backslashes, controls (Cc) and invisible format characters such as bidi overrides (Cf). */
const UNSAFE_LINK_CHARACTERS = /[\s\\\p{Cc}\p{Cf}]/u;
/** A host shown in a warning is cut to this many characters, so a crafted host cannot flood the terminal. */
const MAX_SHOWN_HOST_CHARS = 80;
/**
 * The target of the first markdown link `[label](target)` or `[label](<target>)`. It ends at whitespace or the first
 * `)`: Kite's links hold neither, and a target cut there keeps its scheme and host, which is all the check reads.
 */
const MARKDOWN_LINK_TARGET = /\[[^\]\n]*\]\(\s*<?([^\s)<>"`]+)/;
/** A bare http(s) link in prose: it ends at whitespace, a closing bracket, a quote or a backtick. */
const BARE_LINK = /\bhttps?:\/\/[^\s)\]<>"`]+/i;
/** Punctuation that ends a sentence or markdown emphasis right after a bare link; Kite's links end in `%3D`. */
const TRAILING_PUNCTUATION = /[.,;:!?*']+$/;
/** The server's warning is one sentence; anything longer is not the warning we know. */
const MAX_WARNING_CHARS = 400;

/** Kite's risk warning, word for word as the v0.3 `login` tool sends it (SERVER.md §2), without the markdown. */
export const KITE_RISK_WARNING =
  '⚠️ WARNING: AI systems are unpredictable and non-deterministic. ' +
  'By continuing, you agree to interact with your Zerodha account via AI at your own risk.';

type LinkCheck = { ok: true; url: URL } | { ok: false; reason: string; host: string };

/** A Kite login link may be opened if it is on https://kite.zerodha.com or on the MCP server's own origin. */
export function checkLoginLink(link: string, mcpServerUrl: URL): LinkCheck {
  const parsed = parseLink(link, 'login link');
  if (!parsed.ok) return parsed;
  const { url, host } = parsed;
  if (url.hostname === KITE_LOGIN_HOST) {
    if (url.protocol !== 'https:') return refuse('login link', host, 'it uses http instead of https');
    if (url.port !== '') return refuse('login link', host, `it uses port ${url.port} instead of Kite's default`);
    return { ok: true, url };
  }
  const serverIsWeb = mcpServerUrl.protocol === 'https:' || mcpServerUrl.protocol === 'http:';
  if (serverIsWeb && url.origin === mcpServerUrl.origin) return { ok: true, url };
  const server = sanitizeHost(mcpServerUrl.host);
  return refuse('login link', host, `it is neither ${KITE_LOGIN_HOST} nor the MCP server (${server})`);
}

/** An OAuth authorization page may be opened over https, or over http on this machine's loopback. */
export function checkAuthorizationLink(link: string): LinkCheck {
  const parsed = parseLink(link, 'authorization link');
  if (!parsed.ok) return parsed;
  const { url, host } = parsed;
  if (url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, url };
  return refuse('authorization link', host, 'it uses http on a host that is not this computer');
}

/**
 * The login link in the `login` tool's text, read by its place as a person reads it on a terminal: the target of the
 * markdown link, else the first bare http(s) link. Today's hosted server sends `https://mcp.kite.trade/authorize?…`
 * and the v0.3.1 source `https://kite.zerodha.com/connect/login?…`, each twice (SERVER.md §2). Whatever is found here
 * is only a candidate: checkLoginLink decides by scheme and origin whether it may be opened.
 */
export function extractLoginLink(text: string): string | undefined {
  const visible = sanitizeForTerminal(text); // a link hidden in an escape sequence is not one a person sees
  const target = MARKDOWN_LINK_TARGET.exec(visible)?.[1];
  if (target !== undefined) return target;
  // Never '': a match starts with `http://` or `https://`, and `/` is not trailing punctuation.
  return BARE_LINK.exec(visible)?.[0].replace(TRAILING_PUNCTUATION, '');
}

/** The ⚠️ WARNING sentence of the `login` text, without markdown, or undefined when the text has none. */
export function extractLoginWarning(text: string): string | undefined {
  const line = text.split('\n').find((candidate) => candidate.includes('WARNING'));
  if (line === undefined) return undefined;
  const plain = sanitizeForTerminal(line).replace(/\*+/g, '').replace(/\s+/g, ' ').trim();
  if (plain === '' || plain.length > MAX_WARNING_CHARS) return undefined;
  return plain;
}

type ParsedLink = { ok: true; url: URL; host: string } | { ok: false; reason: string; host: string };

/** The checks every link must pass before its host is even considered. */
function parseLink(link: string, kind: string): ParsedLink {
  const url = URL.canParse(link) ? new URL(link) : undefined;
  const host = sanitizeHost(url?.host ?? '');
  if (UNSAFE_LINK_CHARACTERS.test(link)) {
    return refuse(kind, host, 'it contains spaces, control characters, invisible characters or backslashes');
  }
  if (url === undefined) return refuse(kind, host, 'it is not a valid URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse(kind, host, `it uses the ${sanitizeHost(url.protocol.slice(0, -1))}: scheme, not https`);
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(kind, host, 'it hides its real host behind a user name (the part before @)');
  }
  if (url.hostname.split('.').some((label) => label.startsWith('xn--'))) {
    return refuse(kind, host, 'its host has non-ASCII look-alike letters');
  }
  return { ok: true, url, host };
}

/** One line that names the link's real host, as parsed, so the user sees where it actually points. */
function refuse(kind: string, host: string, why: string): { ok: false; reason: string; host: string } {
  const where = host === '' ? '(no host)' : `to ${host}`;
  return { ok: false, reason: `Refused to open the ${kind} ${where}: ${why}.`, host };
}

/** A parsed host as it may be shown: printable ASCII only (WHATWG URL already turned Unicode into punycode). */
function sanitizeHost(host: string): string {
  return printableAscii(host, MAX_SHOWN_HOST_CHARS);
}
