// `npm run sandbox` as a user runs it (the same script under tsx): it prints the URLs of both transports, serves
// Kite's 22 tools from the repository's own fixtures, hands out today's hosted login link, and stops on Ctrl-C.
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '../../support/fixtures.js';
import { REPO_ROOT } from '../../support/run-cli.js';

/** A sandbox that never prints its URL is a failure, not a hang. */
const START_TIMEOUT_MS = 20_000;

test('the sandbox serves the 22 Kite tools and the hosted login link on its own origin, and Ctrl-C stops it', async ({ closeAfter }) => {
  const sandbox = spawn(process.execPath, ['--import', 'tsx', 'test/support/sandbox.ts', '--port', '0'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '' },
  });
  closeAfter({ close: () => sandbox.exitCode === null && sandbox.kill('SIGKILL') });
  let stdout = '';
  sandbox.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => sandbox.once('close', (code) => resolve(code)));
  const mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox printed no URL: ${stdout}`)), START_TIMEOUT_MS);
    sandbox.stdout.on('data', () => {
      const url = /KITE_MCP_URL=(http:\/\/127\.0\.0\.1:\d+\/mcp)\n/.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve(url);
    });
  });
  expect(stdout).toContain('Legacy SSE        KITE_MCP_URL=');

  const client = new Client({ name: 'sandbox-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
  expect((await client.listTools()).tools).toHaveLength(22);
  const login = await client.callTool({ name: 'login', arguments: {} });
  const text = (login.content as { type: string; text: string }[])[0]?.text ?? '';
  expect(text).toContain(`[Login to Kite](${new URL(mcpUrl).origin}/authorize?session_id=kitemcp-`);
  await client.close();

  sandbox.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stdout).toMatch(/stopped\n$/);
});
