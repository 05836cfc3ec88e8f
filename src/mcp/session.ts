/**
 * Connecting to an MCP server with the SDK's client, over legacy HTTP+SSE or Streamable HTTP (fresh, resumed by a
 * saved session id, or after a browser authorization): the link is opened (mcp/link.ts), connected within a time
 * limit with every failure turned into our error vocabulary (mcp/errors.ts, mcp/sdk-errors.ts), and handed back as
 * the McpSession everything above mcp/ sees (mcp/live-session.ts). It never prints; details go to
 * NODE_DEBUG=kite-chat, redacted.
 */
import { debuglog } from 'node:util';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { CliError, ConfigError, LoginRequiredError, McpConnectError } from '../errors.js';
import type { Tool } from '../tools/tool.js';
import {
  authorizationFailureMessage, connectFailureMessage, McpSessionGoneError, McpUnauthorizedError,
} from './errors.js';
import { openLink, type Link, type LinkOptions } from './link.js';
import { fetchTools, liveSession, type McpSession } from './live-session.js';
import { completeAuthorization, describeAuthorizationError } from './oauth.js';
import { classify, isAuthorizationError } from './sdk-errors.js';

export { AuthorizationRenewedError, McpSessionGoneError, McpUnauthorizedError, ToolTimeoutError } from './errors.js';
export { transportKindOf, type TransportKind } from './link.js';
export type { McpServerInfo, McpSession } from './live-session.js';

/** The hosted server answers initialize in well under a second; a server silent for 30 s will not answer at all. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

const debug = debuglog('kite-chat');

export interface ConnectOptions extends LinkOptions {
  connectTimeoutMs?: number;
  /**
   * false: saved OAuth tokens are used (and refreshed), but a server that wants a new authorization is refused rather
   * than the user sent to a browser (`kite-chat doctor`). Default true.
   */
  allowAuthorization?: boolean;
}

type FinishAuth = (code: string) => Promise<void>;

/** A connect attempt that sent the user to authorize; connectMcp waits for the code. A second one is a failure. */
class AuthorizationStarted extends LoginRequiredError {
  readonly finishAuth: FinishAuth;
  constructor(place: string, finishAuth: FinishAuth) {
    super(`The MCP server at ${place} asked for another authorization right after one was given; run kite-chat login again.`);
    this.finishAuth = finishAuth;
  }
}

/**
 * A connected session; with an authProvider (mcp/oauth.ts: servers that answer 401 with OAuth metadata), after the
 * browser authorization it took, at most one per connect: connectMcp waits for the browser's code, trades it and
 * connects again.
 */
export async function connectMcp(options: ConnectOptions): Promise<McpSession> {
  const { authProvider } = options;
  const connect = async () => {
    try {
      return await connectOnce(options).catch(async (error: unknown) => {
        if (!(error instanceof AuthorizationStarted) || authProvider === undefined) throw error;
        await completeAuthorization(authProvider, error.finishAuth, options.url);
        return connectOnce(options);
      });
    } finally {
      await authProvider?.closeListener(); // open only while a login is in progress
    }
  };
  return authProvider === undefined || options.allowAuthorization === false ? connect() : authProvider.withAuthorizationAllowed(connect);
}

async function connectOnce(options: ConnectOptions): Promise<McpSession> {
  // fetch refuses such URLs anyway; say why instead of failing obscurely (config/resolve.ts checks this too).
  if (options.url.username !== '' || options.url.password !== '') throw new ConfigError('The MCP server URL must not contain a user name or password.');
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const link = openLink(options);
  const { toolList } = await establish(link, timeoutMs);
  link.connected = true;
  debug('connected to %s over %s (%s)', link.place, link.transportKind, link.resumeId === undefined ? 'new session' : 'resumed');
  return liveSession(link, { timeoutMs, toolList });
}

/**
 * Connects within the time limit. A resumed id is only checked by the first real request, so the tools are listed
 * now: a session the server has forgotten surfaces here as McpSessionGoneError instead of in the first question.
 * Resolves with that listing (none for a new session).
 */
async function establish(link: Link, timeoutMs: number): Promise<{ toolList: Promise<Tool[]> | undefined }> {
  const authorizationsBefore = link.authProvider?.authorizationAttempts ?? 0;
  let toolList: Promise<Tool[]> | undefined;
  const open = async () => {
    await link.client.connect(link.transport, { timeout: timeoutMs });
    if (link.resumeId !== undefined) toolList = fetchTools(link, timeoutMs);
    await toolList;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      open(),
      new Promise<never>((_, reject) => {
        link.abandonConnect = reject;
        timer = setTimeout(() => reject(new McpConnectError(connectFailureMessage(link.place, { kind: 'timeout', seconds: timeoutMs / 1000 }))), timeoutMs);
      }),
    ]);
    return { toolList };
  } catch (error) {
    link.log('connect failed', error);
    link.ended = true;
    await link.client.close().catch(() => {}); // also stops the SSE EventSource from retrying in the background
    throw connectFailure(link, error, authorizationsBefore);
  } finally {
    clearTimeout(timer);
  }
}

function connectFailure(link: Link, error: unknown, authorizationsBefore: number): Error {
  const { place, authProvider } = link;
  if (error instanceof CliError) return error; // ours already: a timeout, or a login the provider refused
  // The SDK sent the user to the authorization page (mcp/oauth.ts showed the link) and gave up on this attempt.
  if (error instanceof UnauthorizedError && authProvider?.authorizationPending === true) {
    return new AuthorizationStarted(place, (code) => link.transport.finishAuth(code));
  }
  if (authProvider !== undefined && authProvider.authorizationAttempts > authorizationsBefore && isAuthorizationError(error)) {
    return new McpConnectError(authorizationFailureMessage(place, describeAuthorizationError(error)), { cause: error });
  }
  const failure = classify(error, link.resumeId !== undefined);
  if (failure.kind === 'gone') return new McpSessionGoneError(place, failure.status, { cause: error });
  if (failure.kind === 'unauthorized') return new McpUnauthorizedError(connectFailureMessage(place, failure), { cause: error });
  return new McpConnectError(connectFailureMessage(place, failure), { cause: error });
}
