/**
 * One benchmark's result as the table, the JSON and BENCHMARKS.md show it: the figure, its baseline and ratio where
 * the issue defines one, the target it is held to, and a few lines of detail from the run. Types and the target check.
 */

export interface Target {
  /** What the target is about: the figure itself or its ratio to the baseline. */
  of: 'value' | 'ratio';
  comparison: '<=' | '>=';
  limit: number;
}

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The comparable figure of the baseline; null where the issue defines none. */
  baseline: number | null;
  ratio: number | null;
  target: Target;
  /** One line each: samples, spread, breakdown. Shown under the table. */
  details: string[];
}

export function targetMet(metric: Metric): boolean {
  const figure = metric.target.of === 'ratio' ? metric.ratio : metric.value;
  if (figure === null || !Number.isFinite(figure)) return false;
  return metric.target.comparison === '<=' ? figure <= metric.target.limit : figure >= metric.target.limit;
}

export function targetText(target: Target): string {
  return `${target.of === 'ratio' ? 'ratio' : 'value'} ${target.comparison === '<=' ? '≤' : '≥'} ${target.limit}`;
}
