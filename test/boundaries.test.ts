// The house rules of ARCHITECTURE.md, read off the source files: who may touch the process, the MCP SDK and the
// `openai` package, what the agent loop may import, no import cycles, and the size rules (files of at most 300
// lines, at most 12 files directly in src/, at most 15 in any folder). A rule broken here names the file.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const MAX_FILE_LINES = 300;
const MAX_TOP_LEVEL_FILES = 12;
const MAX_FOLDER_FILES = 15;

interface Source { path: string; code: string; lines: number; imports: { target: string; typeOnly: boolean }[] }

const sources: Source[] = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => read(name.split('\\').join('/')));

function read(path: string): Source {
  const text = readFileSync(join(SRC, path), 'utf8');
  // Comments go (a URL's `//` follows a colon, so it stays); what is left is code and strings.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const statements = [...code.matchAll(/^(?:import|export)\b([^;]*?)\bfrom\s+['"]([^'"]+)['"]/gm)].map((match) => ({
    target: match[2] ?? '',
    // `import type {…}` and `import { type A, type B }` load nothing at run time.
    typeOnly: /^\s*type\b/.test(match[1] ?? '') || /^\s*\{(?:\s*type\s+[\w$]+(?:\s+as\s+[\w$]+)?\s*,?)*\s*\}\s*$/.test(match[1] ?? ''),
  }));
  const dynamic = [...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => ({ target: match[1] ?? '', typeOnly: false }));
  return { path, code, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), imports: [...statements, ...dynamic] };
}

/** src-relative path of a relative import (`./x.js` is `x.ts`), or undefined for a package. */
function local(from: Source, target: string): string | undefined {
  if (!target.startsWith('.')) return undefined;
  return relative(SRC, resolve(SRC, dirname(from.path), target)).split('\\').join('/').replace(/\.js$/, '.ts');
}

function offenders(rule: (source: Source) => boolean): string[] {
  return sources.filter(rule).map((source) => source.path);
}

test('only src/bin.ts touches the process', () => {
  expect(offenders((source) => source.path !== 'bin.ts' && /\bprocess\s*[.[]|['"](?:node:)?process['"]/.test(source.code))).toEqual([]);
});

test('only src/mcp/ imports the MCP SDK, and only src/model/ loads the openai package', () => {
  const imports = (source: Source, pattern: RegExp, values: boolean) =>
    source.imports.some((entry) => pattern.test(entry.target) && (!values || !entry.typeOnly));
  expect(offenders((source) => !source.path.startsWith('mcp/') && imports(source, /^@modelcontextprotocol\/sdk/, false))).toEqual([]);
  expect(offenders((source) => !source.path.startsWith('model/') && imports(source, /^openai(\/|$)/, true))).toEqual([]);
});

test('the agent loop imports nothing from mcp/, model/ or terminal/', () => {
  const reachesOut = (source: Source) =>
    source.imports.some((entry) => /^(mcp|model|terminal)\//.test(local(source, entry.target) ?? ''));
  expect(offenders((source) => source.path.startsWith('agent/') && reachesOut(source))).toEqual([]);
});

test('no import cycles, type-only imports included', () => {
  const edges = new Map(sources.map((source) => [source.path, source.imports.flatMap((entry) => local(source, entry.target) ?? [])]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (path: string, trail: string[]): void => {
    if (state.get(path) === 'done') return;
    if (state.get(path) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(path)), path].join(' → '));
      return;
    }
    state.set(path, 'open');
    for (const next of edges.get(path) ?? []) visit(next, [...trail, path]);
    state.set(path, 'done');
  };
  for (const path of edges.keys()) visit(path, []);
  expect(cycles).toEqual([]);
});

test(`files of at most ${MAX_FILE_LINES} lines, at most ${MAX_TOP_LEVEL_FILES} files directly in src/, at most ${MAX_FOLDER_FILES} in any folder`, () => {
  expect(sources.filter((source) => source.lines > MAX_FILE_LINES).map((source) => `${source.path} (${source.lines} lines)`)).toEqual([]);
  const perFolder = new Map<string, number>();
  for (const source of sources) perFolder.set(dirname(source.path), (perFolder.get(dirname(source.path)) ?? 0) + 1);
  const topLevel = sources.filter((source) => !source.path.includes('/')).map((source) => source.path);
  expect(topLevel.length, `src/ holds ${topLevel.join(', ')}`).toBeLessThanOrEqual(MAX_TOP_LEVEL_FILES);
  expect([...perFolder].filter(([folder, count]) => folder !== '.' && count > MAX_FOLDER_FILES)).toEqual([]);
});
