/**
 * A scripted OpenAI-compatible server on 127.0.0.1 (port 0) for tests and spawned CLIs: `POST /v1/chat/completions`
 * streaming and not, `GET /v1/models`. Each completion request consumes the next step of a script (a reply in prose,
 * tool calls, a `length` finish, HTTP faults, stalls); every request is recorded with the status it got; an exhausted
 * script answers 500 so a surprise model call fails loudly. Like llama.cpp with some chat templates it can refuse
 * parallel tool calls (`singleToolCalls`). Wire shapes: chat-completion-wire.ts.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { completionObject, errorBody, estimateTokens, partialTextChunks, streamChunks } from './chat-completion-wire.js';
import type { ReplyContext, ScriptedReply } from './chat-completion-wire.js';

export type { ScriptedReply, ScriptedToolCall, ScriptedUsage } from './chat-completion-wire.js';

/** The model id /v1/models lists when the test names none. */
const DEFAULT_MODELS = ['scripted-model'];

/** An HTTP error in OpenAI's error JSON shape. */
export interface ScriptedHttpFault {
  status: number;
  message?: string;
  type?: string;
  code?: string;
  /** Sent as `retry-after-ms`, which the openai client honours instead of its own backoff. */
  retryAfterMs?: number;
}

export type ScriptedAnswer =
  | ScriptedReply
  | ScriptedHttpFault
  /** Never answer; the socket is destroyed when the server closes. */
  | { stall: true }
  /** Send this text as streamed chunks, then destroy the socket. */
  | { streamThenDrop: string }
  /** Send this text as streamed chunks, then send nothing more until the server closes. */
  | { streamThenStall: string }
  /** Send these as SSE `data:` lines (objects as JSON, strings exactly as given), then `[DONE]`: for malformed output. */
  | { chunks: unknown[] };

export type ScriptedStep = ScriptedAnswer | ((request: RecordedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>);

/** A chat request body as the client sent it; fields are whatever the client put there. */
export interface RecordedBody {
  model?: string;
  messages?: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [parameter: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  body: RecordedBody | undefined;
  rawBody: string;
  /** The HTTP status of the answer, once it was sent. */
  status?: number;
}

export interface ScriptedOpenAIOptions {
  /** Model ids listed by GET /v1/models. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401. */
  apiKey?: string;
  /**
   * Like llama.cpp serving the Llama 3.2 template: a request whose history holds an assistant message with more than
   * one tool call is refused with 400, before any step is used.
   */
  singleToolCalls?: boolean;
}

/** llama.cpp's words for that refusal, as the issue measured them. */
export const SINGLE_TOOL_CALLS_MESSAGE = 'This model only supports single tool-calls at once!';

export interface ScriptedOpenAI {
  /** `http://127.0.0.1:PORT/v1`, ready for `new OpenAI({ baseURL })` or a child's OPENAI_BASE_URL. */
  baseURL: string;
  /** Every request in arrival order, completion or not. */
  requests: RecordedRequest[];
  /** The options it was started with, read on every request: a test may change them while it runs. */
  options: ScriptedOpenAIOptions;
  push(...steps: ScriptedStep[]): void;
  close(): Promise<void>;
}

export async function startScriptedOpenAI(script: ScriptedStep[], startOptions: ScriptedOpenAIOptions = {}): Promise<ScriptedOpenAI> {
  const options = { ...startOptions };
  const steps = [...script];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let completionCount = 0;
  let closed = false;

  const wait = (milliseconds: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const request = await record(incoming);
    requests.push(request);
    response.once('close', () => {
      if (response.headersSent) request.status = response.statusCode;
    });
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return;
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: (options.models ?? DEFAULT_MODELS).map(modelEntry) });
      return;
    }
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      sendError(response, 404, `scripted OpenAI server: no route for ${request.method} ${request.path}`, 'invalid_request_error', null);
      return;
    }
    if (request.body === undefined) {
      sendError(response, 400, 'scripted OpenAI server: the request body is not JSON', 'invalid_request_error', null);
      return;
    }
    if (options.singleToolCalls === true && holdsParallelToolCalls(request.body)) {
      sendError(response, 400, SINGLE_TOOL_CALLS_MESSAGE, 'invalid_request_error', null);
      return;
    }
    completionCount += 1;
    const requestNumber = completionCount;
    const step = steps.shift();
    if (step === undefined) {
      sendError(response, 500, `scripted OpenAI server: no scripted replies left (request ${requestNumber})`, 'server_error', null);
      return;
    }
    let answer: ScriptedAnswer;
    try {
      answer = typeof step === 'function' ? await step(request) : step;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendError(response, 500, `scripted OpenAI server: step for request ${requestNumber} threw: ${reason}`, 'server_error', null);
      return;
    }
    if ('delayMs' in answer && answer.delayMs !== undefined) await wait(answer.delayMs);
    if (closed || response.destroyed) return;
    await sendAnswer(response, answer, replyContext(request.body, requestNumber));
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, `scripted OpenAI server: ${String(error)}`, 'server_error', null);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    options,
    push: (...more) => {
      steps.push(...more);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function sendAnswer(response: ServerResponse, answer: ScriptedAnswer, context: ReplyContext & { stream: boolean }): Promise<void> {
  if ('status' in answer) {
    const headers = answer.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(answer.retryAfterMs) };
    const defaults = faultDefaults(answer.status);
    sendError(response, answer.status, answer.message ?? defaults.message, answer.type ?? defaults.type, answer.code ?? defaults.code, headers);
    return;
  }
  if ('stall' in answer) return;
  if ('chunks' in answer) {
    if (!context.stream) {
      sendError(response, 500, 'scripted OpenAI server: a chunks step needs a streaming request', 'server_error', null);
      return;
    }
    startEventStream(response);
    for (const data of answer.chunks) await writeEvent(response, typeof data === 'string' ? data : JSON.stringify(data));
    await writeEvent(response, '[DONE]');
    response.end();
    return;
  }
  if ('streamThenDrop' in answer || 'streamThenStall' in answer) {
    const partial = 'streamThenDrop' in answer ? answer.streamThenDrop : answer.streamThenStall;
    if (context.stream) {
      startEventStream(response);
      for (const data of partialTextChunks(partial, context)) await writeEvent(response, JSON.stringify(data));
    } else {
      const body = JSON.stringify(completionObject({ text: partial }, context));
      response.writeHead(200, { 'content-type': 'application/json' });
      await write(response, body.slice(0, Math.floor(body.length / 2)));
    }
    // Destroying after the write callback lets the sent bytes reach the client before the connection breaks.
    if ('streamThenDrop' in answer) response.socket?.destroy();
    return;
  }
  if (!context.stream) {
    sendJson(response, 200, completionObject(answer, context));
    return;
  }
  startEventStream(response);
  for (const data of streamChunks(answer, context)) await writeEvent(response, JSON.stringify(data));
  await writeEvent(response, '[DONE]');
  response.end();
}

async function record(incoming: IncomingMessage): Promise<RecordedRequest> {
  let rawBody = '';
  incoming.setEncoding('utf8');
  for await (const piece of incoming) rawBody += String(piece);
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  return { method: incoming.method ?? 'GET', path: url.pathname, headers: incoming.headers, body: parseBody(rawBody), rawBody };
}

function parseBody(rawBody: string): RecordedBody | undefined {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as RecordedBody) : undefined;
  } catch {
    return undefined;
  }
}

function holdsParallelToolCalls(body: RecordedBody): boolean {
  return (body.messages ?? []).some((message) => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 1);
}

function replyContext(body: RecordedBody, requestNumber: number): ReplyContext & { stream: boolean } {
  return {
    completionId: `chatcmpl-scripted-${requestNumber}`,
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : DEFAULT_MODELS[0] ?? 'scripted-model',
    requestNumber,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    promptTokens: estimateTokens(JSON.stringify(body.messages ?? [])),
  };
}

/** What api.openai.com says for the common statuses, so clients see realistic `type` and `code`. */
function faultDefaults(status: number): { message: string; type: string; code: string | null } {
  if (status === 401) return { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { message: 'You are not allowed to use this model.', type: 'invalid_request_error', code: 'model_not_allowed' };
  if (status === 404) return { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' };
  if (status === 429) return { message: 'Rate limit reached for requests.', type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { message: 'The server had an error while processing your request.', type: 'server_error', code: null };
  return { message: `scripted OpenAI server: status ${status}`, type: 'invalid_request_error', code: null };
}

function modelEntry(id: string): object {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'scripted' };
}

function sendJson(response: ServerResponse, status: number, value: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

function sendError(
  response: ServerResponse, status: number, message: string, type: string, code: string | null,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(errorBody(message, type, code));
}

function startEventStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  response.flushHeaders();
}

function writeEvent(response: ServerResponse, data: string): Promise<void> {
  return write(response, `data: ${data}\n\n`);
}

function write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) {
      resolve();
      return;
    }
    // A client that went away (an aborted request) makes the write fail; the scripted reply simply stops there.
    response.write(text, () => resolve());
  });
}
