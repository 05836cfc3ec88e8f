/**
 * MCP tools as OpenAI functions, and the way back. toOpenAITools() gives each tool a valid, unique function name
 * (remembering the server's own), a parameters schema OpenAI accepts (tools/json-schema.ts) and descriptions in fewer
 * words (tools/concise-texts.ts); parseToolArguments() checks what the model sends before anything reaches the
 * server; toolResultText() narrows a tool result to text.
 * Pure: no SDK at runtime, no I/O. Capping and compacting results happen in the caller.
 */
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { isRecord } from '../json.js';
import { describeValue, validateValue } from './json-schema-check.js';
import { normaliseSchema } from './json-schema.js';
import { conciseParameters, conciseToolDescription } from './concise-texts.js';
import type { Tool, ToolContent, ToolOutcome, ToolResult } from './tool.js';

/** OpenAI answers 400 string_above_max_length beyond this (seen in getsentry/sentry-mcp#106, OpenHands#4838). */
const MAX_TOOL_DESCRIPTION_CHARS = 1024;
/** OpenAI's rule for `function.name` (API reference; the 400 quotes this pattern, langchain-ai/langchain#7191). */
const VALID_FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_FUNCTION_NAME_LENGTH = 64;
/** `_` + 8 hex digits of a hash of the server's name: short, and the same on every run for the same tool. */
const HASH_SUFFIX_LENGTH = 9;
/** A model fixes a few problems per retry; a long list only buries the first. */
const MAX_REPORTED_PROBLEMS = 5;

export interface ToolEntry {
  definition: ChatCompletionFunctionTool;
  /** The tool's exact name on the MCP server; `definition.function.name` may differ (sanitised, shortened). */
  serverName: string;
  /** The normalised schema (a copy of `definition.function.parameters`); pass it to parseToolArguments. */
  inputSchema: Record<string, unknown>;
  /**
   * Not offered to the model (a write tool without --trading), but known to the loop, so a call the model makes
   * anyway reaches the executor, which refuses it with the reason and how to enable it, and audits it.
   */
  hidden?: boolean;
}

type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * One OpenAI function per distinct server tool name, in the server's order. Names that are already valid stay as
 * they are; a tool listed twice under the same name is offered once (the first listing wins). No `strict: true`:
 * strict mode needs every property required, and Kite's tools have optional ones.
 */
export function toOpenAITools(tools: readonly Tool[]): ToolEntry[] {
  const seen = new Set<string>();
  const distinct = tools.filter((tool) => !seen.has(tool.name) && seen.add(tool.name));
  const functionNames = assignFunctionNames(distinct.map((tool) => tool.name));
  return distinct.map((tool) => {
    const normalised = normaliseSchema(tool.inputSchema);
    // Fewer words for the same facts (tools/concise-texts.ts): these go with every request.
    const inputSchema = conciseParameters(normalised);
    const description = toolDescription(conciseToolDescription(tool.name, tool.description, normalised));
    const definition: ChatCompletionFunctionTool = {
      type: 'function',
      function: {
        name: functionNames.get(tool.name) ?? tool.name,
        ...(description === undefined ? {} : { description }),
        parameters: structuredClone(inputSchema),
      },
    };
    return { definition, serverName: tool.name, inputSchema };
  });
}

/**
 * Server name → function name. Valid names are claimed first so they never change; the others get invalid characters
 * replaced by `_`, are cut to 64 with a hash suffix, and on a clash take a hash suffix (then a counter).
 */
function assignFunctionNames(serverNames: readonly string[]): Map<string, string> {
  const taken = new Set(serverNames.filter((name) => VALID_FUNCTION_NAME.test(name)));
  const assigned = new Map<string, string>();
  for (const serverName of serverNames) {
    if (VALID_FUNCTION_NAME.test(serverName)) {
      assigned.set(serverName, serverName);
      continue;
    }
    let candidate = serverName.replace(/[^a-zA-Z0-9_-]/gu, '_') || 'tool';
    if (candidate.length > MAX_FUNCTION_NAME_LENGTH || taken.has(candidate)) candidate = withHashSuffix(candidate, serverName);
    const base = candidate;
    for (let counter = 2; taken.has(candidate); counter += 1) {
      const suffix = `_${counter}`;
      candidate = `${base.slice(0, MAX_FUNCTION_NAME_LENGTH - suffix.length)}${suffix}`;
    }
    taken.add(candidate);
    assigned.set(serverName, candidate);
  }
  return assigned;
}

function withHashSuffix(candidate: string, serverName: string): string {
  return `${candidate.slice(0, MAX_FUNCTION_NAME_LENGTH - HASH_SUFFIX_LENGTH)}_${stableHash(serverName)}`;
}

/** 32-bit FNV-1a as 8 hex digits: enough to tell apart the few names one server can make collide. */
function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function toolDescription(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const trimmed = description.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length <= MAX_TOOL_DESCRIPTION_CHARS) return trimmed;
  let cut = trimmed.slice(0, MAX_TOOL_DESCRIPTION_CHARS - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never leave half a surrogate pair
  return `${cut}…`;
}

/**
 * The model's argument string → the object to send, or a message the model can act on. Empty means `{}`. Nothing
 * is coerced: Kite silently turns a string where it wants a number into 0 or 1 (SERVER.md §3), so `"10"` for a number
 * is refused here rather than sent.
 */
export function parseToolArguments(raw: string, inputSchema: Record<string, unknown>): ParsedArguments {
  let parsed: unknown = {};
  if (raw.trim() !== '') {
    try {
      parsed = JSON.parse(raw) as unknown;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      return { ok: false, error: `Arguments were not valid JSON: ${reason}. Call again with a JSON object.` };
    }
  }
  if (!isRecord(parsed)) {
    return { ok: false, error: `Arguments must be a JSON object, got ${describeValue(parsed)}. Call again with a JSON object.` };
  }
  let problems: string[];
  try {
    problems = validateValue(parsed, inputSchema);
  } catch {
    problems = ['The arguments could not be checked (nested too deeply).']; // a stack overflow on absurd nesting
  }
  if (problems.length === 0) return { ok: true, value: parsed };
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const hidden = problems.length - shown.length;
  const more = hidden > 0 ? [`(${hidden} more not shown.)`] : [];
  return { ok: false, error: [...shown, ...more, 'Call the tool again with corrected arguments.'].join(' ') };
}

/** A server's answer as the text-and-error pair the loop, the local tools and the login read. */
export function toolOutcome(result: ToolResult): ToolOutcome {
  return { text: toolResultText(result), isError: result.isError };
}

/** Text items as they are, other content as a one-line placeholder, joined by newlines. */
export function toolResultText(result: {
  isError?: boolean | undefined;
  content?: readonly ToolContent[] | undefined;
}): string {
  const text = (result.content ?? []).map(contentText).join('\n');
  return text.trim() === '' ? '(tool returned no content)' : text;
}

function contentText(item: ToolContent): string {
  switch (item.type) {
    case 'text':
      return typeof item.text === 'string' ? item.text : '';
    case 'image':
    case 'audio':
      return `[${item.type}: ${item.mimeType ?? 'unknown type'}]`;
    case 'resource':
      return typeof item.resource?.text === 'string' ? item.resource.text : `[resource: ${item.resource?.uri ?? 'no uri'}]`;
    case 'resource_link':
      return `[resource: ${item.uri ?? 'no uri'}]`;
    default:
      return `[${item.type} content]`;
  }
}
