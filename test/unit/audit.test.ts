// The audit log (src/audit.ts) on a real KITE_CHAT_HOME in a temporary folder: entries in the order they came, one
// redacted JSON line each, 0600; the file held open for the session and closed by close(); a file that cannot be
// written (a planted link) said once, never written through, and opened again by the next entry once it is fixed.
import { lstat, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createAuditLog, type AuditEntry } from '../../src/audit.js';
import { createStore } from '../../src/store.js';

const KEY = 'sk-audit-0123456789abcdefghijklmnop';

function entry(name: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { name, arguments: {}, toolClass: 'read', outcome: 'ok', durationMs: 1, ...extra };
}

async function auditIn(home: string) {
  const warnings: string[] = [];
  const audit = createAuditLog({ store: createStore(home, { uid: process.getuid?.() }), secrets: [KEY], warn: (line) => warnings.push(line) });
  return { audit, warnings };
}

async function lines(home: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(home, 'audit.log'), 'utf8');
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('entries are written in the order they came, one redacted line each, 0600, all of them by the time close() ends', async () => {
  const home = await mkdtemp(join(tmpdir(), 'kite-chat-audit-'));
  const { audit, warnings } = await auditIn(home);

  const pending = [
    audit.write('repl', entry('get_holdings')),
    audit.write('repl', entry('get_margins', { arguments: { note: `key ${KEY}` } })),
    audit.write('ask', entry('place_order', { toolClass: 'write', outcome: 'refused' })),
  ];
  void audit.write('repl', entry('get_orders')); // not awaited: close() waits for it
  await Promise.all(pending);
  await audit.close();

  expect((await lines(home)).map((line) => `${String(line['mode'])} ${String(line['name'])}`))
    .toEqual(['repl get_holdings', 'repl get_margins', 'ask place_order', 'repl get_orders']);
  expect(await readFile(join(home, 'audit.log'), 'utf8')).not.toContain(KEY);
  expect((await lstat(join(home, 'audit.log'))).mode & 0o777).toBe(0o600);
  expect(warnings).toEqual([]);
});

test('a planted link is said once and never written through; once it is gone the next entry opens the file again', async () => {
  const home = await mkdtemp(join(tmpdir(), 'kite-chat-audit-'));
  const elsewhere = join(home, 'elsewhere.txt');
  await writeFile(elsewhere, 'untouched');
  await symlink(elsewhere, join(home, 'audit.log'));
  const { audit, warnings } = await auditIn(home);

  await audit.write('repl', entry('get_holdings'));
  await audit.write('repl', entry('get_margins'));
  expect(warnings).toEqual([expect.stringMatching(/^Could not write the audit log: .*audit\.log is a symbolic link/)]);
  expect(await readFile(elsewhere, 'utf8')).toBe('untouched');

  await rm(join(home, 'audit.log'));
  await audit.write('repl', entry('get_orders'));
  await audit.close();
  expect((await lines(home)).map((line) => line['name'])).toEqual(['get_orders']);
  expect(warnings).toHaveLength(1);
});
