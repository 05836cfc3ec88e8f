/**
 * The model adapter, and the only runtime import of `openai`: it builds the client, streams one chat completion
 * (text deltas passed on as they arrive, tool-call deltas assembled by index) with the output limit set, and turns
 * every model API failure into a one-line ModelApiError, with the tokens it still cost once the server had the
 * prompt. A server that refuses parallel tool calls is asked for one at a time from then on (model/single-tool-calls.ts).
 * An abort is the exception: it is rethrown untouched. The agent loop sees only `Complete` and its plain types
 * (agent/model.ts); model output is untrusted and never crashes the assembly.
 */
import { randomUUID } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Complete, ModelRequest, ModelResponse, ModelToolCall, Usage } from '../agent/model.js';
import { DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS, DEFAULT_MODEL_TIMEOUT_SECONDS } from '../config/resolve.js';
import { ContextLengthError, ModelApiError } from '../errors.js';
import { createSecretMask, safeLine } from '../redact.js';
import { isParallelToolCallRefusal, oneToolCallPerMessage } from './single-tool-calls.js';
import { estimateSpentTokens } from './token-estimate.js';

/** Where the client goes when no base URL is given; only there are OpenAI-only parameters sent. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** The SDK refuses to start without a key; keyless local servers (Ollama, LM Studio, vLLM) ignore what is sent. */
const PLACEHOLDER_API_KEY = 'not-needed';
/** The SDK's own default: rides out a brief 429/5xx without making a dead endpoint hang for long. */
const DEFAULT_MAX_RETRIES = 2;
/** Time allowed until a reply starts (config/resolve.ts says why); the SDK's timeout, sent as X-Stainless-Timeout too. */
const DEFAULT_TIMEOUT_MS = DEFAULT_MODEL_TIMEOUT_SECONDS * 1000;
/**
 * The SDK's timeout stops counting once the reply starts; a stream silent this long in the middle of an answer has
 * stalled (a dropped proxy, a wedged server) and would otherwise wait forever.
 */
const DEFAULT_IDLE_TIMEOUT_MS = DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS * 1000;
/** Server text quoted in an error line is cut here: enough for "model x does not support tools", not a web page. */
const MAX_QUOTED_CHARS = 200;
/** OpenAI's error code for a request that does not fit the model's context window. */
const CONTEXT_LENGTH_CODE = 'context_length_exceeded';

export function createOpenAIClient(options: {
  apiKey: string | undefined; baseURL: string | undefined; maxRetries?: number; timeoutMs?: number;
}): OpenAI {
  // Everything is passed explicitly so the SDK reads nothing from process.env (organization, project and log level
  // included): configuration comes from resolveConfig alone, and no OpenAI header goes to a third-party server.
  return new OpenAI({
    apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
    baseURL: options.baseURL ?? OPENAI_BASE_URL,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // The SDK logs to the console by default; only terminal/ui.ts may write to the terminal.
    logLevel: 'off',
  });
}

export interface CompleteOptions {
  model: string;
  idleTimeoutMs?: number;
  /** The output limit sent with every request (`max_completion_tokens` to OpenAI, `max_tokens` elsewhere); 0 = none. */
  maxOutputTokens?: number;
  /** Told once, when the server turns out to take one tool call at a time. */
  onNotice?: (line: string) => void;
}

export function createComplete(client: OpenAI, options: CompleteOptions): Complete {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // An endpoint may echo the key in an error body, and keys come in every shape (gsk_…, xai-…): mask it as itself.
  const maskKey = createSecretMask(client.apiKey === null || client.apiKey === PLACEHOLDER_API_KEY ? [] : [client.apiKey]);
  const failure = (error: unknown): ModelApiError => {
    const described = describeModelError(error, client.baseURL, options.model);
    described.message = maskKey(described.message);
    return described;
  };
  const origin = originOf(client.baseURL);
  const openAI = isOpenAIEndpoint(client.baseURL);
  // Account data is in these conversations: tell OpenAI not to keep them. Other servers may reject the parameter.
  const fixedParameters = { ...(openAI ? { store: false } : {}), ...outputLimit(options.maxOutputTokens, openAI) };
  /** Set for the rest of the session once the server refused an assistant message with several tool calls. */
  let oneCallAtATime = false;

  const bodyFor = (request: ModelRequest): ChatCompletionCreateParamsStreaming => ({
    model: options.model,
    messages: oneCallAtATime ? oneToolCallPerMessage(request.messages) : request.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools.length === 0 ? {} : { tools: request.tools, ...(oneCallAtATime ? { parallel_tool_calls: false } : {}) }),
    ...fixedParameters,
  });

  /** Sends the request; one refusal of parallel tool calls switches to one call at a time and sends it again. */
  const open = async (request: ModelRequest, signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> => {
    try {
      // The timeout is the client's own, repeated per request: only then does the SDK tell the server, as
      // X-Stainless-Timeout, how long the client will wait for the reply to start.
      return await client.chat.completions.create(bodyFor(request), { signal, timeout: client.timeout });
    } catch (error) {
      if (signal.aborted) throw error;
      if (oneCallAtATime || !(error instanceof APIError) || !isParallelToolCallRefusal(error.status, `${error.message} ${serverSaid(error)}`)) {
        throw failure(error);
      }
      oneCallAtATime = true;
      options.onNotice?.(`The model server at ${origin} takes one tool call at a time; kite-chat asks it for one at a time from now on.`);
      return open(request, signal);
    }
  };

  return async (request, { signal, onTextDelta }) => {
    const stream = await open(request, signal);
    // From here on the server has the prompt: a failure still cost its tokens (ModelApiError.spent).
    const assembly = createAssembly(onTextDelta);
    const failed = (error: unknown) => withSpentTokens(failure(error), request, assembly);
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<ChatCompletionChunk>;
      try {
        next = await nextBefore(iterator, idleTimeoutMs, () => {
          (stream as { controller?: AbortController }).controller?.abort(); // ends the HTTP request too
          return new ModelApiError(stalled(origin, idleTimeoutMs));
        });
      } catch (error) {
        if (signal.aborted) throw error;
        throw await failed(error);
      }
      if (next.done === true) break;
      // Chunks already buffered keep coming after an abort; none of their text may reach the screen after Ctrl-C.
      if (signal.aborted) {
        await iterator.return?.();
        throw new APIUserAbortError();
      }
      try {
        assembly.add(next.value);
      } catch (error) {
        await iterator.return?.(); // onTextDelta threw: stop the request, and let the caller's error through
        throw error;
      }
    }
    // The SDK ends the stream quietly when the request is aborted mid-answer; a partial answer must not pass as whole.
    if (signal.aborted) throw new APIUserAbortError();
    try {
      return assembly.finish(origin);
    } catch (error) {
      throw await failed(error);
    }
  };
}

/** The output limit under the name the endpoint knows: OpenAI's reasoning models refuse `max_tokens`. */
function outputLimit(maxOutputTokens: number | undefined, openAI: boolean): { max_completion_tokens?: number; max_tokens?: number } {
  if (maxOutputTokens === undefined || maxOutputTokens <= 0) return {};
  // Local servers (llama.cpp, Ollama, LM Studio, vLLM) all read max_tokens; not all know max_completion_tokens.
  return openAI ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens };
}

/** The error with what the failed request cost: the server's figures if any came, else counted here (an estimate). */
async function withSpentTokens(error: ModelApiError, request: ModelRequest, assembly: Assembly): Promise<ModelApiError> {
  const usage = assembly.usage();
  error.spent = usage === undefined
    ? { ...(await estimateSpentTokens(request, assembly.received())), estimated: true }
    : { ...usage, estimated: false };
  return error;
}

/** Statuses that mean "this server offers no model list", not "this server is broken". */
const NO_MODEL_LIST = new Set([404, 405, 501]);

/**
 * The model ids the endpoint lists (`GET /models`), or the status with which it said it offers no list. Any other
 * failure is a ModelApiError (`kite-chat doctor`'s model check).
 */
export async function listModels(client: OpenAI, model: string): Promise<{ ids: string[] } | { noListStatus: number }> {
  try {
    return { ids: (await client.models.list()).data.map((entry) => entry.id) };
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined && NO_MODEL_LIST.has(error.status)) return { noListStatus: error.status };
    throw describeModelError(error, client.baseURL, model);
  }
}

export function describeModelError(error: unknown, baseURL: string | undefined, model?: string): ModelApiError {
  if (error instanceof ModelApiError) return error;
  if (isContextLengthError(error)) {
    const modelName = model === undefined ? 'the model' : `model "${model}"`;
    return new ContextLengthError(
      `The conversation is too long for ${modelName} at ${originOf(baseURL)} (400${serverSaid(error)}): `
        + 'use /clear in the chat, or ask about less data at once.',
      { cause: error },
    );
  }
  return new ModelApiError(describe(error, originOf(baseURL), model), { cause: error });
}

/** OpenAI's 400 for a request larger than the context window (vLLM and LiteLLM send the same code). */
function isContextLengthError(error: unknown): error is APIError {
  return error instanceof APIError && error.status === 400 && [error.code, error.type].includes(CONTEXT_LENGTH_CODE);
}

function describe(error: unknown, origin: string, model: string | undefined): string {
  const modelName = model === undefined ? 'the configured model' : `model "${model}"`;
  if (error instanceof APIUserAbortError) return 'The model request was cancelled.';
  if (error instanceof APIConnectionTimeoutError) return unreachable(origin, 'timed out');
  if (error instanceof APIConnectionError) return unreachable(origin, connectionReason(error));
  if (error instanceof APIError && error.status !== undefined) {
    const status: number = error.status;
    const said = serverSaid(error);
    if (status === 401) return `The model API rejected the key (401) at ${origin}: check OPENAI_API_KEY.`;
    if (status === 403 || status === 404) {
      return `The model API at ${origin} refused ${modelName} (${status}${said}): check --model or OPENAI_MODEL, `
        + 'that your key may use that model, and that OPENAI_BASE_URL ends in /v1.';
    }
    if (status === 429 && [error.code, error.type].includes('insufficient_quota')) {
      return `The model API at ${origin} says the account is out of quota (429): check your plan and billing.`;
    }
    if (status === 429) {
      return `The model API at ${origin} is rate-limiting requests (429): wait a minute and try again, or check your plan's limits.`;
    }
    if (status >= 500) return `The model API at ${origin} failed (${status}${said}): try again in a few minutes.`;
    if (status === 400) {
      return `The model API at ${origin} rejected the request (400${said}): check that ${modelName} exists there and supports tool calling.`;
    }
    return `The model API at ${origin} refused the request (${status}${said}): check OPENAI_BASE_URL and --model.`;
  }
  if (error instanceof APIError) {
    return `The model API at ${origin} reported an error in the middle of its answer${serverSaid(error)}: try again.`;
  }
  if (error instanceof SyntaxError) {
    return `The model API at ${origin} sent a reply that is not JSON: check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.`;
  }
  if (isStreamBreak(error)) return stoppedHalfway(origin);
  const message = error instanceof Error ? error.message : String(error);
  return `The model API call to ${origin} failed (${quote(message)}): check OPENAI_BASE_URL and try again.`;
}

/** The iterator's next item, or the error `onIdle` makes when none comes within `idleMs`. */
async function nextBefore<T>(iterator: AsyncIterator<T>, idleMs: number, onIdle: () => Error): Promise<IteratorResult<T>> {
  const pending = iterator.next();
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.catch(() => {}); // it rejects once the request is aborted; nobody waits for it any more
      reject(onIdle());
    }, idleMs);
  });
  try {
    return await Promise.race([pending, idle]);
  } finally {
    clearTimeout(timer);
  }
}

function stalled(origin: string, idleMs: number): string {
  return `The model API at ${origin} sent nothing for ${Math.round(idleMs / 100) / 10} s in the middle of its answer: `
    + 'try again, and check OPENAI_BASE_URL or your network if it keeps happening.';
}

function unreachable(origin: string, reason: string | undefined): string {
  return `Cannot reach the model API at ${origin}${reason === undefined ? '' : ` (${reason})`}: check OPENAI_BASE_URL or your network.`;
}

function stoppedHalfway(origin: string): string {
  return `The model API at ${origin} stopped in the middle of its answer: try again, and check OPENAI_BASE_URL or your network if it keeps happening.`;
}

/** Words for the network error codes people meet; any other code is shown as is. */
const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
};

function connectionReason(error: unknown): string | undefined {
  const code = errorCodes(error)[0];
  if (code === undefined) return undefined;
  return CONNECTION_REASONS[code] ?? code;
}

/** The `code` of an error and its causes, outermost first (undici hides the socket error two causes deep). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** undici's error when a response body breaks off: `TypeError: terminated`, caused by a socket error. */
function isStreamBreak(error: unknown): boolean {
  if (error instanceof TypeError && error.message === 'terminated') return true;
  return errorCodes(error).some((code) => code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'UND_ERR_BODY_TIMEOUT');
}

/** The server's own error message as `: "…"`, or nothing; never the 401 text, which may echo part of the key. */
function serverSaid(error: APIError): string {
  const body: unknown = error.error;
  const fromBody = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  const text = typeof fromBody === 'string' ? fromBody : error.message.replace(/^\d{3} /, '');
  if (text === '' || /status code \(no body\)|^\(no status code or body\)$/.test(text)) return '';
  return `: ${quote(text)}`;
}

/** Untrusted text made safe for one line (redact.ts: no control characters, credentials or keys), and short. */
function quote(text: string): string {
  if (text.trimStart().startsWith('<')) return 'an HTML page, not an API reply';
  const safe = safeLine(text);
  return safe.length <= MAX_QUOTED_CHARS ? safe : `${safe.slice(0, MAX_QUOTED_CHARS - 1)}…`;
}

function originOf(baseURL: string | undefined): string {
  try {
    return new URL(baseURL ?? OPENAI_BASE_URL).origin; // an origin never carries user:password@
  } catch {
    return '(an invalid OPENAI_BASE_URL)';
  }
}

function isOpenAIEndpoint(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

interface Assembly {
  add(chunk: unknown): void;
  finish(origin: string): ModelResponse;
  /** What the server sent so far: the text and the tool-call names and arguments. */
  received(): string;
  usage(): Usage | undefined;
}

/** Folds streamed chunks into one response. Chunks are read defensively: the server's types are a promise, not a fact. */
function createAssembly(onTextDelta: (delta: string) => void): Assembly {
  let text = '';
  let usage: Usage | undefined;
  let finishReason: string | undefined;
  let chunkCount = 0;
  const toolCalls = new Map<number, ModelToolCall>();
  let lastIndex: number | undefined;

  const addToolCallDelta = (value: unknown, position: number): void => {
    const delta = asRecord(value);
    if (delta === undefined) return;
    const id = typeof delta.id === 'string' && delta.id !== '' ? delta.id : undefined;
    const index = typeof delta.index === 'number' ? delta.index : guessIndex(toolCalls, id, lastIndex ?? position);
    const toolCall = toolCalls.get(index) ?? { id: '', name: '', arguments: '' };
    toolCalls.set(index, toolCall);
    lastIndex = index;
    if (id !== undefined && toolCall.id === '') toolCall.id = id;
    const fn = asRecord(delta.function);
    if (fn === undefined) return;
    // OpenAI sends the name once; a server that repeats it whole on every delta must not double it.
    if (typeof fn.name === 'string' && fn.name !== toolCall.name) toolCall.name += fn.name;
    if (typeof fn.arguments === 'string') toolCall.arguments += fn.arguments;
    else if (fn.arguments !== undefined && fn.arguments !== null) toolCall.arguments += JSON.stringify(fn.arguments);
  };

  return {
    add(value) {
      const chunk = asRecord(value);
      if (chunk === undefined) return;
      chunkCount += 1;
      const chunkUsage = asRecord(chunk.usage);
      if (chunkUsage !== undefined) {
        usage = { promptTokens: tokenCount(chunkUsage.prompt_tokens), completionTokens: tokenCount(chunkUsage.completion_tokens) };
      }
      const choices = Array.isArray(chunk.choices) ? chunk.choices.map(asRecord) : [];
      const choice = choices.find((candidate) => candidate !== undefined && (candidate.index ?? 0) === 0);
      if (choice === undefined) return;
      if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
      const delta = asRecord(choice.delta);
      if (delta === undefined) return;
      for (const piece of [delta.content, delta.refusal]) {
        if (typeof piece !== 'string' || piece === '') continue;
        text += piece;
        onTextDelta(piece);
      }
      if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach(addToolCallDelta);
    },
    received: () => text + [...toolCalls.values()].map((call) => call.name + call.arguments).join(''),
    usage: () => usage,
    finish(origin) {
      if (chunkCount === 0) {
        throw new ModelApiError(`The model API at ${origin} sent an empty reply: check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.`);
      }
      // Every OpenAI-compatible server ends a choice with a finish_reason; without one the answer was cut off.
      if (finishReason === undefined) throw new ModelApiError(stoppedHalfway(origin));
      const ordered = [...toolCalls.entries()].sort(([left], [right]) => left - right);
      return {
        text,
        toolCalls: ordered.map(([, toolCall]) => ({ ...toolCall, id: toolCall.id === '' ? generatedId() : toolCall.id })),
        usage,
        finishReason,
      };
    },
  };
}

/** For servers that omit `index`: a new id starts a new call, anything else continues the last one. */
function guessIndex(toolCalls: Map<number, ModelToolCall>, id: string | undefined, fallback: number): number {
  if (id === undefined) return fallback;
  for (const [index, toolCall] of toolCalls) if (toolCall.id === id) return index;
  return toolCalls.size === 0 ? 0 : Math.max(...toolCalls.keys()) + 1;
}

function generatedId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
