#!/usr/bin/env node
/**
 * `npm run build` (and the tests' global setup): bundles src/bin.ts and its dependencies into dist/ with esbuild.
 * Every dynamic import stays a chunk of its own, so `--help` loads no SDK and the tokenizer loads only when needed.
 * Our code and the dependencies never share a chunk, and only ours keeps a source map (source-maps.mjs): a stack
 * trace names src/ files and lines, and a start never reads or parses the dependencies' maps. Plain JavaScript run
 * by node itself: no TypeScript loader and no type check here (that is `npm test` / `npm run typecheck`).
 */
import { readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { keepOwnMappings } from './source-maps.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'dist');
/** Chunks sit beside bin.js, so `new URL('../prompts/…', import.meta.url)` finds the package from each of them. */
const CHUNK_NAMES = 'chunk-[hash]';
/** CommonJS dependencies (ajv, …) call require() for Node's built-ins; an ES module has none of its own. */
const REQUIRE_SHIM =
  "import { createRequire as __kiteChatCreateRequire } from 'node:module'; const require = __kiteChatCreateRequire(import.meta.url);";
/**
 * A second entry point that imports every package our code imports: esbuild groups modules into chunks by the entry
 * points that reach them, so no chunk holds both our modules and a dependency's. It is never loaded, and removed.
 */
const DEPENDENCIES_ENTRY = 'kite-chat-dependencies';
/**
 * Ajv (and ajv-formats) load only for the MCP SDK's default output-schema validator, which kite-chat replaces
 * (src/mcp/unchecked-output.ts): left out, a start evaluates ~280 KB less code. Constructing one throws, so a code
 * path that still needs it fails at once, in every spawned test, instead of validating nothing.
 */
const LEFT_OUT = /^(ajv|ajv-formats)$/;
const LEFT_OUT_STUB =
  "export default function leftOut() { throw new Error('Ajv is left out of the kite-chat bundle (scripts/build.mjs): " +
  "give the MCP Client a jsonSchemaValidator (src/mcp/unchecked-output.ts).'); }";

const options = {
  absWorkingDir: ROOT,
  entryPoints: [{ in: 'src/bin.ts', out: 'bin' }],
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: CHUNK_NAMES,
  banner: { js: REQUIRE_SHIM },
  // Few long lines: Node measures every line of a module that has a source map as it loads it.
  minifyWhitespace: true,
  logLevel: 'warning',
  plugins: [leaveOut()],
};

const probe = await build({ ...options, write: false, metafile: true });
const packages = packagesImportedBySource(probe.metafile);
await rm(OUT_DIR, { recursive: true, force: true });
await build({
  ...options,
  entryPoints: [...options.entryPoints, { in: DEPENDENCIES_ENTRY, out: DEPENDENCIES_ENTRY }],
  plugins: [...options.plugins, dependenciesEntry(packages)],
  sourcemap: 'linked',
  sourcesContent: false,
});
await Promise.all([unlink(join(OUT_DIR, `${DEPENDENCIES_ENTRY}.js`)), unlink(join(OUT_DIR, `${DEPENDENCIES_ENTRY}.js.map`))]);
await trimSourceMaps(OUT_DIR);

/** The package specifiers (`openai`, `@modelcontextprotocol/sdk/client/index.js`, …) that src/ imports. */
function packagesImportedBySource(metafile) {
  const specifiers = new Set();
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (!path.startsWith('src/')) continue;
    for (const imported of input.imports) if (imported.path.includes('node_modules/')) specifiers.add(imported.original);
  }
  return [...specifiers].sort();
}

function leaveOut() {
  return {
    name: 'leave-out',
    setup(plugin) {
      plugin.onResolve({ filter: LEFT_OUT }, (args) => ({ path: args.path, namespace: 'left-out' }));
      plugin.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: LEFT_OUT_STUB, loader: 'js' }));
    },
  };
}

function dependenciesEntry(specifiers) {
  return {
    name: DEPENDENCIES_ENTRY,
    setup(plugin) {
      plugin.onResolve({ filter: new RegExp(`^${DEPENDENCIES_ENTRY}$`) }, () => ({ path: DEPENDENCIES_ENTRY, namespace: DEPENDENCIES_ENTRY }));
      plugin.onLoad({ filter: /.*/, namespace: DEPENDENCIES_ENTRY }, () => ({
        // Namespaces, not bare imports: esbuild drops a bare import of a package marked free of side effects.
        contents: specifiers.map((specifier, index) => `export * as dependency${index} from ${JSON.stringify(specifier)};`).join('\n'),
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/** Our mappings only; a chunk with none of our code loses its map and the comment pointing at it. */
async function trimSourceMaps(folder) {
  for (const name of (await readdir(folder)).filter((file) => file.endsWith('.js'))) {
    const mapPath = join(folder, `${name}.map`);
    const trimmed = keepOwnMappings(JSON.parse(await readFile(mapPath, 'utf8')), (source) => source.startsWith('../src/'));
    if (trimmed === undefined) {
      const code = await readFile(join(folder, name), 'utf8');
      await writeFile(join(folder, name), code.replace(/\n\/\/# sourceMappingURL=\S+\n?$/, '\n'));
      await unlink(mapPath);
    } else {
      await writeFile(mapPath, JSON.stringify(trimmed));
    }
  }
}
