// --continue (src/config/resolve.ts): off by default, on for the chat, refused with one line anywhere else, and in
// --help beside the other options.
import { expect, test } from 'vitest';
import { resolveInvocation, USAGE } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';

const input = (argv: string[]) => ({ argv, env: { OPENAI_API_KEY: 'sk-test-key' }, homeDir: '/home/trader' });

test('--continue is off unless given, and takes up the last conversation in the chat', () => {
  const plain = resolveInvocation(input([]));
  const resumed = resolveInvocation(input(['--continue']));
  expect(plain.kind === 'run' && plain.config.continueConversation).toBe(false);
  expect(resumed.kind === 'run' && resumed.config.continueConversation).toBe(true);
  expect(USAGE).toMatch(/\n {2}--continue {17}chat on from the last chat's questions and answers \(kept in KITE_CHAT_HOME\)\n/);
});

test.each([[['--continue', '--ask', 'Holdings?']], [['--continue', 'tools']]])(
  '--continue elsewhere than the chat is one line saying so (%j)',
  (argv) => {
    expect(() => resolveInvocation(input(argv))).toThrow(ConfigError);
    expect(() => resolveInvocation(input(argv))).toThrow(/^--continue takes up the last chat in the interactive chat; it cannot be combined with --ask or a command\.$/);
  },
);

test('kite-chat doctor --continue reports it as its config check, as it does every configuration error', () => {
  const invocation = resolveInvocation(input(['doctor', '--continue']));
  expect(invocation.kind === 'doctor-config-error' && invocation.error.message).toMatch(/^--continue takes up the last chat/);
});
