/**
 * Finding a model server on this machine when none is configured (no OPENAI_API_KEY, no OPENAI_BASE_URL): one short
 * `GET /v1/models` to each usual port on 127.0.0.1, nothing else, no key, and nothing at all to any other host. The
 * first that lists a model becomes a suggestion: the exact OPENAI_BASE_URL=… OPENAI_MODEL=… line to use it. Using it
 * stays the user's decision; cli.ts and commands/doctor/doctor.ts print the suggestion, nothing here prints.
 */
import { isRecord } from '../json.js';

export interface LocalModelServer {
  name: string;
  port: number;
}

/** The servers people run, on their default ports, in the order they are tried. */
const LOCAL_MODEL_SERVERS: readonly LocalModelServer[] = [
  { name: 'Ollama', port: 11434 },
  { name: 'LM Studio', port: 1234 },
  { name: 'llama.cpp', port: 8080 },
];
/** A server on this machine answers /v1/models in milliseconds; a port that takes longer is something else. */
const PROBE_TIMEOUT_MS = 1_000;
/** Listed ids that name embedding models, which cannot chat (Ollama lists them beside chat models). */
const EMBEDDING_MODEL = /embed/i;
/** At most this many model names in a suggestion line. */
const MAX_MODELS_NAMED = 3;

interface FoundModelServer {
  name: string;
  baseURL: string;
  models: string[];
}

/** The first of `servers` on 127.0.0.1 that lists at least one model, or undefined. All are asked at once. */
export async function findLocalModelServer(
  servers: readonly LocalModelServer[] = LOCAL_MODEL_SERVERS,
  fetchImpl: typeof fetch = fetch,
): Promise<FoundModelServer | undefined> {
  const found = await Promise.all(servers.map((server) => probe(server, fetchImpl)));
  return found.find((server) => server !== undefined);
}

/**
 * What to say instead of only "OPENAI_API_KEY is not set" when a server was found: that, what answers, the exact
 * settings to use it (a line of its own, to copy into a shell or .env), and the other way.
 */
export function localServerSuggestion(found: FoundModelServer): string[] {
  const chat = found.models.filter((id) => !EMBEDDING_MODEL.test(id));
  const model = chat[0] ?? found.models[0] ?? '';
  const named = found.models.slice(0, MAX_MODELS_NAMED).join(', ') + (found.models.length > MAX_MODELS_NAMED ? ', …' : '');
  return [
    'OPENAI_API_KEY is not set, and no OPENAI_BASE_URL either.',
    `A model server answers on this machine: ${found.name} at ${found.baseURL} (models: ${named}). To use it, set (in the shell or in .env):`,
    `OPENAI_BASE_URL=${found.baseURL} OPENAI_MODEL=${shellWord(model)}`,
    'Or export OPENAI_API_KEY to use OpenAI.',
  ];
}

async function probe(server: LocalModelServer, fetchImpl: typeof fetch): Promise<FoundModelServer | undefined> {
  const baseURL = `http://127.0.0.1:${server.port}/v1`;
  try {
    const response = await fetchImpl(`${baseURL}/models`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) return undefined;
    const models = modelIds(await response.json());
    return models.length === 0 ? undefined : { name: server.name, baseURL, models };
  } catch {
    return undefined; // nothing listening, not JSON, too slow: not a model server
  }
}

/** The `data[].id` strings of an OpenAI model list, printable ones only (a server's text reaches the terminal). */
function modelIds(body: unknown): string[] {
  const data = isRecord(body) ? body['data'] : undefined;
  if (!Array.isArray(data)) return [];
  return data
    .map((entry: unknown) => (isRecord(entry) ? entry['id'] : undefined))
    .filter((id): id is string => typeof id === 'string' && /^[\x21-\x7e]{1,200}$/.test(id));
}

/** A model id as one shell word: quoted when it holds anything a shell would read specially. */
function shellWord(text: string): string {
  return /^[\w.:/@+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
