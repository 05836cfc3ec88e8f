/**
 * The small error vocabulary of kite-chat. An expected failure is a CliError: the CLI prints its one-line
 * message (no stack) and exits with its code, as CONTRACT.md's exit-code table says. Anything else is a bug (exit 1).
 */
import { debuglog } from 'node:util';

const debug = debuglog('kite-chat');

/**
 * What a person is told of a bug (anything that is not a CliError): its message's first line and where to look. The
 * stack, through `mask` (the key is never printed), goes to NODE_DEBUG=kite-chat, as the line promises.
 */
export function describeBug(error: unknown, mask: (text: string) => string): string {
  const message = error instanceof Error ? error.message : String(error);
  debug('%s', mask(error instanceof Error ? (error.stack ?? message) : message));
  return `${message.split('\n', 1)[0] ?? ''} (run with NODE_DEBUG=kite-chat for details)`;
}

export class CliError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Bad flag, missing value, bad number or URL, missing API key. `showUsage` is false for a problem the usage text
 * does not help with (a missing key, a question too long): the one line says what to do.
 */
export class ConfigError extends CliError {
  override readonly exitCode = 2;
  readonly showUsage: boolean;
  constructor(message: string, options?: ErrorOptions & { showUsage?: boolean }) {
    super(message, options);
    this.showUsage = options?.showUsage ?? true;
  }
}

/**
 * A login was needed and did not complete within --login-timeout. `loginLink` is the signed link the user can still
 * open: it is a secret, so it is kept out of `message` (which may reach --json) and only ever shown on stderr.
 */
export class LoginRequiredError extends CliError {
  override readonly exitCode = 3;
  readonly loginLink: string | undefined;
  constructor(message: string, options?: ErrorOptions & { loginLink?: string }) {
    super(message, options);
    this.loginLink = options?.loginLink;
  }
}

/** The MCP server is unreachable, refused the connection, or broke the protocol. */
export class McpConnectError extends CliError {
  override readonly exitCode = 4;
}

/** Tokens a failed model request still cost; `estimated` when the server sent no figures and they were counted here. */
export interface SpentTokens { promptTokens: number; completionTokens: number; estimated: boolean }

/**
 * The model API failed (bad key, quota, unreachable) after retries. `spent` is set when the failure came after the
 * server had started its reply, so it had read the prompt: those tokens are counted in /usage all the same.
 */
export class ModelApiError extends CliError {
  override readonly exitCode = 5;
  spent: SpentTokens | undefined;
}

/** The request did not fit the model's context window; the agent trims older tool results and tries once more. */
export class ContextLengthError extends ModelApiError {}

/** The user pressed Ctrl-C. */
export class InterruptedError extends CliError {
  override readonly exitCode = 130;
  constructor(message = 'Interrupted.') {
    super(message);
  }
}
