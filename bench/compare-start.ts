/**
 * Before/after for a start-up change: `tsx bench/compare-start.ts OLD/bin.js NEW/bin.js [--runs N] [--rtt MS]` times
 * `--ask` (answered without tools) of two builds alternately against the same loopback fakes and prints each one's
 * wall and CPU medians and the median of the paired differences. `--rtt` puts latency-proxy.ts between kite-chat and
 * the MCP fake, so work that overlaps the connection's waiting shows. Build both copies inside the repository (so
 * node_modules and prompts/ resolve), e.g. dist-before/ and dist-after/. Not part of `npm run bench`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import { cliEnvironment, expectSuccess, removeFolder, startLoopback, temporaryFolder, timeNodeProcess } from './loopback.js';
import { median, percentile, round } from './statistics.js';

const DEFAULT_RUNS = 25;
const WARMUP_RUNS = 2;
const ANSWER = 'Hello from the scripted model.';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string' }, rtt: { type: 'string' } }, allowPositionals: true });
const [oldBin, newBin] = positionals;
if (oldBin === undefined || newBin === undefined) {
  process.stderr.write('usage: tsx bench/compare-start.ts OLD/bin.js NEW/bin.js [--runs N] [--rtt MS]\n');
  process.exit(2);
}
const runs = Number(values.runs ?? DEFAULT_RUNS);
const roundTripMs = Number(values.rtt ?? 0);
const bins = [resolve(oldBin), resolve(newBin)] as const;
const loopback = await startLoopback();
const proxy: LatencyProxy | undefined = roundTripMs > 0 ? await startLatencyProxy(new URL(loopback.kite.mcpUrl), roundTripMs) : undefined;
const mcpUrl = proxy === undefined ? loopback.kite.mcpUrl : proxy.url(new URL(loopback.kite.mcpUrl)).href;
const wall: [number[], number[]] = [[], []];
const cpu: [number[], number[]] = [[], []];
try {
  for (let run = 0; run < WARMUP_RUNS + runs; run += 1) {
    const order = run % 2 === 0 ? [0, 1] as const : [1, 0] as const;
    for (const which of order) {
      loopback.model.push({ text: ANSWER });
      const home = await temporaryFolder();
      try {
        const timed = await timeNodeProcess([bins[which], '--ask', 'Say hello.', '--url', mcpUrl, '--no-browser'], {
          cwd: home,
          env: cliEnvironment(loopback.model, home),
        });
        expectSuccess(timed, bins[which], ANSWER);
        if (run >= WARMUP_RUNS) {
          wall[which].push(timed.wallMs);
          cpu[which].push(timed.cpuMs);
        }
      } finally {
        await removeFolder(home);
      }
    }
  }
} finally {
  await proxy?.close();
  await loopback.close();
}
const describe = (which: 0 | 1) =>
  `median ${round(median(wall[which]), 0)} ms, min ${round(Math.min(...wall[which]), 0)}, ` +
  `p90 ${round(percentile(wall[which], 90), 0)}; CPU median ${round(median(cpu[which]), 0)} ms`;
const differences = wall[1].map((value, index) => value - (wall[0][index] ?? Number.NaN));
const network = roundTripMs > 0 ? `, MCP server ${roundTripMs} ms away` : ', loopback';
process.stdout.write(`old ${bins[0]}: ${describe(0)}\nnew ${bins[1]}: ${describe(1)}\n`);
process.stdout.write(`new − old, paired: median ${round(median(differences), 0)} ms over ${runs} pairs${network}\n`);
