/**
 * `npm run sandbox [-- --port 8765] [-- --auto-login]`: the fake Kite MCP server for trying kite-chat by hand, with the
 * data of test/fixtures/kite. Prints the KITE_MCP_URL of both transports and a ready-to-paste chat command, and stops
 * on Ctrl-C. Its login link has today's hosted form: the fake's own "Continue to Kite" page, then its login page,
 * whose "Log in" button completes the login.
 */
import { parseArgs } from 'node:util';
import { startFakeKite } from './fake-kite/index.js';

/** A fixed port, so the printed command stays the same from one run to the next. */
const DEFAULT_PORT = 8765;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'auto-login': { type: 'boolean' } }, strict: true });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`sandbox: --port needs a port number, got '${values.port ?? ''}'.\n`);
    return 2;
  }
  const kite = await startFakeKite({ port, autoLogin: values['auto-login'] === true });
  process.stdout.write(`Fake Kite MCP server (the hosted server's behaviour and login pages, test data) on ${kite.origin}

  Streamable HTTP   KITE_MCP_URL=${kite.mcpUrl}
  Legacy SSE        KITE_MCP_URL=${kite.sseUrl}

In another terminal:

  KITE_MCP_URL=${kite.mcpUrl} npm run chat

Ctrl-C stops it.
`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await kite.close();
  process.stdout.write('\nstopped\n');
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
