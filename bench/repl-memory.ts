/**
 * rss_mb: the peak resident memory (VmHWM) of the compiled REPL after 50 scripted turns, each a tool call and an
 * answer (the session's six questions over and over, so the history grows as a long session's does). Read from
 * /proc/PID/status while the REPL is still at its prompt, then it is closed with Ctrl-D (end of stdin).
 */
import type { Metric } from './metric.js';
import { cliEnvironment, removeFolder, startLoopback, temporaryFolder } from './loopback.js';
import { startRepl } from './repl-driver.js';
import { EXTRA_LAST_PRICES, SESSION, turnSteps } from './session-script.js';
import { round } from './statistics.js';

const TURNS = 50;
const KB_PER_MB = 1024;

export async function measureReplMemory(progress: (line: string) => void): Promise<Metric> {
  const turns = Array.from({ length: TURNS }, (_unused, index) => SESSION[index % SESSION.length]);
  const script = turns.flatMap((turn, index) => (turn === undefined ? [] : turnSteps(turn, ` (turn ${index + 1})`)));
  const loopback = await startLoopback(script, { ltp: EXTRA_LAST_PRICES });
  const home = await temporaryFolder();
  const repl = await startRepl(['--url', loopback.kite.mcpUrl, '--no-browser'], { env: cliEnvironment(loopback.model, home), cwd: home });
  try {
    const atStart = await repl.memory();
    for (const [index, turn] of turns.entries()) {
      await repl.ask(turn?.question ?? '');
      if ((index + 1) % 10 === 0) progress(`repl memory ${index + 1}/${TURNS} turns`);
    }
    const atEnd = await repl.memory();
    const code = await repl.finish();
    if (code !== 0) throw new Error(`the REPL exited ${String(code)}`);
    const requests = loopback.model.requests.filter((request) => request.path === '/v1/chat/completions').length;
    if (requests !== TURNS * 2) throw new Error(`expected ${TURNS * 2} model requests, the REPL made ${requests}`);
    const lastBody = loopback.model.requests.at(-1)?.rawBody.length ?? 0;
    return {
      name: 'rss_mb',
      value: round(atEnd.peakKb / KB_PER_MB, 1),
      unit: 'MB',
      baseline: null,
      ratio: null,
      target: { of: 'value', comparison: '<=', limit: 150 },
      details: [
        `${TURNS} turns of tool call + answer, piped stdin: VmHWM ${round(atEnd.peakKb / KB_PER_MB, 1)} MB, VmRSS at the end ` +
          `${round(atEnd.currentKb / KB_PER_MB, 1)} MB, at the first prompt ${round(atStart.currentKb / KB_PER_MB, 1)} MB; ` +
          `the last request body was ${round(lastBody / 1024, 0)} KB`,
      ],
    };
  } finally {
    repl.kill();
    await Promise.all([loopback.close(), removeFolder(home)]);
  }
}
