// resolveInvocation: flags beat environment beat .env beat defaults, and every bad input is a ConfigError (exit 2).
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_LOGIN_TIMEOUT_SECONDS, DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_MAX_ROUNDS, DEFAULT_MCP_URL, DEFAULT_MODEL, resolveInvocation,
  type Config,
} from '../../../src/config/resolve.js';
import { wantsJsonAnswer } from '../../../src/config/command-line.js';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_MAX_ORDER_VALUE_RUPEES } from '../../../src/config/values.js';

const KEY = { OPENAI_API_KEY: 'sk-test-key' };

function resolve(argv: string[], env: Record<string, string> = KEY, dotenv: Record<string, string> = {}): Config {
  const invocation = resolveInvocation({ argv, env, dotenv, homeDir: '/home/trader' });
  if (invocation.kind !== 'run') throw new Error(`expected a run, got ${invocation.kind}`);
  return invocation.config;
}

function configError(argv: string[], env: Record<string, string> = KEY): ConfigError {
  try {
    resolveInvocation({ argv, env, homeDir: '/home/trader' });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  test('with only a key, the chat runs against the hosted SSE server with the documented defaults', () => {
    const config = resolve([]);
    expect(config.command).toBe('chat');
    expect(config.url.href).toBe(DEFAULT_MCP_URL);
    expect(config.model).toBe(DEFAULT_MODEL);
    expect(config.loginTimeoutSeconds).toBe(DEFAULT_LOGIN_TIMEOUT_SECONDS);
    expect(config.maxRounds).toBe(DEFAULT_MAX_ROUNDS);
    expect(config.maxOrderValueRupees).toBe(DEFAULT_MAX_ORDER_VALUE_RUPEES);
    expect(config).toMatchObject({ json: false, openBrowser: true, trading: false, color: true, qr: true });
    expect(config.home).toBe('/home/trader/.config/kite-chat');
  });

  test('KITE_CHAT_HOME beats XDG_CONFIG_HOME, which beats ~/.config', () => {
    expect(resolve([], { ...KEY, XDG_CONFIG_HOME: '/xdg' }).home).toBe('/xdg/kite-chat');
    expect(resolve([], { ...KEY, XDG_CONFIG_HOME: '/xdg', KITE_CHAT_HOME: '/kc' }).home).toBe('/kc');
  });
});

describe('precedence', () => {
  test('a flag beats the environment, which beats .env', () => {
    const dotenv = { KITE_MCP_URL: 'http://127.0.0.1:1/mcp', OPENAI_MODEL: 'from-dotenv' };
    const env = { ...KEY, KITE_MCP_URL: 'http://127.0.0.1:2/mcp', OPENAI_MODEL: 'from-env' };
    expect(resolve([], env, dotenv)).toMatchObject({ model: 'from-env' });
    expect(resolve([], env, dotenv).url.port).toBe('2');
    expect(resolve(['--url', 'http://127.0.0.1:3/mcp', '--model', 'from-flag'], env, dotenv)).toMatchObject({ model: 'from-flag' });
    expect(resolve(['--url', 'http://127.0.0.1:3/mcp'], env, dotenv).url.port).toBe('3');
  });

  test('.env fills in what the environment leaves unset or empty', () => {
    const config = resolve([], { OPENAI_API_KEY: '', OPENAI_MODEL: '' }, { OPENAI_API_KEY: 'sk-dotenv', OPENAI_MODEL: 'dotenv-model' });
    expect(config.apiKey).toBe('sk-dotenv');
    expect(config.model).toBe('dotenv-model');
  });

  test('NO_COLOR and --no-color both turn colour off; --no-browser and --no-qr turn those off', () => {
    expect(resolve([], { ...KEY, NO_COLOR: '1' }).color).toBe(false);
    expect(resolve(['--no-color', '--no-browser', '--no-qr'])).toMatchObject({ color: false, openBrowser: false, qr: false });
  });

  test('BROWSER and KITE_CHAT_MAX_ORDER_VALUE come from the environment', () => {
    const config = resolve([], { ...KEY, BROWSER: '/usr/bin/firefox', KITE_CHAT_MAX_ORDER_VALUE: '1,00,000' });
    expect(config.browser).toBe('/usr/bin/firefox');
    expect(config.maxOrderValueRupees).toBe(100000);
  });
});

describe('.env values', () => {
  test('BROWSER, KITE_CHAT_HOME and the folders it defaults from are never taken from a .env', () => {
    const dotenv = { BROWSER: './pwn.sh', KITE_CHAT_HOME: '/tmp/evil', XDG_CONFIG_HOME: '/tmp/evil', HOME: '/tmp/evil' };
    const config = resolve([], KEY, dotenv);
    expect(config.browser).toBeUndefined();
    expect(config.home).toBe('/home/trader/.config/kite-chat');
    expect(config.fromDotenv).toEqual([]);
  });

  test('the settings taken from a .env are named, and not those the environment or a flag beat', () => {
    const dotenv = { OPENAI_API_KEY: 'sk-dotenv-key', OPENAI_MODEL: 'dotenv-model', KITE_MCP_URL: 'http://127.0.0.1:1/mcp', NO_COLOR: '1' };
    expect(resolve(['--url', 'http://127.0.0.1:2/mcp'], { OPENAI_MODEL: 'env-model' }, dotenv).fromDotenv).toEqual(['OPENAI_API_KEY', 'NO_COLOR']);
    expect(resolve([], {}, dotenv).fromDotenv).toEqual(['OPENAI_API_KEY', 'OPENAI_MODEL', 'KITE_MCP_URL', 'NO_COLOR']);
  });

  test('kite-chat trust is a command that needs no model key', () => {
    expect(resolve(['trust'], {}).command).toBe('trust');
  });
});

describe('commands', () => {
  test('--ask takes the question, with --json and numbers', () => {
    const config = resolve(['--ask', 'What is my portfolio worth?', '--json', '--login-timeout', '0', '--max-rounds', '3']);
    expect(config).toMatchObject({ command: 'ask', question: 'What is my portfolio worth?', json: true, loginTimeoutSeconds: 0, maxRounds: 3 });
  });

  test('login, logout and tools need no model key', () => {
    for (const word of ['login', 'logout', 'tools'] as const) expect(resolve([word], {}).command).toBe(word);
  });

  test('--trading is for the REPL: with --ask it is ignored and said so', () => {
    expect(resolve(['--trading']).trading).toBe(true);
    const ask = resolve(['--ask', 'sell everything', '--trading']);
    expect(ask.trading).toBe(false);
    expect(ask.notices.join(' ')).toMatch(/never places/);
  });

  test('a local OpenAI-compatible server needs no key', () => {
    expect(resolve([], { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).apiKey).toBeUndefined();
    expect(resolve([], { OPENAI_BASE_URL: 'http://localhost:1234/v1' }).baseURL).toBe('http://localhost:1234/v1');
  });

  test('doctor needs no key (its config check reports one missing), and takes --json', () => {
    expect(resolve(['doctor', '--json'], {})).toMatchObject({ command: 'doctor', json: true, apiKey: undefined });
  });

  test('a configuration that does not resolve still reaches doctor, which reports it as its config check', () => {
    const invocation = resolveInvocation({ argv: ['doctor', '--json'], env: { KITE_MCP_URL: 'mcp.kite.trade' }, homeDir: '/' });
    expect(invocation).toMatchObject({ kind: 'doctor-config-error', json: true });
    expect(invocation.kind === 'doctor-config-error' ? invocation.error.message : '').toMatch(/Bad URL/);
  });

  test('wantsJsonAnswer reads --ask … --json even from a command line that does not parse', () => {
    expect(wantsJsonAnswer(['--ask', 'hi', '--json', '--bogus'])).toBe(true);
    expect(wantsJsonAnswer(['--json', '--ask=hi'])).toBe(true);
    expect(wantsJsonAnswer(['--ask', 'hi'])).toBe(false);
    expect(wantsJsonAnswer(['doctor', '--json'])).toBe(false);
  });

  test('--help and --version need no key and win over the other options', () => {
    expect(resolveInvocation({ argv: ['--ask', 'hi', '--help'], env: {}, homeDir: '/' }).kind).toBe('help');
    expect(resolveInvocation({ argv: ['--version'], env: {}, homeDir: '/' }).kind).toBe('version');
  });
});

describe('model settings: a flag beats its environment variable, which beats the default', () => {
  test('the defaults: the output limit, and the timeouts unchanged at 120 s', () => {
    expect(resolve([])).toMatchObject({
      maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS, modelTimeoutSeconds: 120, modelIdleTimeoutSeconds: 120,
    });
  });

  test('environment variables and .env set them; flags win', () => {
    const env = { ...KEY, KITE_CHAT_MAX_OUTPUT_TOKENS: '2048', KITE_CHAT_MODEL_TIMEOUT: '600' };
    const dotenv = { KITE_CHAT_MODEL_IDLE_TIMEOUT: '300', KITE_CHAT_MODEL_TIMEOUT: '5' };
    expect(resolve([], env, dotenv)).toMatchObject({ maxOutputTokens: 2048, modelTimeoutSeconds: 600, modelIdleTimeoutSeconds: 300 });
    const flags = ['--max-output-tokens', '0', '--model-timeout', '30', '--model-idle-timeout', '45'];
    expect(resolve(flags, env, dotenv)).toMatchObject({ maxOutputTokens: 0, modelTimeoutSeconds: 30, modelIdleTimeoutSeconds: 45 });
  });
});

describe('every configuration error is one line that says what to do', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown flag', ['--bogus'], KEY, /Unknown option '--bogus'/],
    ['a missing value', ['--url'], KEY, /--url/],
    ['a flag as the value of --ask', ['--ask', '--json'], KEY, /--ask/],
    ['an empty question', ['--ask', '  '], KEY, /needs a question/],
    ['a bad number', ['--max-rounds', 'ten'], KEY, /--max-rounds needs a whole number/],
    ['a negative timeout', ['--login-timeout', '-5'], KEY, /--login-timeout/],
    ['zero rounds', ['--max-rounds', '0'], KEY, /at least 1/],
    ['a huge number of rounds', ['--max-rounds', '99999999999999999999'], KEY, /^--max-rounds must be at most 100, got '99999999999999999999'\.$/],
    ['a login timeout past a day', ['--login-timeout', '86401'], KEY, /^--login-timeout must be at most 86400, got '86401'\.$/],
    ['a huge tool timeout', ['--tool-timeout', '1e400'], KEY, /^--tool-timeout needs a whole number, got '1e400'\.$/],
    ['a tool timeout past a day', ['--tool-timeout', '9007199254740993'], KEY, /^--tool-timeout must be at most 86400/],
    ['a URL that is not a URL', ['--url', 'mcp.kite.trade'], KEY, /Bad URL/],
    ['a non-http scheme', ['--url', 'file:///etc/passwd'], KEY, /only http and https/],
    ['plain http to a remote host', ['--url', 'http://mcp.kite.trade/sse'], KEY, /must use https/],
    ['credentials in the URL', ['--url', 'https://user:pw@mcp.kite.trade/mcp'], KEY, /user name or password/],
    ['a missing API key', [], {}, /OPENAI_API_KEY is not set/],
    ['a remote base URL without a key', [], { OPENAI_BASE_URL: 'https://openrouter.ai/api/v1' }, /OPENAI_API_KEY/],
    ['a bad base URL', [], { ...KEY, OPENAI_BASE_URL: 'not a url' }, /OPENAI_BASE_URL/],
    ['a bad order cap', [], { ...KEY, KITE_CHAT_MAX_ORDER_VALUE: 'lots' }, /KITE_CHAT_MAX_ORDER_VALUE/],
    ['an unknown command', ['buy'], KEY, /Unknown command 'buy'/],
    ['--json without --ask', ['--json'], KEY, /--json works only with --ask/],
    ['a timeout of zero', ['--model-timeout', '0'], KEY, /--model-timeout must be at least 1/],
    ['a bad output limit in the environment', [], { ...KEY, KITE_CHAT_MAX_OUTPUT_TOKENS: 'lots' }, /KITE_CHAT_MAX_OUTPUT_TOKENS needs a whole number/],
    ['--ask with a command', ['tools', '--ask', 'hi'], KEY, /cannot be combined/],
  ];
  test.each(cases)('%s', (_name, argv, env, pattern) => {
    const error = configError(argv, env);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('sk-test-key');
  });
});
