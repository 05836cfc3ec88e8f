/**
 * `npm run bench` (after the build): runs the benchmarks one after another against loopback fakes, prints the
 * table (or, with --json, one JSON object on stdout and the table on stderr) and rewrites the generated block of
 * BENCHMARKS.md. Progress goes to stderr. `--only NAME,…` runs a subset and leaves BENCHMARKS.md alone, as does
 * `--no-write`. Exits 1 when a benchmark fails to run; a missed target is reported, not an error.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { measureColdStart } from './cold-start.js';
import { measureFirstRequestTokens, measureStablePrefix } from './first-request.js';
import type { Metric } from './metric.js';
import { measureParallelSpeedup } from './parallel-speedup.js';
import { measurePromptTokens } from './prompt-tokens.js';
import { measureReplMemory } from './repl-memory.js';
import { jsonReport, markdownBlock, runFacts, terminalTable, updateBenchmarksFile } from './report.js';
import { measureToolOverhead } from './tool-overhead.js';

const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const COMMAND = 'npm run bench';

const BENCHMARKS: { name: string; measure: (progress: (line: string) => void) => Promise<Metric> }[] = [
  { name: 'cold_start_ms', measure: measureColdStart },
  { name: 'tool_overhead_ms', measure: measureToolOverhead },
  { name: 'parallel_speedup', measure: measureParallelSpeedup },
  { name: 'prompt_tokens', measure: measurePromptTokens },
  { name: 'first_request_tokens', measure: measureFirstRequestTokens },
  { name: 'stable_prefix', measure: measureStablePrefix },
  { name: 'rss_mb', measure: measureReplMemory },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, only: { type: 'string' }, 'no-write': { type: 'boolean' } },
    strict: true,
  });
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const selected = BENCHMARKS.filter((benchmark) => only === undefined || only.includes(benchmark.name));
  const progress = (line: string) => process.stderr.write(`  ${line}\n`);
  const metrics: Metric[] = [];
  const started = performance.now();
  const [loadAtStart = 0] = loadavg();
  for (const benchmark of selected) {
    process.stderr.write(`bench: ${benchmark.name}\n`);
    metrics.push(await benchmark.measure(progress));
  }
  process.stderr.write(`bench: done in ${Math.round((performance.now() - started) / 1000)} s\n\n`);

  const facts = runFacts(COMMAND, loadAtStart);
  const table = `${terminalTable(metrics)}\n\n${facts.machine}\n`;
  if (values.json === true) {
    process.stderr.write(table);
    process.stdout.write(`${jsonReport(metrics, facts)}\n`);
  } else {
    process.stdout.write(table);
  }
  if (only === undefined && values['no-write'] !== true) {
    await updateBenchmarksFile(BENCHMARKS_FILE, markdownBlock(metrics, facts));
    process.stderr.write('bench: BENCHMARKS.md updated\n');
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
