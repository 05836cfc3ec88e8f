/**
 * Single settings read from text: whole numbers within their limits, rupees, http(s) URLs (the MCP server's only over
 * https unless it is on this machine, and never with a user name or password), empty values as unset. Each bad value
 * is a ConfigError naming the flag or variable and what was expected.
 */
import { ConfigError } from '../errors.js';
import type { Flags } from './command-line.js';

/**
 * KITE_CHAT_MAX_ORDER_VALUE's default, ₹50,000: a real delivery order for a retail account, yet a model's mistake of
 * that size is survivable. Kept here, not in trading/, so that reading the settings loads none of the order code.
 */
export const DEFAULT_MAX_ORDER_VALUE_RUPEES = 50_000;

type Environment = Readonly<Record<string, string | undefined>>;

/** A number that has both a flag and an environment variable: the flag wins, and errors name what was wrong. */
export function parseSetting(
  flags: Flags,
  env: Environment,
  flag: keyof Flags & string,
  variable: string,
  fallback: number,
  minimum: number,
  maximum: number,
): number {
  const fromFlag = flags[flag];
  if (typeof fromFlag === 'string') return parseCount(fromFlag, `--${flag}`, fallback, minimum, maximum);
  return parseCount(nonEmpty(env[variable]), variable, fallback, minimum, maximum);
}

export function resolveMcpUrl(text: string): URL {
  const url = checkHttpUrl(text, 'the MCP server URL (--url / KITE_MCP_URL)');
  // PEERS.md R15: remote servers only over https; plain http only on this machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`The MCP server URL must use https unless it is on this machine: ${url.origin}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('The MCP server URL must not contain a user name or password.');
  }
  return url;
}

export function checkHttpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`Bad URL for ${what}: '${text}' (expected e.g. https://mcp.kite.trade/mcp).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`Bad URL for ${what}: only http and https are supported, got '${url.protocol}'.`);
  }
  return url;
}

export function parseCount(text: string | undefined, flag: string, fallback: number, minimum: number, maximum: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${flag} needs a whole number, got '${text}'.`);
  const value = Number(text.trim());
  if (value < minimum) throw new ConfigError(`${flag} must be at least ${minimum}, got '${text}'.`);
  // Compared as a number, which is exact enough here: 1e20 is above the maximum however it is rounded.
  if (value > maximum) throw new ConfigError(`${flag} must be at most ${maximum}, got '${text}'.`);
  return value;
}

export function parseRupees(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_ORDER_VALUE_RUPEES;
  const value = Number(text.replaceAll(',', '').replace(/^₹/, ''));
  if (!Number.isFinite(value) || value <= 0 || text.trim() === '') {
    throw new ConfigError(`KITE_CHAT_MAX_ORDER_VALUE needs a positive number of rupees, got '${text}'.`);
  }
  return value;
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function isLocalBaseUrl(baseURL: string | undefined): boolean {
  return baseURL !== undefined && isLoopbackHost(new URL(baseURL).hostname);
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function definedOnly(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => nonEmpty(value) !== undefined));
}
