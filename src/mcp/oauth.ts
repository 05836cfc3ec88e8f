/**
 * kite-chat's OAuth client for MCP servers that answer 401 (CONTRACT.md "Login"; Kite's next server, SERVER.md §6).
 * The SDK runs the protocol: RFC 9728 and RFC 8414 discovery, RFC 7591 registration, PKCE S256, refresh. This provider
 * supplies the loopback redirect (mcp/oauth-listener.ts), the state, the checked, shown and opened authorization link
 * (mcp/oauth-flow.ts), and the registration and tokens under KITE_CHAT_HOME (mcp/oauth-store.ts). It never prints a
 * token, code, verifier, state or secret.
 */
import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
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
import { CliError, LoginRequiredError } from '../errors.js';
import { safeLine } from '../redact.js';
import { authorizationFailureMessage, errorChainText, serverPlace } from './errors.js';
import {
  closeListener, createFlowState, currentRedirect, openListener, redirectToAuthorization, waitForAuthorizationCode,
  type FlowState, type OAuthProviderDeps,
} from './oauth-flow.js';
import { createOAuthStore, type OAuthRecord, type OAuthStore } from './oauth-store.js';

const CLIENT_NAME = 'kite-chat';
/** The state is a CSRF token (RFC 6749 §10.12): 256 random bits cannot be guessed by a page probing the port. */
const STATE_BYTES = 32;
/** Verifiers of auth flows that have not shown their link yet; two at once is the most seen (a call and the stream). */
const MAX_UNSHOWN_VERIFIERS = 4;

const debug = debuglog('kite-chat');

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

export function createOAuthProvider(deps: OAuthProviderDeps): OAuthLoginProvider {
  const credentials = createOAuthStore(deps.store, deps.serverUrl);
  const flow = createFlowState(deps);
  const update = (change: (record: OAuthRecord) => OAuthRecord) => saveCredentials(deps, credentials, change);
  return {
    get redirectUrl() {
      return currentRedirect(flow)?.href;
    },
    get clientMetadata() {
      return clientMetadata(currentRedirect(flow));
    },
    get authorizationPending() {
      return flow.phase.kind === 'waiting';
    },
    get authorizationAttempts() {
      return flow.attempts;
    },
    /** Called first by every SDK auth flow; nothing is cached, so the SDK discovers afresh each time. */
    discoveryState() {
      flow.attempts += 1;
      return undefined;
    },
    state: () => randomBytes(STATE_BYTES).toString('base64url'), // checked against the link actually shown, not kept here
    clientInformation: () => clientInformation(flow, credentials),
    saveClientInformation: (clientInformation) => update((record) => ({ ...record, clientInformation })),
    tokens: async () => parseTokens((await credentials.read()).tokens),
    saveTokens: (tokens) => saveTokens(flow, update, tokens),
    saveCodeVerifier(codeVerifier) {
      flow.unshownVerifiers = [...flow.unshownVerifiers, codeVerifier].slice(-MAX_UNSHOWN_VERIFIERS);
    },
    codeVerifier() {
      if (flow.verifier === undefined) throw new Error('No PKCE code verifier was saved for this login.');
      return flow.verifier;
    },
    redirectToAuthorization: (authorizationUrl) => redirectToAuthorization(flow, authorizationUrl),
    waitForAuthorizationCode: (signal) => waitForAuthorizationCode(flow, signal),
    invalidateCredentials: (scope) => invalidateCredentials(flow, update, scope),
    closeListener: () => closeListener(flow),
    withAuthorizationAllowed: (work) => withForeground(flow, work),
  };
}

/**
 * Waits for the code the browser brings back, then lets the SDK trade it for tokens (the provider saves them).
 * `finishAuth` is the transport's that started the authorization; a failed exchange is one LoginRequiredError line.
 */
export async function completeAuthorization(
  provider: OAuthLoginProvider,
  finishAuth: (code: string) => Promise<void>,
  serverUrl: URL,
  signal?: AbortSignal,
): Promise<void> {
  const code = await provider.waitForAuthorizationCode(signal);
  await finishAuth(code).catch((error: unknown) => {
    debug('finishing the authorization failed: %s', safeLine(errorChainText(error)));
    if (error instanceof CliError) throw error;
    throw new LoginRequiredError(authorizationFailureMessage(serverPlace(serverUrl), describeAuthorizationError(error)), { cause: error });
  });
}

function clientMetadata(redirect: URL | undefined): OAuthClientMetadata {
  return {
    client_name: CLIENT_NAME,
    redirect_uris: redirect === undefined ? [] : [redirect.href],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none', // a public client (RFC 8252 §8.4): nothing secret ships with a CLI
  };
}

async function clientInformation(flow: FlowState, credentials: OAuthStore): Promise<OAuthClientInformationMixed | undefined> {
  const saved = parseClientInformation((await credentials.read()).clientInformation);
  if (flow.phase.kind === 'idle') await openListener(flow, saved);
  const redirect = currentRedirect(flow);
  // A registration made for another loopback port is not used: servers may match redirect URIs exactly.
  if (saved !== undefined && 'redirect_uris' in saved && redirect !== undefined && !saved.redirect_uris.includes(redirect.href)) {
    return undefined;
  }
  return saved;
}

async function saveTokens(flow: FlowState, update: (change: (record: OAuthRecord) => OAuthRecord) => Promise<void>, tokens: OAuthTokens): Promise<void> {
  await update((record) => ({ ...record, tokens }));
  // Tokens without a code (a refresh), or after the exchange: no browser is coming back.
  if (flow.phase.kind !== 'waiting') await closeListener(flow);
}

/** The SDK calls this when the server rejects a client (all) or a grant (tokens), then starts over. */
async function invalidateCredentials(
  flow: FlowState,
  update: (change: (record: OAuthRecord) => OAuthRecord) => Promise<void>,
  scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery',
): Promise<void> {
  if (scope === 'all' || scope === 'verifier') {
    flow.verifier = undefined;
    flow.unshownVerifiers = [];
  }
  if (scope === 'all') await update(() => ({}));
  if (scope === 'client') await update(({ tokens }) => (tokens === undefined ? {} : { tokens }));
  if (scope === 'tokens') await update(({ clientInformation }) => (clientInformation === undefined ? {} : { clientInformation }));
}

async function withForeground<T>(flow: FlowState, work: () => Promise<T>): Promise<T> {
  flow.foreground += 1;
  try {
    return await work();
  } finally {
    flow.foreground -= 1;
  }
}

/** A save that fails costs the next run a login, not this one: said once as a warning. */
function saveCredentials(deps: OAuthProviderDeps, credentials: OAuthStore, change: (record: OAuthRecord) => OAuthRecord): Promise<void> {
  return credentials.update(change).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    deps.screen.warn(`Could not save the login under ${deps.store.home} (${reason}); the next run will need a new one.`);
  });
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
