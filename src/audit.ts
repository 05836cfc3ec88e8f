/**
 * The audit log (KITE_CHAT_HOME/audit.log): one JSON line per tool call that reached the server or was refused,
 * and per read kite-chat made itself before an order (`by`), with the run's mode, the arguments, the read/write
 * class, the outcome and how long it took. Every line is redacted (redact.ts) before it is written; a log that cannot
 * be written is said once per run, and the run goes on.
 */
import { ConfigError } from './errors.js';
import { createRedactor } from './redact.js';
import type { LineAppender, Store } from './store.js';
import type { ToolClass } from './tools/policy.js';

const AUDIT_LOG_FILE = 'audit.log';

export interface AuditEntry {
  /** Who made a call the model did not ask for (`order-preview`: the write gate's look-ups). */
  by?: string;
  name: string;
  arguments: Record<string, unknown>;
  toolClass: ToolClass;
  outcome: string;
  durationMs: number;
}

export interface AuditLog {
  /**
   * Appends one entry under the run's mode: `ask`, `repl` or `login`. Entries are written one after another, in the
   * order they came; the promise settles once this one is written (or its failure said) and never rejects.
   */
  write(mode: string, entry: AuditEntry): Promise<void>;
  /** Waits for the entries still being written, then closes the file (the session's end). */
  close(): Promise<void>;
}

/**
 * The file is opened on the first entry and kept open for the session (opening it per line was most of a tool call's
 * own time); a write that fails drops it, and the next entry opens it again.
 */
export function createAuditLog(deps: { store: Store; secrets: readonly string[]; warn: (line: string) => void }): AuditLog {
  const redact = createRedactor({ values: deps.secrets });
  let failed = false;
  let file: Promise<LineAppender> | undefined;
  let written: Promise<void> = Promise.resolve();
  const reportFailure = (error: unknown) => {
    if (failed) return; // once a run is enough
    failed = true;
    // A damaged audit.log (a planted link, a folder) is a ConfigError whose line names it and says what to do.
    deps.warn(error instanceof ConfigError ? `Could not write the audit log: ${error.message}` : `Could not write the audit log under ${deps.store.home}.`);
  };
  const closeFile = async () => {
    const open = file;
    file = undefined;
    await open?.then((appender) => appender.close()).catch(() => {});
  };
  const appendLine = async (line: string) => {
    file ??= deps.store.openAppender(AUDIT_LOG_FILE);
    try {
      await (await file).append(line);
    } catch (error) {
      await closeFile();
      throw error;
    }
  };
  return {
    write(mode, { by, ...entry }) {
      const line = redact(JSON.stringify({ time: new Date().toISOString(), mode, ...(by === undefined ? {} : { by }), ...entry }));
      written = written.then(() => appendLine(line)).catch(reportFailure);
      return written;
    },
    async close() {
      await written;
      await closeFile();
    },
  };
}
