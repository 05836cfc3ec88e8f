/**
 * `kite-chat doctor` (CONTRACT.md): six checks in order (config, mcp-server, tools, login, model, tool-calling), one
 * `ok|warn|fail NAME detail` line each on stdout as it finishes, or one `{"checks": […]}` object with --json, and the
 * exit code of the first failed check's area. It changes nothing on the server, opens no browser, starts no login,
 * calls no write tool, never shows the key and spends at most two small model requests. The MCP checks live in
 * commands/doctor/mcp-checks.ts, the model checks in commands/doctor/model-checks.ts; this file holds the config check and the report.
 */
import type { Writable } from 'node:stream';
import { missingApiKey, type Config } from '../../config/resolve.js';
import type { ConfigError } from '../../errors.js';
import { checkMcp } from './mcp-checks.js';
import { checkModel } from './model-checks.js';
import { findLocalModelServer, localServerSuggestion, type LocalModelServer } from '../../model/local-model-probe.js';
import { OPENAI_BASE_URL } from '../../model/openai-model.js';
import { redactLink, safeLine } from '../../redact.js';
import type { Ui } from '../../terminal/ui.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export type CheckName = 'config' | 'mcp-server' | 'tools' | 'login' | 'model' | 'tool-calling';
export interface Check { name: CheckName; status: CheckStatus; detail: string }
/** Adds one finished check to the report (and prints its line unless --json). */
export type AddCheck = (check: Check) => void;

/** CONTRACT.md: the exit code of a failed check is its area's: 2 configuration, 4 MCP server, 5 model. */
const EXIT_CODE_BY_CHECK: Readonly<Record<CheckName, number>> = {
  config: 2, 'mcp-server': 4, tools: 4, login: 4, model: 5, 'tool-calling': 5,
};
const CHECK_ORDER: readonly CheckName[] = ['config', 'mcp-server', 'tools', 'login', 'model', 'tool-calling'];

export interface DoctorDeps {
  stdout: Writable;
  /** stderr: the terminal seam for anything that is not a check (the OAuth provider's screen). */
  ui: Ui;
  localModelServers?: readonly LocalModelServer[] | undefined;
}

export async function runDoctor(config: Config, deps: DoctorDeps): Promise<number> {
  const report = createReport(deps.stdout, { json: config.json, secrets: config.apiKey === undefined ? [] : [config.apiKey] });
  const configCheck = await checkConfig(config, deps.localModelServers);
  report.add(configCheck);
  await checkMcp(config, { add: report.add, ui: deps.ui });
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

function createReport(stdout: Writable, options: { json: boolean; secrets: readonly string[] }) {
  const checks: Check[] = [];
  return {
    add(check: Check): void {
      // Details quote servers (names, versions, errors): one printable line, and never a secret.
      const detail = safeLine(check.detail, options.secrets);
      checks.push({ ...check, detail });
      if (!options.json) stdout.write(`${check.status} ${check.name} ${detail}\n`);
    },
    finish(): number {
      if (options.json) stdout.write(`${JSON.stringify({ checks })}\n`);
      const failed = checks.find((check) => check.status === 'fail');
      return failed === undefined ? 0 : EXIT_CODE_BY_CHECK[failed.name];
    },
  };
}
