/**
 * The OAuth provider as the CLI makes one (src/mcp/oauth.ts), for the in-process OAuth tests: the test BROWSER
 * (browser-oauth.mjs, spawned by the real opener) or a given opener, a store under `home`, and every screen line and
 * opened link recorded for the test to read.
 */
import { createOpener, type OpenLink } from '../../src/login/opener.js';
import { createOAuthProvider, type OAuthLoginProvider } from '../../src/mcp/oauth.js';
import { createStore } from '../../src/store.js';
import { BROWSER_OAUTH } from './run-cli.js';

/** How long a provider waits for the browser to come back unless a test says otherwise. */
const LOGIN_TIMEOUT_MS = 15_000;

export interface RecordedLogin {
  provider: OAuthLoginProvider;
  /** Every line shown on the screen (status and warnings). */
  lines: string[];
  /** Every link handed to the opener. */
  opened: URL[];
}

export interface LoginOptions {
  browser?: OpenLink;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function recordedOAuthLogin(serverUrl: string, home: string, options: LoginOptions = {}): RecordedLogin {
  const lines: string[] = [];
  const opened: URL[] = [];
  const browser = options.browser ?? createOpener({ browser: BROWSER_OAUTH, platform: process.platform });
  const provider = createOAuthProvider({
    serverUrl: new URL(serverUrl),
    store: createStore(home, { uid: process.getuid?.() }),
    screen: { status: (line) => lines.push(line), warn: (line) => lines.push(line) },
    openLink: async (url) => {
      opened.push(url);
      return browser(url);
    },
    timeoutMs: options.timeoutMs ?? LOGIN_TIMEOUT_MS,
    signal: options.signal,
  });
  return { provider, lines, opened };
}
