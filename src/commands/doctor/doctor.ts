/**
 * `kite-chat doctor` (CONTRACT.md): six checks in order (config, mcp-server, tools, login, model, tool-calling), one
 * `ok|warn|fail NAME detail` line each on stdout as it finishes, or one `{"checks": […]}` object with --json, and the
 * exit code of the first failed check's area. It changes nothing on the server, opens no browser, starts no login,
 * calls no write tool, never shows the key and spends at most two small model requests. The MCP checks live in
 * commands/doctor/mcp-checks.ts, the model checks in commands/doctor/model-checks.ts, the report in
 * commands/doctor/report.ts; this file runs them in order and holds the config check.
 */
import type { Writable } from 'node:stream';
import { missingApiKey, type Config } from '../../config/resolve.js';
import type { ConfigError } from '../../errors.js';
import { checkMcp } from './mcp-checks.js';
import { checkModel } from './model-checks.js';
import { findLocalModelServer, localServerSuggestion, type LocalModelServer } from '../../model/local-model-probe.js';
import { OPENAI_BASE_URL } from '../../model/model-errors.js';
import { keySecrets, redactLink } from '../../redact.js';
import type { Store } from '../../store.js';
import type { Ui } from '../../terminal/ui.js';
import { CHECK_ORDER, createReport, type Check } from './report.js';


interface DoctorDeps {
  stdout: Writable;
  /** KITE_CHAT_HOME: saved sessions and OAuth tokens are read from it, never written. */
  store: Store;
  /** stderr: the terminal seam for anything that is not a check (the OAuth provider's screen). */
  ui: Ui;
  localModelServers?: readonly LocalModelServer[] | undefined;
}

export async function runDoctor(config: Config, deps: DoctorDeps): Promise<number> {
  const report = createReport(deps.stdout, { json: config.json, secrets: keySecrets(config.apiKey) });
  const configCheck = await checkConfig(config, deps.localModelServers);
  report.add(configCheck);
  await checkMcp(config, { add: report.add, ui: deps.ui, store: deps.store });
  await checkModel(config, { add: report.add, configured: configCheck.status !== 'fail' });
  return report.finish();
}

/** A configuration that does not resolve (a bad URL or number): the config check fails and nothing else can run. */
export function runDoctorWithoutConfig(error: ConfigError, deps: { stdout: Writable; json: boolean }): number {
  const report = createReport(deps.stdout, { json: deps.json, secrets: [] });
  report.add({ name: 'config', status: 'fail', detail: error.message });
  for (const name of CHECK_ORDER.slice(1)) report.add({ name, status: 'warn', detail: 'not checked: fix the configuration first' });
  return report.finish();
}

/** Names what is in use (never the key, only whether one is set); fails when no model can be asked. */
async function checkConfig(config: Config, localModelServers: readonly LocalModelServer[] | undefined): Promise<Check> {
  const keyProblem = missingApiKey(config);
  if (keyProblem !== undefined) {
    const found = keyProblem.noBaseUrl ? await findLocalModelServer(localModelServers) : undefined;
    return { name: 'config', status: 'fail', detail: found === undefined ? keyProblem.message : localServerSuggestion(found).join(' ') };
  }
  const baseURL = config.baseURL === undefined ? `OpenAI (${OPENAI_BASE_URL})` : redactLink(config.baseURL);
  const key = config.apiKey === undefined ? 'not set (none needed on this machine)' : 'set';
  return {
    name: 'config',
    status: 'ok',
    detail: `MCP server ${redactLink(config.url.href)} · model ${config.model} · base URL ${baseURL} · API key ${key}`,
  };
}
