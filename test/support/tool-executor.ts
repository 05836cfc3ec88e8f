/**
 * src/tools/executor.ts in process as the CLI wires it, against a fake Kite on 127.0.0.1:0, for the integration tests
 * of the executor (tools/executor) and of the write gate behind it (trading/write-gate): the `executorOn` fixture a
 * file adds with test.extend, with what the login screen said, the audit entries and the fatal errors recorded.
 */
import type { AuditEntry } from '../../src/audit.js';
import type { CliError } from '../../src/errors.js';
import { openMcpConnection } from '../../src/mcp/connection.js';
import { createToolCatalog, type ToolCatalog } from '../../src/tools/catalog.js';
import { createToolExecutor, type ToolExecutor, type WriteGate } from '../../src/tools/executor.js';
import type { FakeKite, FakeKiteOptions } from './fake-kite/index.js';
import type { KiteChatFixtures } from './fixtures.js';

export interface ExecutorOptions {
  mode: 'ask' | 'repl';
  /** The fake's options; logged in by default. */
  kite?: FakeKiteOptions;
  /** Makes the write gate from the catalog the server listed (the order gate reads its schemas); none: no gate. */
  makeGate?: (catalog: ToolCatalog) => WriteGate;
  /** 10 s by default. */
  toolTimeoutMs?: number | undefined;
}

export interface ExecutorSetup {
  kite: FakeKite;
  executor: ToolExecutor;
  audit: AuditEntry[];
  /** What the login screen and the connection said, in order (a link as `link <url>`). */
  said: string[];
  fatal: CliError[];
}

export type ExecutorOn = (options: ExecutorOptions) => Promise<ExecutorSetup>;

type Needs = Pick<KiteChatFixtures, 'startKite' | 'closeAfter'>;

/** The `executorOn` fixture (`test.extend({ executorOn })`): the connection is closed after the test, then the fake. */
export async function executorOn({ startKite, closeAfter }: Needs, use: (start: ExecutorOn) => Promise<void>): Promise<void> {
  await use(async (options) => {
    const kite = await startKite(options.kite ?? { autoLogin: true });
    const said: string[] = [];
    const connection = closeAfter(await openMcpConnection({ url: new URL(kite.mcpUrl), store: undefined, notice: (line) => said.push(line) }));
    const catalog = createToolCatalog(await connection.tools());
    const audit: AuditEntry[] = [];
    const fatal: CliError[] = [];
    const executor = createToolExecutor({
      connection,
      catalog,
      mode: options.mode,
      confirmWrite: options.makeGate?.(catalog),
      login: {
        openLink: undefined,
        screen: { showLink: ({ link }) => said.push(`link ${link}`), status: (line) => said.push(line), warn: (line) => said.push(line) },
        waitForEnter: undefined,
        timeoutMs: 0,
      },
      serverUrl: new URL(kite.mcpUrl),
      toolTimeoutMs: options.toolTimeoutMs ?? 10_000,
      onFatal: (error) => fatal.push(error),
      onAudit: (entry) => void audit.push(entry),
    });
    return { kite, executor, audit, said, fatal };
  });
}
