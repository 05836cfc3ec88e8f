/**
 * The model checks of `kite-chat doctor`: `model` (the endpoint answers and lists the model, `GET /models` where it
 * is offered) and `tool-calling` (one small streamed request offering one function and asking for it to be called,
 * through the same adapter and settings as a chat). At most these two requests, none retried; no account data and
 * no Kite tool goes to the model.
 */
import type OpenAI from 'openai';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { Config } from '../../config/resolve.js';
import type { AddCheck, Check } from './report.js';
import type { ModelResponse } from '../../agent/model.js';
import { describeModelError } from '../../model/model-errors.js';
import { createComplete, createOpenAIClient, listModels } from '../../model/openai-model.js';
import { parseToolArguments } from '../../tools/schema.js';

/** Room for a reasoning model to think briefly and call a function; a local model that rambles instead stops soon. */
const PROBE_MAX_OUTPUT_TOKENS = 1024;
/** At most this many model names when the configured one is missing from the list. */
const MAX_MODELS_NAMED = 5;

const PROBE_FUNCTION: ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'record_word',
    description: 'Records one word. Call it when asked to record a word.',
    parameters: {
      type: 'object',
      properties: { word: { type: 'string', description: 'The word to record.' } },
      required: ['word'],
      additionalProperties: false,
    },
  },
};
const PROBE_QUESTION = 'Record the word "kite" with the record_word function. Call the function; do not answer in text.';

export async function checkModel(config: Config, deps: { add: AddCheck; configured: boolean }): Promise<void> {
  const { add } = deps;
  if (!deps.configured) {
    add({ name: 'model', status: 'warn', detail: 'not checked: no model endpoint is configured (see config)' });
    add({ name: 'tool-calling', status: 'warn', detail: 'not checked: no model endpoint is configured (see config)' });
    return;
  }
  const client = createOpenAIClient({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    maxRetries: 0, // two requests at most, as the contract says
    timeoutMs: config.modelTimeoutSeconds * 1000,
  });
  const model = await modelCheck(client, config);
  add(model);
  if (model.status === 'fail') {
    add({ name: 'tool-calling', status: 'warn', detail: 'not checked: the model check failed' });
    return;
  }
  add(await toolCallingCheck(client, config));
}

async function modelCheck(client: OpenAI, config: Config): Promise<Check> {
  const origin = new URL(client.baseURL).origin;
  let listed: Awaited<ReturnType<typeof listModels>>;
  try {
    listed = await listModels(client, config.model);
  } catch (error) {
    return { name: 'model', status: 'fail', detail: describeModelError(error, client.baseURL, config.model).message };
  }
  if ('noListStatus' in listed) {
    return { name: 'model', status: 'ok', detail: `${origin} answers; it lists no models (GET /models: ${listed.noListStatus}), so the next check tries ${config.model}` };
  }
  const { ids } = listed;
  // Ollama serves `name` as `name:latest`.
  if (ids.includes(config.model) || ids.includes(`${config.model}:latest`)) {
    return { name: 'model', status: 'ok', detail: `${origin} answers and lists ${config.model} (${ids.length} ${ids.length === 1 ? 'model' : 'models'})` };
  }
  const named = ids.slice(0, MAX_MODELS_NAMED).join(', ') + (ids.length > MAX_MODELS_NAMED ? ', …' : '');
  return {
    name: 'model',
    status: 'fail',
    detail: `${origin} answers, but does not list model ${config.model} (it lists ${ids.length === 0 ? 'none' : named}): check --model / OPENAI_MODEL`,
  };
}

/** One request with one function: a call with valid arguments is ok; prose means the tools never reached the model. */
async function toolCallingCheck(client: OpenAI, config: Config): Promise<Check> {
  const maxOutputTokens = config.maxOutputTokens === 0 ? PROBE_MAX_OUTPUT_TOKENS : Math.min(config.maxOutputTokens, PROBE_MAX_OUTPUT_TOKENS);
  const complete = createComplete(client, { model: config.model, idleTimeoutMs: config.modelIdleTimeoutSeconds * 1000, maxOutputTokens });
  let response: ModelResponse;
  try {
    response = await complete(
      { messages: [{ role: 'user', content: PROBE_QUESTION }], tools: [PROBE_FUNCTION] },
      { signal: new AbortController().signal, onTextDelta: () => {} },
    );
  } catch (error) {
    return { name: 'tool-calling', status: 'fail', detail: describeModelError(error, client.baseURL, config.model).message };
  }
  const call = response.toolCalls.find((candidate) => candidate.name === PROBE_FUNCTION.function.name);
  if (call !== undefined) {
    const parsed = parseToolArguments(call.arguments, PROBE_FUNCTION.function.parameters ?? {});
    if (parsed.ok && typeof parsed.value['word'] === 'string') {
      return { name: 'tool-calling', status: 'ok', detail: `${config.model} called the offered function with valid arguments` };
    }
    return {
      name: 'tool-calling',
      status: 'warn',
      detail: `${config.model} called the function, but its arguments were not valid (${parsed.ok ? 'no word' : parsed.error}): expect it to fumble Kite's tools too; a larger model may do better`,
    };
  }
  if (response.toolCalls.length > 0) {
    return { name: 'tool-calling', status: 'warn', detail: `${config.model} called a function it was not offered (${response.toolCalls[0]?.name ?? ''}): expect made-up tool names` };
  }
  if (response.finishReason === 'length') {
    return { name: 'tool-calling', status: 'warn', detail: `${config.model} was cut off at ${maxOutputTokens} output tokens before calling the function: raise --max-output-tokens, or the server's own limit` };
  }
  return {
    name: 'tool-calling',
    status: 'warn',
    detail: `${config.model} answered in text instead of calling the function: the model or its server may not do tool calling, or may drop the tools `
      + '(llama.cpp: start llama-server with --jinja; Ollama: pick a model marked "tools"), so answers would not come from Kite',
  };
}
