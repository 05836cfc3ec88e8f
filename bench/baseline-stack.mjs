#!/usr/bin/env node
/**
 * The floor for kite-chat's stack, timed by bench/cold-start.ts: plain JavaScript (no TS loader, no build) that only
 * imports the MCP SDK client and `openai`, connects to the MCP server over Streamable HTTP, lists its tools, makes the
 * one streamed completion kite-chat makes for a question that needs no tool, prints the answer and exits.
 * Reads BENCH_MCP_URL, OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL, BENCH_QUESTION. Not part of kite-chat.
 */
import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';

const env = process.env;
const client = new Client({ name: 'bench-baseline', version: '0.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(env.BENCH_MCP_URL ?? ''));
const [, systemPrompt] = await Promise.all([
  client.connect(transport),
  readFile(new URL('../prompts/system.md', import.meta.url), 'utf8'),
]);
const { tools } = await client.listTools();

const openai = new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 });
const stream = await openai.chat.completions.create({
  model: env.OPENAI_MODEL ?? 'scripted-model',
  messages: [
    { role: 'system', content: systemPrompt },
    { role: 'user', content: env.BENCH_QUESTION ?? 'Hello' },
  ],
  tools: tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description ?? '', parameters: tool.inputSchema },
  })),
  stream: true,
  stream_options: { include_usage: true },
});
let answer = '';
for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? '';
process.stdout.write(`${answer}\n`);
await client.close();
