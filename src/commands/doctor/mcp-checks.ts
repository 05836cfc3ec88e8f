/**
 * The MCP checks of `kite-chat doctor`: `mcp-server` (a new session: transport, the server's name and version, the
 * protocol), `tools` (read and write counts, and what changed since the list saved last, which stays as it was), and
 * `login` (who is logged in, on the saved session when there is one, with its age). Reads only: the server's profile
 * call (`get_profile`, or the next server's `portfolio` profile) is the one tool called, never `login`; saved OAuth tokens are used, but no authorization is started and no browser opened.
 */
import type { Config } from '../../config/resolve.js';
import { CliError, LoginRequiredError } from '../../errors.js';
import type { AddCheck, Check } from './report.js';
import { readSavedSession, SESSION_LIFETIME_MS } from '../../mcp/connection.js';
import { connectMcp, McpSessionGoneError, McpUnauthorizedError, type McpSession } from '../../mcp/session.js';
import { createOAuthProvider, type OAuthLoginProvider } from '../../mcp/oauth.js';
import { createOAuthStore } from '../../mcp/oauth-store.js';
import { redactLink } from '../../redact.js';
import type { Store } from '../../store.js';
import { describeDrift, isEmpty, readToolDrift } from '../../tools/drift.js';
import { classifyCall, classifyTool, detectCatalog, PROFILE_CALLS, type Catalog, type ProfileCall } from '../../tools/policy.js';
import { userNameFromAnswer } from '../../login/kite-login.js';
import { toolOutcome } from '../../tools/schema.js';
import type { Tool } from '../../tools/tool.js';
import type { Ui } from '../../terminal/ui.js';

const TRANSPORT_NAMES = { sse: 'legacy HTTP+SSE', 'streamable-http': 'Streamable HTTP' } as const;

export async function checkMcp(config: Config, deps: { add: AddCheck; ui: Ui; store: Store }): Promise<void> {
  const { add, store } = deps;
  const authProvider = await savedAuthorization(config, store, deps.ui);
  let session: McpSession;
  try {
    session = await connectMcp({ url: config.url, authProvider, allowAuthorization: false });
  } catch (error) {
    for (const check of connectFailure(error, config)) add(check);
    return;
  }
  try {
    add(serverCheck(session));
    let tools: Tool[];
    try {
      tools = await session.listTools();
    } catch (error) {
      add({ name: 'tools', status: 'fail', detail: messageOf(error) });
      add({ name: 'login', status: 'warn', detail: 'not checked: the server did not list its tools' });
      return;
    }
    const catalog = detectCatalog(tools.map((tool) => tool.name));
    add(await toolsCheck(tools, catalog, config, store));
    add(await loginCheck(session, tools, catalog, { config, store, authProvider }));
  } finally {
    await session.close().catch(() => {}); // close, never terminate: ending the session would revoke a login
  }
}

/** A provider for a server whose OAuth tokens are saved (it may refresh them); none otherwise, so nothing registers. */
async function savedAuthorization(config: Config, store: Store, ui: Ui): Promise<OAuthLoginProvider | undefined> {
  const saved = await createOAuthStore(store, config.url).read().catch(() => ({}));
  if (!('tokens' in saved)) return undefined;
  return createOAuthProvider({ serverUrl: config.url, store, screen: ui, openLink: undefined, timeoutMs: 0 });
}

function connectFailure(error: unknown, config: Config): Check[] {
  if (error instanceof McpUnauthorizedError || error instanceof LoginRequiredError) {
    const waiting = 'not checked: the server wants an authorization first';
    return [
      { name: 'mcp-server', status: 'warn', detail: `${place(config)} answers, but wants an OAuth authorization before it lists anything` },
      { name: 'tools', status: 'warn', detail: waiting },
      { name: 'login', status: 'warn', detail: `not authorized: run \`${loginCommand(config)}\`` },
    ];
  }
  const notChecked = 'not checked: no connection to the MCP server';
  return [
    { name: 'mcp-server', status: 'fail', detail: messageOf(error) },
    { name: 'tools', status: 'warn', detail: notChecked },
    { name: 'login', status: 'warn', detail: notChecked },
  ];
}

function serverCheck(session: McpSession): Check {
  const transport = TRANSPORT_NAMES[session.transportKind];
  const server = session.server;
  const named = server === undefined
    ? 'the server did not name itself'
    : `${server.name} ${server.version} · protocol ${server.protocolVersion ?? 'not given'}`;
  return { name: 'mcp-server', status: 'ok', detail: `${redactLink(session.url.href)} · ${transport} · ${named}` };
}

async function toolsCheck(tools: readonly Tool[], catalog: Catalog, config: Config, store: Store): Promise<Check> {
  if (tools.length === 0) return { name: 'tools', status: 'fail', detail: 'the server lists no tools: check --url / KITE_MCP_URL' };
  const classes = new Map(tools.map((tool) => [tool.name, classifyTool(tool, catalog)] as const));
  const writes = [...classes.values()].filter((toolClass) => toolClass === 'write').length;
  const counts = `${tools.length} tools (${tools.length - writes} read, ${writes} write)`;
  const seen = await readToolDrift({ store, serverUrl: config.url, tools, classes }).catch(() => undefined);
  if (seen === undefined) return { name: 'tools', status: 'ok', detail: `${counts}; no earlier list saved to compare with` };
  if (isEmpty(seen.drift)) return { name: 'tools', status: 'ok', detail: `${counts}; unchanged since ${seen.since}` };
  // describeDrift's first line is a heading; the rest name each change (and warn about new write tools).
  const changes = describeDrift(seen.drift, place(config), seen.since).slice(1).map((line) => line.trim());
  return {
    name: 'tools',
    status: 'warn',
    detail: `${counts}; changed since ${seen.since}: ${changes.join('; ')}. The next chat or --ask records the new list.`,
  };
}

/**
 * Who is logged in: on the saved session when there is one (what the next run resumes), else on the new one. The
 * saved session is resumed with the saved OAuth token too, as the next run would: an OAuth server answers 401 without.
 */
async function loginCheck(
  session: McpSession,
  tools: readonly Tool[],
  catalog: Catalog,
  { config, store, authProvider }: { config: Config; store: Store; authProvider: OAuthLoginProvider | undefined },
): Promise<Check> {
  const probe = catalog === 'other' ? undefined : PROFILE_CALLS[catalog];
  const tool = tools.find((candidate) => candidate.name === probe?.name);
  // Only ever a read: the profile call is checked against the same classes that gate the model's calls.
  if (probe === undefined || tool === undefined || classifyCall(probe.name, probe.args, classifyTool(tool, catalog), catalog) !== 'read') {
    return { name: 'login', status: 'ok', detail: 'not a Kite server (its tools are not Kite\'s), so there is no Kite login to check' };
  }
  const toolTimeoutMs = config.toolTimeoutSeconds * 1000;
  const now = Date.now();
  const saved = session.transportKind === 'streamable-http' ? await readSavedSession(store, config.url, now).catch(() => undefined) : undefined;
  if (saved === undefined) {
    const userName = await profileName(session, probe, toolTimeoutMs);
    if (userName !== undefined) return { name: 'login', status: 'ok', detail: `logged in as ${userName}` };
    return { name: 'login', status: 'warn', detail: notLoggedIn(config, session.transportKind) };
  }
  const age = `saved session ${duration(now - saved.createdAt)} old`;
  let resumed: McpSession;
  try {
    resumed = await connectMcp({ url: config.url, sessionId: saved.sessionId, authProvider, allowAuthorization: false });
  } catch (error) {
    if (!(error instanceof McpSessionGoneError)) return { name: 'login', status: 'warn', detail: `${age}, not reachable (${messageOf(error)})` };
    return { name: 'login', status: 'warn', detail: `the ${age} has ended on the server: run \`${loginCommand(config)}\`` };
  }
  try {
    const userName = await profileName(resumed, probe, toolTimeoutMs);
    const left = `good for ${duration(saved.createdAt + SESSION_LIFETIME_MS - now)} more`;
    if (userName !== undefined) return { name: 'login', status: 'ok', detail: `logged in as ${userName} (${age}, ${left})` };
    return { name: 'login', status: 'warn', detail: `the ${age} is not logged in: run \`${loginCommand(config)}\`` };
  } finally {
    await resumed.close().catch(() => {});
  }
}

/** The logged-in user's name and id from the profile tool, or undefined when not logged in (or the call failed). */
async function profileName(session: McpSession, probe: ProfileCall, timeoutMs: number): Promise<string | undefined> {
  try {
    return userNameFromAnswer(toolOutcome(await session.callTool(probe.name, probe.args, { timeoutMs })), { withId: true });
  } catch {
    return undefined;
  }
}

function notLoggedIn(config: Config, transport: McpSession['transportKind']): string {
  if (transport === 'streamable-http') return `not logged in: run \`${loginCommand(config)}\` (one browser login lasts 12 h)`;
  return 'not logged in: over /sse every run logs in anew, and kite-chat shows the login link when a question needs it; '
    + `to log in once a day, use a /mcp URL and run \`kite-chat login --url ${config.url.origin}/mcp\``;
}

function loginCommand(config: Config): string {
  return `kite-chat login --url ${redactLink(config.url.href)}`;
}

function place(config: Config): string {
  return redactLink(config.url.href);
}

function messageOf(error: unknown): string {
  if (error instanceof CliError) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** "under a minute", "25 min", "3 h 5 min". */
function duration(milliseconds: number): string {
  const minutes = Math.floor(Math.max(0, milliseconds) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
