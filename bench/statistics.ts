/**
 * The few statistics the benchmarks report: median, percentiles, rounding for the table, and a wall clock in
 * milliseconds. Pure; no benchmark logic here.
 */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Linear interpolation between the closest ranks; NaN for no values. */
export function percentile(values: readonly number[], rank: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const position = ((sorted.length - 1) * rank) / 100;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
}

/** Rounds to `digits` decimals, so the table and the JSON say the same thing. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function nowMs(): number {
  return performance.now();
}
