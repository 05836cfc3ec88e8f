/**
 * The browser part of an OAuth login, as mcp/oauth.ts's provider runs it: the loopback listener's phases (idle,
 * listening, waiting for the code, exchanging it), the authorization link checked (login/safe-link.ts), shown and
 * opened with the state and the PKCE verifier that belong to it, and the wait for the code the browser brings back.
 * Nothing is printed but the link and the waiting lines; no token, code, verifier or state ever is.
 */
import { createHash } from 'node:crypto';
import type { OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js';
import { LoginRequiredError } from '../errors.js';
import type { OpenLink } from '../login/opener.js';
import { checkAuthorizationLink } from '../login/safe-link.js';
import type { Store } from '../store.js';
import { serverPlace } from './errors.js';
import { CALLBACK_PATH, startLoopbackListener, type LoopbackListener } from './oauth-listener.js';

/** Where the link and the waiting line go (stderr): Ui satisfies it. */
interface AuthorizationScreen {
  status(line: string): void;
  warn(line: string): void;
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

export interface FlowState {
  readonly deps: OAuthProviderDeps;
  /** The server as printed: origin and path. */
  readonly place: string;
  phase: Phase;
  opening: Promise<void> | undefined;
  /** The SDK may run two auth flows at once (a request and its event stream); each saves a verifier first. */
  unshownVerifiers: string[];
  /** The verifier of the link that was shown: the one the code will be traded with. */
  verifier: string | undefined;
  /** How many times the SDK has started its auth flow. */
  attempts: number;
  /** Work running with browser authorizations allowed (a connect, a tool call). */
  foreground: number;
}

export function createFlowState(deps: OAuthProviderDeps): FlowState {
  return {
    deps, place: serverPlace(deps.serverUrl), phase: { kind: 'idle' }, opening: undefined,
    unshownVerifiers: [], verifier: undefined, attempts: 0, foreground: 0,
  };
}

export function currentRedirect(state: FlowState): URL | undefined {
  const { phase } = state;
  if (phase.kind === 'listening' || phase.kind === 'waiting') return phase.listener.redirectUrl;
  if (phase.kind === 'exchanging') return phase.redirectUrl;
  return undefined;
}

/** The loopback redirect must exist before the SDK registers or builds the link, so it opens when auth starts. */
export function openListener(state: FlowState, saved: OAuthClientInformationMixed | undefined): Promise<void> {
  state.opening ??= startLoopbackListener({ preferredPort: registeredPort(saved) })
    .then(
      (listener) => {
        state.phase = { kind: 'listening', listener };
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new LoginRequiredError(`Could not listen on 127.0.0.1 for the login redirect (${reason}).`, { cause: error });
      },
    )
    .finally(() => {
      state.opening = undefined;
    });
  return state.opening;
}

export async function closeListener(state: FlowState): Promise<void> {
  const current = state.phase;
  state.phase = { kind: 'idle' };
  if (current.kind === 'listening' || current.kind === 'waiting') await current.listener.close();
}

/** The SDK sends the person to authorize: the link is checked, shown and opened, and the wait for its code begins. */
export async function redirectToAuthorization(state: FlowState, authorizationUrl: URL): Promise<void> {
  if (state.phase.kind === 'waiting') return; // the same login, started by a parallel request: one link, one tab
  if (state.foreground === 0) {
    await closeListener(state);
    throw new LoginRequiredError(`The MCP server at ${state.place} needs a new authorization; kite-chat asks for it with the next request.`);
  }
  const { listener, expectedState } = claimVerifier(state, authorizationUrl);
  const checked = checkAuthorizationLink(authorizationUrl.href);
  if (!checked.ok) {
    state.deps.screen.warn(checked.reason);
    await closeListener(state);
    throw new LoginRequiredError(checked.reason);
  }
  if (state.deps.timeoutMs <= 0) {
    await closeListener(state);
    throw new LoginRequiredError(
      `The MCP server at ${state.place} needs you to authorize kite-chat in a browser, which cannot finish with --login-timeout 0; run kite-chat login.`,
    );
  }
  const code = listener.waitForCode({ expectedState, timeoutMs: state.deps.timeoutMs, signal: state.deps.signal });
  code.catch(() => {}); // collected by waitForAuthorizationCode; an abandoned wait must not be an unhandled rejection
  state.phase = { kind: 'waiting', listener, code };
  await showAuthorizationLink(state, checked.url);
}

/** The state and the verifier are the ones of this link, whichever of two parallel flows built it. */
function claimVerifier(state: FlowState, authorizationUrl: URL): { listener: LoopbackListener; expectedState: string } {
  const expectedState = authorizationUrl.searchParams.get('state') ?? '';
  const challenge = authorizationUrl.searchParams.get('code_challenge');
  const matching = state.unshownVerifiers.find((candidate) => createHash('sha256').update(candidate).digest('base64url') === challenge);
  if (state.phase.kind !== 'listening' || expectedState === '' || matching === undefined) {
    throw new Error('The SDK asked for an authorization without a listener, a state or a matching PKCE verifier.');
  }
  state.verifier = matching;
  state.unshownVerifiers = [];
  return { listener: state.phase.listener, expectedState };
}

async function showAuthorizationLink(state: FlowState, url: URL): Promise<void> {
  const { screen, openLink, timeoutMs } = state.deps;
  screen.status(`The MCP server at ${state.place} asks you to authorize kite-chat. Open this link to continue:`);
  screen.status(url.href);
  if (openLink !== undefined) {
    const opened = await openLink(url);
    if (!opened.ok) screen.warn(`Could not open a browser (${opened.reason}); open the link above yourself.`);
  }
  screen.status(`Waiting for the authorization in your browser (up to ${Math.round(timeoutMs / 1000)} s)…`);
}

/** The code the browser brought back (state checked); `signal` ends the wait early, and so does the run's Ctrl-C. */
export async function waitForAuthorizationCode(state: FlowState, signal: AbortSignal | undefined): Promise<string> {
  if (state.phase.kind !== 'waiting') throw new Error('No authorization is waiting for a code.');
  const { listener, code } = state.phase;
  const stop = () => void closeListener(state); // the pending wait then rejects, and so does this one
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted === true) stop();
    const value = await code;
    state.phase = { kind: 'exchanging', redirectUrl: listener.redirectUrl };
    state.deps.screen.status('Authorization received; finishing the login…');
    return value;
  } catch (error) {
    await closeListener(state);
    signal?.throwIfAborted();
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** The port of a saved loopback registration, so the next login can reuse it (and need no new registration). */
function registeredPort(saved: OAuthClientInformationMixed | undefined): number | undefined {
  const first = saved !== undefined && 'redirect_uris' in saved ? saved.redirect_uris[0] : undefined;
  if (first === undefined || !URL.canParse(first)) return undefined;
  const url = new URL(first);
  if (url.hostname !== '127.0.0.1' || url.pathname !== CALLBACK_PATH || url.port === '') return undefined;
  return Number(url.port);
}
