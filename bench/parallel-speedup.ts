/**
 * parallel_speedup: one model response asking for five tools that each take 200 ms on the server
 * (`faults.toolDelayMs`). Sequential time is the five single calls measured one round each, added up; our time is
 * the round with all five, from the response arriving to the next model request. Both in-process (tool-harness.ts),
 * repeated a few times; the figure is the median of the per-repetition speedups.
 */
import type { Metric } from './metric.js';
import { removeFolder, startLoopback, temporaryFolder } from './loopback.js';
import { EXTRA_LAST_PRICES, SESSION } from './session-script.js';
import { median, round } from './statistics.js';
import { startToolHarness, type PlannedCall } from './tool-harness.js';

const TOOL_DELAY_MS = 200;
const PARALLEL_CALLS = 5;
const REPETITIONS = 5;

export async function measureParallelSpeedup(progress: (line: string) => void): Promise<Metric> {
  const loopback = await startLoopback([], { ltp: EXTRA_LAST_PRICES });
  const home = await temporaryFolder();
  const harness = await startToolHarness(loopback.kite, home);
  const calls: PlannedCall[] = SESSION.slice(0, PARALLEL_CALLS).map((step) => ({ name: step.tool, arguments: step.arguments }));
  const speedups: number[] = [];
  const sequentialTimes: number[] = [];
  const parallelTimes: number[] = [];
  let peakInFlight = 0;
  try {
    await harness.runTurn(calls.map((call) => [call])); // warm-up without delays
    for (const call of calls) loopback.kite.faults.toolDelayMs[call.name] = TOOL_DELAY_MS;
    for (let repetition = 1; repetition <= REPETITIONS; repetition += 1) {
      let sequential = 0;
      for (const call of calls) sequential += totalOf(await harness.runTurn([[call]]));
      const parallel = totalOf(await harness.runTurn([calls]));
      sequentialTimes.push(sequential);
      parallelTimes.push(parallel);
      speedups.push(sequential / parallel);
      progress(`parallel speedup ${repetition}/${REPETITIONS}`);
    }
    peakInFlight = loopback.kite.faults.load.peakInFlight;
  } finally {
    await harness.close();
    await Promise.all([loopback.close(), removeFolder(home)]);
  }
  return {
    name: 'parallel_speedup',
    value: round(median(speedups), 2),
    unit: 'x',
    baseline: null,
    ratio: null,
    target: { of: 'value', comparison: '>=', limit: 4 },
    details: [
      `${PARALLEL_CALLS} calls × ${TOOL_DELAY_MS} ms on the server, ${REPETITIONS} repetitions: sequential (sum of single calls) median ` +
        `${round(median(sequentialTimes), 1)} ms, one round with all ${PARALLEL_CALLS} median ${round(median(parallelTimes), 1)} ms; ` +
        `the fake saw at most ${peakInFlight} calls in flight at once`,
    ],
  };
}

function totalOf(rounds: readonly { totalMs: number }[]): number {
  const [only] = rounds;
  if (only === undefined || rounds.length !== 1) throw new Error(`expected one timed round, got ${rounds.length}`);
  return only.totalMs;
}
