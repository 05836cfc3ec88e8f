/**
 * What the safety tests share: the six Kite write tools, a look at the tools and tool messages a model request carried,
 * and reading KITE_CHAT_HOME/audit.log. The environment a spawned kite-chat gets is test/support/fixtures.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { RecordedRequest } from './scripted-openai.js';

export const WRITE_TOOLS = ['place_order', 'modify_order', 'cancel_order', 'place_gtt_order', 'modify_gtt_order', 'delete_gtt_order'];

export function completions(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.path.endsWith('/chat/completions'));
}

/** The function names a model request offered. */
export function offeredNames(request: RecordedRequest | undefined): string[] {
  return (request?.body?.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function.name] : []));
}

/** The tool messages of a model request, each with the name of the tool the assistant had called. */
export function toolMessages(request: RecordedRequest | undefined): { name: string; content: string }[] {
  const messages: ChatCompletionMessageParam[] = request?.body?.messages ?? [];
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) if (call.type === 'function') names.set(call.id, call.function.name);
  }
  return messages.flatMap((message) =>
    message.role === 'tool' ? [{ name: names.get(message.tool_call_id) ?? '?', content: String(message.content) }] : [],
  );
}

export interface AuditEntry {
  time: string;
  mode: string;
  name: string;
  arguments: Record<string, unknown>;
  toolClass: 'read' | 'write';
  outcome: string;
  durationMs: number;
  [field: string]: unknown;
}

export async function readAuditLog(home: string): Promise<AuditEntry[]> {
  const text = await readFile(join(home, 'audit.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as AuditEntry);
}
