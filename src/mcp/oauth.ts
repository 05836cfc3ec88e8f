/**
 * kite-chat's OAuth client for MCP servers that answer 401 (CONTRACT.md "Login"; Kite's next server, SERVER.md §6).
 * The SDK runs the protocol: RFC 9728 and RFC 8414 discovery, RFC 7591 registration, PKCE S256, refresh. This provider
 * supplies the loopback redirect (mcp/oauth-listener.ts), the state, the checked, shown and opened authorization link, and
 * the registration and tokens under KITE_CHAT_HOME (mcp/oauth-store.ts). Besides mcp/session.ts it is the one module that
 * imports the SDK (its auth types and schemas). It never prints a token, code, verifier, state or secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import {
  OAuthClientInformationFullSchema,
  OAuthClientInformationSchema,
  OAuthTokensSchema,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { LoginRequiredError } from '../errors.js';
import { errorChainText, serverPlace } from './errors.js';
import { CALLBACK_PATH, startLoopbackListener, type LoopbackListener } from './oauth-listener.js';
import { createOAuthStore, type OAuthRecord } from './oauth-store.js';
import type { OpenLink } from '../login/opener.js';
import { checkAuthorizationLink } from '../login/safe-link.js';
import type { Store } from '../store.js';

const CLIENT_NAME = 'kite-chat';
/** The state is a CSRF token (RFC 6749 §10.12): 256 random bits cannot be guessed by a page probing the port. */
const STATE_BYTES = 32;
/** Verifiers of auth flows that have not shown their link yet; two at once is the most seen (a call and the stream). */
const MAX_UNSHOWN_VERIFIERS = 4;

/** Where the link and the waiting line go (stderr): Ui satisfies it. */
export interface AuthorizationScreen {
  status(line: string): void;
  warn(line: string): void;
}

/** The SDK's provider plus what connectMcp needs to finish a login in the same run. */
export interface OAuthLoginProvider extends OAuthClientProvider {
  /** The user was sent to the authorization page and the code has not been collected yet. */
  readonly authorizationPending: boolean;
  /** How many times the SDK has started its auth flow; a failure after a new one is an authorization failure. */
  readonly authorizationAttempts: number;
  /**
   * The code the browser brought back (state checked); LoginRequiredError on a timeout, a refusal or a wrong state.
   * `signal` ends the wait early (a cancelled turn); Ctrl-C for the whole run is the provider's own signal.
   */
  waitForAuthorizationCode(signal?: AbortSignal): Promise<string>;
  /** Closes the loopback listener if it is open and forgets the login in progress; the provider stays usable. */
  closeListener(): Promise<void>;
  /**
   * Runs `work` (a connect, a tool call) with browser authorizations allowed. The SDK also authorizes for background
   * requests (reopening its event stream); with nothing in the foreground those are refused, so no browser opens
   * unasked. They may still refresh a token.
   */
  withAuthorizationAllowed<T>(work: () => Promise<T>): Promise<T>;
}

export interface OAuthProviderDeps {
  serverUrl: URL;
  store: Store;
  screen: AuthorizationScreen;
  /** undefined with --no-browser: the link is shown only. */
  openLink: OpenLink | undefined;
  /** --login-timeout in milliseconds; 0 means a browser authorization cannot be waited for. */
  timeoutMs: number;
  /** Aborts the wait (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'listening'; listener: LoopbackListener }
  | { kind: 'waiting'; listener: LoopbackListener; code: Promise<string> }
  | { kind: 'exchanging'; redirectUrl: URL };

export function createOAuthProvider(deps: OAuthProviderDeps): OAuthLoginProvider {
  const credentials = createOAuthStore(deps.store, deps.serverUrl);
  const place = serverPlace(deps.serverUrl);
  let phase: Phase = { kind: 'idle' };
  let opening: Promise<void> | undefined;
  /** The SDK may run two auth flows at once (a request and its event stream); each saves a verifier first. */
  let unshownVerifiers: string[] = [];
  let verifier: string | undefined;
  let attempts = 0;
  let foreground = 0;

  function currentRedirect(): URL | undefined {
    if (phase.kind === 'listening' || phase.kind === 'waiting') return phase.listener.redirectUrl;
    if (phase.kind === 'exchanging') return phase.redirectUrl;
    return undefined;
  }

  /** The loopback redirect must exist before the SDK registers or builds the link, so it opens when auth starts. */
  function openListener(saved: OAuthClientInformationMixed | undefined): Promise<void> {
    opening ??= startLoopbackListener({ preferredPort: registeredPort(saved) })
      .then(
        (listener) => {
          phase = { kind: 'listening', listener };
        },
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          throw new LoginRequiredError(`Could not listen on 127.0.0.1 for the login redirect (${reason}).`, { cause: error });
        },
      )
      .finally(() => {
        opening = undefined;
      });
    return opening;
  }

  async function closeListener(): Promise<void> {
    const current = phase;
    phase = { kind: 'idle' };
    if (current.kind === 'listening' || current.kind === 'waiting') await current.listener.close();
  }

  function update(change: (record: OAuthRecord) => OAuthRecord): Promise<void> {
    return credentials.update(change).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      deps.screen.warn(`Could not save the login under ${deps.store.home} (${reason}); the next run will need a new one.`);
    });
  }

  return {
    get redirectUrl() {
      return currentRedirect()?.href;
    },

    get clientMetadata(): OAuthClientMetadata {
      const redirect = currentRedirect();
      return {
        client_name: CLIENT_NAME,
        redirect_uris: redirect === undefined ? [] : [redirect.href],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none', // a public client (RFC 8252 §8.4): nothing secret ships with a CLI
      };
    },

    get authorizationPending() {
      return phase.kind === 'waiting';
    },

    get authorizationAttempts() {
      return attempts;
    },

    /** Called first by every SDK auth flow; nothing is cached, so the SDK discovers afresh each time. */
    discoveryState() {
      attempts += 1;
      return undefined;
    },

    state() {
      return randomBytes(STATE_BYTES).toString('base64url'); // checked against the link actually shown, not kept here
    },

    async clientInformation() {
      const saved = parseClientInformation((await credentials.read()).clientInformation);
      if (phase.kind === 'idle') await openListener(saved);
      const redirect = currentRedirect();
      // A registration made for another loopback port is not used: servers may match redirect URIs exactly.
      if (saved !== undefined && 'redirect_uris' in saved && redirect !== undefined && !saved.redirect_uris.includes(redirect.href)) {
        return undefined;
      }
      return saved;
    },

    async saveClientInformation(clientInformation) {
      await update((record) => ({ ...record, clientInformation }));
    },

    async tokens() {
      return parseTokens((await credentials.read()).tokens);
    },

    async saveTokens(tokens: OAuthTokens) {
      await update((record) => ({ ...record, tokens }));
      // Tokens without a code (a refresh), or after the exchange: no browser is coming back.
      if (phase.kind !== 'waiting') await closeListener();
    },

    saveCodeVerifier(codeVerifier) {
      unshownVerifiers = [...unshownVerifiers, codeVerifier].slice(-MAX_UNSHOWN_VERIFIERS);
    },

    codeVerifier() {
      if (verifier === undefined) throw new Error('No PKCE code verifier was saved for this login.');
      return verifier;
    },

    async redirectToAuthorization(authorizationUrl) {
      if (phase.kind === 'waiting') return; // the same login, started by a parallel request: one link, one tab
      if (foreground === 0) {
        await closeListener();
        throw new LoginRequiredError(`The MCP server at ${place} needs a new authorization; kite-chat asks for it with the next request.`);
      }
      // The state and the verifier are the ones of this link, whichever of two parallel flows built it.
      const expectedState = authorizationUrl.searchParams.get('state') ?? '';
      const challenge = authorizationUrl.searchParams.get('code_challenge');
      const matching = unshownVerifiers.find((candidate) => createHash('sha256').update(candidate).digest('base64url') === challenge);
      if (phase.kind !== 'listening' || expectedState === '' || matching === undefined) {
        throw new Error('The SDK asked for an authorization without a listener, a state or a matching PKCE verifier.');
      }
      verifier = matching;
      unshownVerifiers = [];
      const checked = checkAuthorizationLink(authorizationUrl.href);
      if (!checked.ok) {
        deps.screen.warn(checked.reason);
        await closeListener();
        throw new LoginRequiredError(checked.reason);
      }
      if (deps.timeoutMs <= 0) {
        await closeListener();
        throw new LoginRequiredError(
          `The MCP server at ${place} needs you to authorize kite-chat in a browser, which cannot finish with --login-timeout 0; run kite-chat login.`,
        );
      }
      const { listener } = phase;
      const code = listener.waitForCode({ expectedState, timeoutMs: deps.timeoutMs, signal: deps.signal });
      code.catch(() => {}); // collected by waitForAuthorizationCode; an abandoned wait must not be an unhandled rejection
      phase = { kind: 'waiting', listener, code };
      deps.screen.status(`The MCP server at ${place} asks you to authorize kite-chat. Open this link to continue:`);
      deps.screen.status(checked.url.href);
      if (deps.openLink !== undefined) {
        const opened = await deps.openLink(checked.url);
        if (!opened.ok) deps.screen.warn(`Could not open a browser (${opened.reason}); open the link above yourself.`);
      }
      deps.screen.status(`Waiting for the authorization in your browser (up to ${Math.round(deps.timeoutMs / 1000)} s)…`);
    },

    async waitForAuthorizationCode(signal) {
      if (phase.kind !== 'waiting') throw new Error('No authorization is waiting for a code.');
      const { listener, code } = phase;
      const stop = () => void closeListener(); // the pending wait then rejects, and so does this one
      signal?.addEventListener('abort', stop, { once: true });
      try {
        if (signal?.aborted === true) stop();
        const value = await code;
        phase = { kind: 'exchanging', redirectUrl: listener.redirectUrl };
        deps.screen.status('Authorization received; finishing the login…');
        return value;
      } catch (error) {
        await closeListener();
        signal?.throwIfAborted();
        throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    },

    async invalidateCredentials(scope) {
      // The SDK calls this when the server rejects a client (all) or a grant (tokens), then starts over.
      if (scope === 'all' || scope === 'verifier') {
        verifier = undefined;
        unshownVerifiers = [];
      }
      if (scope === 'all') await update(() => ({}));
      if (scope === 'client') await update(({ tokens }) => (tokens === undefined ? {} : { tokens }));
      if (scope === 'tokens') await update(({ clientInformation }) => (clientInformation === undefined ? {} : { clientInformation }));
    },

    closeListener,

    async withAuthorizationAllowed(work) {
      foreground += 1;
      try {
        return await work();
      } finally {
        foreground -= 1;
      }
    },
  };
}

/**
 * A printable reason for a failed OAuth step: the OAuth error code and the server's description, or the network
 * reason; never the raw body the SDK quotes when a reply is not OAuth JSON (it could echo what was sent).
 */
export function describeAuthorizationError(error: unknown): string {
  if (!(error instanceof OAuthError)) return errorChainText(error);
  if (!/Invalid OAuth error response/.test(error.message)) {
    return error.message.trim() === '' ? error.errorCode : `${error.errorCode}: ${error.message}`;
  }
  const status = /^HTTP (\d{3})/.exec(error.message)?.[1];
  return status === undefined ? 'the reply was not OAuth JSON' : `HTTP ${status}, not OAuth JSON`;
}

/** The saved registration when it still has the shape the SDK wrote; a damaged one is as good as none. */
function parseClientInformation(value: unknown): OAuthClientInformationMixed | undefined {
  const full = OAuthClientInformationFullSchema.safeParse(value);
  if (full.success) return full.data;
  const plain = OAuthClientInformationSchema.safeParse(value);
  return plain.success ? plain.data : undefined;
}

function parseTokens(value: unknown): OAuthTokens | undefined {
  const parsed = OAuthTokensSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The port of a saved loopback registration, so the next login can reuse it (and need no new registration). */
function registeredPort(saved: OAuthClientInformationMixed | undefined): number | undefined {
  const first = saved !== undefined && 'redirect_uris' in saved ? saved.redirect_uris[0] : undefined;
  if (first === undefined || !URL.canParse(first)) return undefined;
  const url = new URL(first);
  if (url.hostname !== '127.0.0.1' || url.pathname !== CALLBACK_PATH || url.port === '') return undefined;
  return Number(url.port);
}
