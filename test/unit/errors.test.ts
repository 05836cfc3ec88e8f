// What kite-chat says of a bug (src/errors.ts describeBug), for --ask and the REPL alike: the message's first line and
// where to look, and the stack, masked, on NODE_DEBUG=kite-chat (the REPL used to promise it and print nothing there).
// The child is a plain `node` run of the source through tsx, so NODE_DEBUG is read as a user's run reads it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { describeBug } from '../../src/errors.js';

const run = promisify(execFile);
const KEY = 'sk-bug-0123456789abcdefghijklmnop';

test('the line is the first line of the message and where to look', () => {
  expect(describeBug(new TypeError(`cannot read x\nsecond line ${KEY}`), (text) => text))
    .toBe('cannot read x (run with NODE_DEBUG=kite-chat for details)');
  expect(describeBug('a thrown string', (text) => text)).toBe('a thrown string (run with NODE_DEBUG=kite-chat for details)');
});

test('with NODE_DEBUG=kite-chat the stack goes to stderr through the mask', async () => {
  const script = `
    import { describeBug } from './src/errors.ts';
    describeBug(new Error('boom with ${KEY}'), (text) => text.replaceAll('${KEY}', '[redacted]'));`;
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_DEBUG: 'kite-chat' },
  });
  expect(stderr).toMatch(/KITE-CHAT \d+: Error: boom with \[redacted\]\n\s+at /);
  expect(stderr).not.toContain(KEY);
});
