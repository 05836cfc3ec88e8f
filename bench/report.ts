/**
 * How a benchmark run is shown: the terminal table, the one JSON object of `--json`, and the generated block of
 * BENCHMARKS.md (figures, machine, date, command) that replaces the text between its two markers. The prose around
 * the block is written by hand and never touched. Pure but for reading and writing that one file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { targetMet, targetText, type Metric } from './metric.js';

export const BLOCK_START = '<!-- bench:results:start (written by npm run bench; edit the prose outside) -->';
export const BLOCK_END = '<!-- bench:results:end -->';

export interface RunFacts {
  date: string;
  command: string;
  machine: string;
}

/** `loadAtStart` is the 1-minute load average when the run began; the machine may be shared, and timings move with it. */
export function runFacts(command: string, loadAtStart: number): RunFacts {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 1024 ** 3);
  const load = `load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`;
  return {
    date: new Date().toISOString().slice(0, 10),
    command,
    machine: `${cores.length} cores (${model}), ${memoryGiB} GiB memory, Node ${process.version}, ${process.platform} ${process.arch}, ${load}`,
  };
}

function figure(value: number | null, unit = ''): string {
  if (value === null) return '–';
  return unit === '' ? String(value) : `${value} ${unit}`;
}

function rows(metrics: readonly Metric[]): string[][] {
  return metrics.map((metric) => [
    metric.name,
    figure(metric.value, metric.unit),
    figure(metric.baseline, metric.baseline === null ? '' : metric.unit),
    figure(metric.ratio),
    targetText(metric.target),
    targetMet(metric) ? 'met' : 'MISSED',
  ]);
}

const HEADER = ['metric', 'ours', 'baseline', 'ratio', 'target', ''];

export function terminalTable(metrics: readonly Metric[]): string {
  const table = [HEADER, ...rows(metrics)];
  const widths = HEADER.map((_cell, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const details = metrics.flatMap((metric) => metric.details.map((detail) => `  ${metric.name}: ${detail}`));
  return [line(table[0] ?? []), ...table.slice(1).map(line), '', ...details].join('\n');
}

export function jsonReport(metrics: readonly Metric[], facts: RunFacts): string {
  const entries = metrics.map((metric) => [metric.name, { value: metric.value, unit: metric.unit, baseline: metric.baseline, ratio: metric.ratio }]);
  const targets = metrics.map((metric) => [metric.name, { ...metric.target, met: targetMet(metric) }]);
  return JSON.stringify({ metrics: Object.fromEntries(entries), targets: Object.fromEntries(targets), ...facts });
}

export function markdownBlock(metrics: readonly Metric[], facts: RunFacts): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const table = [HEADER, HEADER.map(() => '---'), ...rows(metrics)].map((row) => `| ${row.map(escape).join(' | ')} |`);
  const details = metrics.flatMap((metric) => metric.details.map((detail) => `- \`${metric.name}\`: ${detail}`));
  return [
    BLOCK_START,
    `Measured ${facts.date} with \`${facts.command}\` on ${facts.machine}.`,
    '',
    ...table,
    '',
    ...details,
    BLOCK_END,
  ].join('\n');
}

/** Replaces the generated block (or appends one) and leaves the rest of the file as it was. */
export async function updateBenchmarksFile(path: string, block: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
  const start = current.indexOf(BLOCK_START);
  const end = current.indexOf(BLOCK_END);
  const next = start >= 0 && end > start
    ? `${current.slice(0, start)}${block}${current.slice(end + BLOCK_END.length)}`
    : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(path, next);
}
