/**
 * tool_overhead_ms: kite-chat's own time per tool call, measured in-process (tool-harness.ts): from the model's
 * tool call arriving to the next model request carrying the result, minus the MCP POST's time on the wire (the fake
 * server's work and the loopback hop). What is left is the agent loop, argument checks, the executor, the SDK
 * client's encode/decode and validation, compaction and the event rendering. Median over 200 calls, one per round,
 * rotating through the six session tools; warm-up turns first so the JIT has seen every path.
 */
import type { Metric } from './metric.js';
import { removeFolder, startLoopback, temporaryFolder } from './loopback.js';
import { EXTRA_LAST_PRICES, SESSION } from './session-script.js';
import { median, percentile, round } from './statistics.js';
import { startToolHarness, type PlannedCall, type RoundTiming } from './tool-harness.js';

const MEASURED_CALLS = 200;
const WARMUP_TURNS = 5;

export async function measureToolOverhead(progress: (line: string) => void): Promise<Metric> {
  const loopback = await startLoopback([], { ltp: EXTRA_LAST_PRICES });
  const home = await temporaryFolder();
  const harness = await startToolHarness(loopback.kite, home);
  // One call per round, the six session tools in turn: a turn as a model answering "give me an overview" plays it.
  const turn: PlannedCall[][] = SESSION.map((step) => [{ name: step.tool, arguments: step.arguments }]);
  const rounds: RoundTiming[] = [];
  try {
    for (let warmup = 0; warmup < WARMUP_TURNS; warmup += 1) await harness.runTurn(turn);
    while (rounds.length < MEASURED_CALLS) {
      rounds.push(...(await harness.runTurn(turn)));
      progress(`tool overhead ${Math.min(rounds.length, MEASURED_CALLS)}/${MEASURED_CALLS}`);
    }
  } finally {
    await harness.close();
    await Promise.all([loopback.close(), removeFolder(home)]);
  }
  const measured = rounds.slice(0, MEASURED_CALLS);
  const overhead = measured.map((timing) => timing.totalMs - timing.wireMs);
  const outsideSession = measured.map((timing) => timing.totalMs - timing.sessionMs);
  const sdk = measured.map((timing) => timing.sessionMs - timing.wireMs);
  const perTool = SESSION.map((step) => {
    const ofTool = measured.filter((timing) => timing.calls[0] === step.tool).map((timing) => timing.totalMs - timing.wireMs);
    return `${step.tool} ${round(median(ofTool), 3)}`;
  });
  return {
    name: 'tool_overhead_ms',
    value: round(median(overhead), 3),
    unit: 'ms',
    baseline: null,
    ratio: null,
    target: { of: 'value', comparison: '<=', limit: 2 },
    details: [
      `${measured.length} calls: median ${round(median(overhead), 3)} ms, p90 ${round(percentile(overhead, 90), 3)}, max ${round(Math.max(...overhead), 3)}; ` +
        `server (POST on the wire) median ${round(median(measured.map((timing) => timing.wireMs)), 3)} ms`,
      `of the median: agent loop + executor + compaction + rendering ${round(median(outsideSession), 3)} ms, ` +
        `MCP SDK client + mcp/session.ts ${round(median(sdk), 3)} ms`,
      `per tool (median ms): ${perTool.join(', ')}`,
    ],
  };
}
