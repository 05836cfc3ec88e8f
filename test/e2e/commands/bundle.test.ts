// The bundle users run (dist/, built by scripts/build.mjs as `npm run build` builds it): --help loads no SDK, no
// `openai` and no tokenizer; --ask loads the SDK and `openai` but neither Ajv nor the tokenizer; a stack trace names
// our src/ files and lines; prompts/system.md and package.json are found from the bundle's place. Which files a run
// loaded comes from Node's own NODE_DEBUG=esm lines; which package a chunk holds, from a string only it contains.
import { readFile } from 'node:fs/promises';
import { closedOrigin, completions } from '../../support/faults-harness.js';
import { expect, test } from '../../support/fixtures.js';
import { REPO_ROOT } from '../../support/run-cli.js';

/** A string each package's code holds and ours does not. */
const PACKAGE_MARKERS = {
  sdk: 'notifications/initialized', // the MCP SDK's protocol types
  openai: 'X-Stainless', // the `openai` client's request headers
  tokenizer: 'o200k_base', // gpt-tokenizer's encoding tables
  ajv: 'removeAdditional', // an option Ajv's own code reads
} as const;
type PackageName = keyof typeof PACKAGE_MARKERS;

/** The packages whose code the run loaded, from the files Node says it translated. */
async function packagesLoaded(stderr: string): Promise<Set<PackageName>> {
  const files = [...stderr.matchAll(/Translating StandardModule file:\/\/(\S+)/g)].map((match) => match[1] ?? '');
  expect(files.some((file) => file.endsWith('/dist/bin.js'))).toBe(true);
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  const names = Object.keys(PACKAGE_MARKERS) as PackageName[];
  return new Set(names.filter((name) => texts.some((text) => text.includes(PACKAGE_MARKERS[name]))));
}

test('--help and --version load no SDK, no openai and no tokenizer; the version is package.json\'s', async ({ cli }) => {
  const help = await cli(['--help'], { env: { NODE_DEBUG: 'esm' } });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage:/);
  expect(await packagesLoaded(help.stderr)).toEqual(new Set());

  const version = await cli(['--version']);
  const { version: declared } = JSON.parse(await readFile(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };
  expect(version.stdout).toBe(`kite-chat ${declared}\n`);
});

test('--ask loads the SDK and openai, not Ajv or the tokenizer, and sends prompts/system.md as it is', async ({ startKite, model, cli }) => {
  const kite = await startKite({ autoLogin: true });
  model.push({ text: 'Hello.' });
  const run = await cli(['--ask', 'Say hello.', '--url', kite.mcpUrl, '--no-browser'], { env: { NODE_DEBUG: 'esm' } });

  expect(run.code).toBe(0);
  expect(run.stdout).toBe('Hello.\n');
  expect(await packagesLoaded(run.stderr)).toEqual(new Set(['sdk', 'openai']));
  const systemPrompt = await readFile(`${REPO_ROOT}/prompts/system.md`, 'utf8');
  expect(completions(model)[0]?.body?.messages?.[0]).toEqual({ role: 'system', content: systemPrompt });
});

test('a stack trace names our src/ files and lines, not the bundle', async ({ cli }) => {
  const run = await cli(['--ask', 'Hi', '--url', `${await closedOrigin()}/mcp`, '--no-browser'], { env: { NODE_DEBUG: 'kite-chat' } });

  expect(run.code).toBe(4);
  const frames = run.stderr.split('\n').filter((line) => /^\s+at /.test(line));
  expect(frames[0]).toMatch(/\/src\/mcp\/session\.ts:\d+:\d+\)$/);
  expect(frames.filter((line) => line.includes('/dist/chunk-'))).toEqual([]);
});
