// A model server found, not only configured: with no OPENAI_API_KEY and no OPENAI_BASE_URL, kite-chat (and doctor)
// ask the usual ports on 127.0.0.1 for /v1/models and name one that answers with the exact settings to use it. The
// port list is injected (CliIo.localModelServers), so the scripted OpenAI server on a free port plays Ollama; the
// CLI runs in process through main(), as bin.ts calls it.
import { PassThrough } from 'node:stream';
import { main, type CliIo } from '../../../src/cli.js';
import type { LocalModelServer } from '../../../src/model/local-model-probe.js';
import { closedOrigin } from '../../support/faults-harness.js';
import { expect, test } from '../../support/fixtures.js';
import { temporaryFolder } from '../../support/run-cli.js';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../../support/scripted-openai.js';

const TODAY = 'OPENAI_API_KEY is not set: export it (or put it in .env), or set OPENAI_BASE_URL to a local server that needs no key.';

async function runMain(argv: string[], servers: readonly LocalModelServer[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const home = await temporaryFolder();
  const io: CliIo = {
    stdin: new PassThrough(),
    stdout,
    stderr,
    cwd: home, // no .env here
    homeDir: home,
    platform: process.platform,
    onInterrupt: () => () => {},
    uid: process.getuid?.(),
    localModelServers: servers,
  };
  const code = await main(argv, { KITE_CHAT_HOME: home, ...env }, io);
  return { code, stdout: out, stderr: err };
}

function portOf(server: ScriptedOpenAI): number {
  return Number(new URL(server.baseURL).port);
}

test('with no key and no base URL, a server on an injected loopback port is named with the exact line to use it', async ({ closeAfter }) => {
  const local = closeAfter(await startScriptedOpenAI([], { models: ['nomic-embed-text', 'qwen3:8b', 'llama3.2:3b'] }));
  const nobody = Number(new URL(await closedOrigin()).port);

  const run = await runMain(['--ask', 'What is my portfolio worth?'], [{ name: 'LM Studio', port: nobody }, { name: 'Ollama', port: portOf(local) }]);

  expect(run.code).toBe(2);
  const lines = run.stderr.split('\n');
  expect(lines[0]).toBe('kite-chat: OPENAI_API_KEY is not set, and no OPENAI_BASE_URL either.');
  expect(lines[1]).toBe(`A model server answers on this machine: Ollama at ${local.baseURL} (models: nomic-embed-text, qwen3:8b, llama3.2:3b). To use it, set (in the shell or in .env):`);
  expect(lines[2]).toBe(`OPENAI_BASE_URL=${local.baseURL} OPENAI_MODEL=qwen3:8b`);
  // One short GET, no key, nothing else: no question reaches a server the user did not choose.
  expect(local.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
  expect(local.requests[0]?.headers.authorization).toBeUndefined();
});

test('with no server on those ports the message is as it was', async () => {
  const nobody = Number(new URL(await closedOrigin()).port);

  const run = await runMain(['--ask', 'What is my portfolio worth?'], [{ name: 'Ollama', port: nobody }]);

  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe(`kite-chat: ${TODAY}`);
});

test('a server that lists no models, or answers something else, is not suggested', async ({ closeAfter }) => {
  const local = closeAfter(await startScriptedOpenAI([], { models: [] }));
  const run = await runMain(['--ask', 'Hi'], [{ name: 'Ollama', port: portOf(local) }]);

  expect(run.stderr.split('\n')[0]).toBe(`kite-chat: ${TODAY}`);
});

test('with OPENAI_BASE_URL set, nothing on this machine is asked', async ({ closeAfter }) => {
  const local = closeAfter(await startScriptedOpenAI([], { models: ['qwen3:8b'] }));

  const run = await runMain(['--ask', 'Hi'], [{ name: 'Ollama', port: portOf(local) }], { OPENAI_BASE_URL: 'https://openrouter.ai/api/v1' });

  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe(`kite-chat: ${TODAY}`);
  expect(local.requests).toEqual([]);
});

test('doctor fails the config check with the same suggestion, and checks no model', async ({ closeAfter }) => {
  const local = closeAfter(await startScriptedOpenAI([], { models: ['qwen3:8b'] }));
  const mcp = `${await closedOrigin()}/mcp`;

  const run = await runMain(['doctor', '--url', mcp], [{ name: 'llama.cpp', port: portOf(local) }]);

  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^fail config OPENAI_API_KEY is not set, and no OPENAI_BASE_URL either\. A model server answers on this machine: llama\.cpp/);
  expect(lines[0]).toContain(`OPENAI_BASE_URL=${local.baseURL} OPENAI_MODEL=qwen3:8b`);
  expect(lines.slice(4)).toEqual([
    'warn model not checked: no model endpoint is configured (see config)',
    'warn tool-calling not checked: no model endpoint is configured (see config)',
  ]);
  expect(run.code).toBe(2); // the first failed check is config's
  expect(local.requests.map((request) => request.path)).toEqual(['/v1/models']);
});
