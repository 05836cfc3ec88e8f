// A REPL stopped by SIGTERM or SIGHUP gives the terminal back as it found it (issue 14): bracketed paste off and the
// cursor shown, checked as the last such control written to a real pseudo-terminal; line editing back on, checked
// on restoreTerminal itself.
import { restoreTerminal } from '../../../src/terminal/restore.js';
import { expect, test } from '../../support/fixtures.js';

/** The mode a terminal is left in is the one the last of its set/reset controls chose. */
function lastMode(output: string, mode: string): 'set' | 'reset' | undefined {
  const set = output.lastIndexOf(`\u001b[?${mode}h`);
  const reset = output.lastIndexOf(`\u001b[?${mode}l`);
  if (set === -1 && reset === -1) return undefined;
  return set > reset ? 'set' : 'reset';
}

test.for(['SIGTERM', 'SIGHUP'] as const)('%s at the REPL prompt turns bracketed paste off and shows the cursor', async (signal, { startKite, repl }) => {
  const kite = await startKite({ autoLogin: true });
  const session = repl(['--url', kite.mcpUrl, '--no-browser']);
  await session.waitFor('›');
  expect(lastMode(session.output(), '2004')).toBe('set'); // the REPL asked for bracketed paste

  process.kill(session.pid, signal);
  await session.exit;

  expect(lastMode(session.output(), '2004')).toBe('reset');
  expect(lastMode(session.output(), '25')).toBe('set'); // DECTCEM set: the cursor is shown
});

test('restoreTerminal turns raw mode off and writes the resets only to a terminal', () => {
  const written: string[] = [];
  const calls: boolean[] = [];
  const stdin = { isTTY: true, isRaw: true, setRawMode: (mode: boolean) => calls.push(mode) };
  restoreTerminal(stdin, { isTTY: true, write: (text: string) => written.push(text) });
  expect(calls).toEqual([false]);
  expect(written).toEqual(['\u001b[?2004l\u001b[?25h\n']);

  restoreTerminal({ isTTY: false }, { isTTY: false, write: (text: string) => written.push(text) });
  expect(written).toHaveLength(1);
});
