/**
 * The command line read: the flags kite-chat knows (strict: an unknown flag or a missing value is one ConfigError
 * line), --help and --version, and the words of a run. Nothing else is looked at here; config/resolve.ts adds the
 * environment, the `.env` values and the defaults.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

const OPTIONS = {
  ask: { type: 'string' },
  url: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean' },
  'no-browser': { type: 'boolean' },
  'login-timeout': { type: 'string' },
  trading: { type: 'boolean' },
  'max-rounds': { type: 'string' },
  'tool-timeout': { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'model-timeout': { type: 'string' },
  'model-idle-timeout': { type: 'string' },
  'no-color': { type: 'boolean' },
  'no-qr': { type: 'boolean' },
  continue: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = ReturnType<typeof parseFlags>['values'];

/** The command line read, before the environment and `.env` files are looked at. */
export type CommandLine = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; flags: Flags; positionals: string[] };

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs' messages are already one line and name the flag ("Unknown option '--foo'").
    const message = error instanceof Error ? error.message : String(error);
    const oneLine = message.split('\n').filter((line) => !line.startsWith('To specify')).join(' ');
    throw new ConfigError(oneLine.replace(/\. To specify a positional argument.*$/, '.'));
  }
}

/** --help, --version, or the flags and words of a run; throws ConfigError on an unknown flag or a missing value. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { values: flags, positionals } = parseFlags(argv);
  if (flags.help === true) return { kind: 'help' };
  if (flags.version === true) return { kind: 'version' };
  return { kind: 'run', flags, positionals };
}

/** Whether a command line asks for `--ask … --json`, read leniently: a failed run still owes such a script its JSON. */
export function wantsJsonAnswer(argv: readonly string[]): boolean {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true });
    return values.json === true && typeof values.ask === 'string';
  } catch {
    return false;
  }
}
