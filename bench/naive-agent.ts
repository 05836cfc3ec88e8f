/**
 * The naive baseline for prompt_tokens: the pass-through agent most MCP examples are (and what @openai/agents'
 * MCP support does, which cannot run here: it needs openai@7 and Node 22). Every listed tool is offered with its
 * description and inputSchema as given, every result goes back as the server's raw text, the history grows as is.
 * Same system prompt and questions as kite-chat. Bench-only; not a second implementation of kite-chat.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

/** Enough for any question of the scripted session; the script decides when the model stops. */
const MAX_ROUNDS = 8;

export interface NaiveSessionOptions {
  mcpUrl: string;
  baseURL: string;
  model: string;
  systemPrompt: string;
  questions: readonly string[];
}

export async function runNaiveSession(options: NaiveSessionOptions): Promise<void> {
  const client = new Client({ name: 'naive-agent', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(options.mcpUrl)));
  try {
    const { tools } = await client.listTools();
    const definitions: ChatCompletionTool[] = tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description ?? '', parameters: tool.inputSchema },
    }));
    const openai = new OpenAI({ apiKey: 'sk-bench-not-a-real-key', baseURL: options.baseURL, maxRetries: 0 });
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: options.systemPrompt }];
    for (const question of options.questions) {
      messages.push({ role: 'user', content: question });
      for (let round = 0; ; round += 1) {
        if (round >= MAX_ROUNDS) throw new Error(`naive agent: no answer to "${question}" in ${MAX_ROUNDS} rounds`);
        const completion = await openai.chat.completions.create({ model: options.model, messages, tools: definitions });
        const message = completion.choices[0]?.message;
        if (message === undefined) throw new Error('naive agent: the model sent no choice');
        const toolCalls = (message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [call] : []));
        if (toolCalls.length === 0) {
          messages.push({ role: 'assistant', content: message.content ?? '' });
          break;
        }
        messages.push({ role: 'assistant', content: message.content, tool_calls: toolCalls });
        for (const call of toolCalls) {
          const result = await client.callTool({ name: call.function.name, arguments: JSON.parse(call.function.arguments) as Record<string, unknown> });
          const content = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
          const text = content.map((item) => (item.type === 'text' ? (item.text ?? '') : JSON.stringify(item))).join('\n');
          messages.push({ role: 'tool', tool_call_id: call.id, content: text });
        }
      }
    }
  } finally {
    await client.close();
  }
}
