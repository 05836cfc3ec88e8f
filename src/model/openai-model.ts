/**
 * The model adapter, and the only runtime import of `openai` besides its error wording (model/model-errors.ts): it
 * builds the client, streams one chat completion (folded by model/stream-assembly.ts) with the output limit set, and
 * turns every model API failure into a one-line ModelApiError, with the tokens it still cost once the server had the
 * prompt. A server that refuses parallel tool calls is asked for one at a time from then on (model/single-tool-calls.ts).
 * An abort is the exception: it is rethrown untouched. The agent loop sees only `Complete` and its plain types
 * (agent/model.ts).
 */
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Complete, ModelRequest } from '../agent/model.js';
import { DEFAULT_MODEL_IDLE_TIMEOUT_SECONDS, DEFAULT_MODEL_TIMEOUT_SECONDS } from '../config/resolve.js';
import { ModelApiError, type SpentTokens } from '../errors.js';
import { createSecretMask } from '../redact.js';
import { describeModelError, OPENAI_BASE_URL, originOf, serverSaid, stalled } from './model-errors.js';
import { isParallelToolCallRefusal, oneToolCallPerMessage } from './single-tool-calls.js';
import { createAssembly, type Assembly } from './stream-assembly.js';
import { estimateSpentTokens } from './token-estimate.js';

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

interface CompleteOptions {
  model: string;
  idleTimeoutMs?: number;
  /** The output limit sent with every request (`max_completion_tokens` to OpenAI, `max_tokens` elsewhere); 0 = none. */
  maxOutputTokens?: number;
  /** Told once, when the server turns out to take one tool call at a time. */
  onNotice?: (line: string) => void;
}

/** What one Complete keeps between requests: its settings, and whether the server takes one tool call at a time. */
interface Completer {
  client: OpenAI;
  options: CompleteOptions;
  idleTimeoutMs: number;
  origin: string;
  /** Sent with every request: `store: false` to OpenAI, and the output limit. */
  fixedParameters: Record<string, unknown>;
  /** Set for the rest of the session once the server refused an assistant message with several tool calls. */
  oneCallAtATime: boolean;
  /** The error as one line, with the key masked: an endpoint may echo it, and keys come in every shape (gsk_…, xai-…). */
  failure(error: unknown): ModelApiError;
}

export function createComplete(client: OpenAI, options: CompleteOptions): Complete {
  const completer = completerFor(client, options);
  return async (request, { signal, onTextDelta, onCancelledSpend }) => {
    const stream = await openStream(completer, request, signal);
    // From here on the server has the prompt: a failure (ModelApiError.spent) or a cancel still cost its tokens.
    const assembly = createAssembly(onTextDelta);
    try {
      await readStream(completer, stream, assembly, { request, signal });
      // The SDK ends the stream quietly when the request is aborted mid-answer; a partial answer must not pass as whole.
      if (signal.aborted) throw new APIUserAbortError();
    } catch (error) {
      if (signal.aborted && onCancelledSpend !== undefined) onCancelledSpend(await spentTokens(request, assembly));
      throw error;
    }
    try {
      return assembly.finish(completer.origin);
    } catch (error) {
      throw await withSpentTokens(completer.failure(error), request, assembly);
    }
  };
}

function completerFor(client: OpenAI, options: CompleteOptions): Completer {
  const maskKey = createSecretMask(client.apiKey === null || client.apiKey === PLACEHOLDER_API_KEY ? [] : [client.apiKey]);
  const openAI = isOpenAIEndpoint(client.baseURL);
  return {
    client,
    options,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    origin: originOf(client.baseURL),
    // Account data is in these conversations: tell OpenAI not to keep them. Other servers may reject the parameter.
    fixedParameters: { ...(openAI ? { store: false } : {}), ...outputLimit(options.maxOutputTokens, openAI) },
    oneCallAtATime: false,
    failure(error) {
      const described = describeModelError(error, client.baseURL, options.model);
      described.message = maskKey(described.message);
      return described;
    },
  };
}

function bodyFor(completer: Completer, request: ModelRequest): ChatCompletionCreateParamsStreaming {
  const { oneCallAtATime } = completer;
  return {
    model: completer.options.model,
    messages: oneCallAtATime ? oneToolCallPerMessage(request.messages) : request.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools.length === 0 ? {} : { tools: request.tools, ...(oneCallAtATime ? { parallel_tool_calls: false } : {}) }),
    ...completer.fixedParameters,
  };
}

/** Sends the request; one refusal of parallel tool calls switches to one call at a time and sends it again. */
async function openStream(completer: Completer, request: ModelRequest, signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> {
  const { client } = completer;
  try {
    // The timeout is the client's own, repeated per request: only then does the SDK tell the server, as
    // X-Stainless-Timeout, how long the client will wait for the reply to start.
    return await client.chat.completions.create(bodyFor(completer, request), { signal, timeout: client.timeout });
  } catch (error) {
    if (signal.aborted) throw error;
    if (completer.oneCallAtATime || !(error instanceof APIError) || !isParallelToolCallRefusal(error.status, `${error.message} ${serverSaid(error)}`)) {
      throw completer.failure(error);
    }
    completer.oneCallAtATime = true;
    completer.options.onNotice?.(`The model server at ${completer.origin} takes one tool call at a time; kite-chat asks it for one at a time from now on.`);
    return openStream(completer, request, signal);
  }
}

/** Every chunk into the assembly, each within the idle limit; an abort stops at once, and no text follows it. */
async function readStream(
  completer: Completer,
  stream: AsyncIterable<ChatCompletionChunk>,
  assembly: Assembly,
  { request, signal }: { request: ModelRequest; signal: AbortSignal },
): Promise<void> {
  const { idleTimeoutMs, origin } = completer;
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
      throw await withSpentTokens(completer.failure(error), request, assembly);
    }
    if (next.done === true) return;
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
}

/** The output limit under the name the endpoint knows: OpenAI's reasoning models refuse `max_tokens`. */
function outputLimit(maxOutputTokens: number | undefined, openAI: boolean): { max_completion_tokens?: number; max_tokens?: number } {
  if (maxOutputTokens === undefined || maxOutputTokens <= 0) return {};
  // Local servers (llama.cpp, Ollama, LM Studio, vLLM) all read max_tokens; not all know max_completion_tokens.
  return openAI ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens };
}

/** The error with what the failed request cost. */
async function withSpentTokens(error: ModelApiError, request: ModelRequest, assembly: Assembly): Promise<ModelApiError> {
  error.spent = await spentTokens(request, assembly);
  return error;
}

/** What a request that did not end well cost: the server's figures if any came, else counted here (an estimate). */
async function spentTokens(request: ModelRequest, assembly: Assembly): Promise<SpentTokens> {
  const usage = assembly.usage();
  return usage === undefined
    ? { ...(await estimateSpentTokens(request, assembly.received())), estimated: true }
    : { ...usage, estimated: false };
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

function isOpenAIEndpoint(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
