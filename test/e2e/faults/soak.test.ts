// Soak: one REPL session in a pseudo-terminal answers 300 scripted questions, each with a large tool result. What is
// sent to the model must stay within the history budget (src/agent/history-budget.ts: oldest tool results trimmed first,
// then the oldest turns); memory must stay bounded (the process runs with a capped V8 heap, so a leak ends it with
// "heap out of memory", and VmRSS from /proc every 50 turns goes to test-artifacts/soak-rss.json); and /exit must
// end the process promptly (no leaked socket or timer keeps it up).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { DEFAULT_HISTORY_BUDGET_TOKENS, estimateTokens } from '../../../src/agent/history-budget.js';
import { expect, test } from '../../support/fixtures.js';
import { REPO_ROOT } from '../../support/run-cli.js';
import type { RecordedRequest } from '../../support/scripted-openai.js';
import { exitWithin } from '../../support/faults-harness.js';

const TURNS = 300;
/** Each get_holdings result is ~150 rows (~18,000 characters): the budget is crossed every few turns. */
const HOLDINGS = 150;
/** A turn adds its own question, tool call, result and answer on top of the trimmed history. */
const REQUEST_LIMIT_TOKENS = DEFAULT_HISTORY_BUDGET_TOKENS + 8_000;
/**
 * The V8 old space the REPL may use. The 300 turns also ran with 40 MB; without a cap V8 grows the heap lazily (RSS
 * rose from 106,984 kB to 180,764 kB with the same live set), which would hide a real leak behind GC timing.
 */
const HEAP_CAP = '--max-old-space-size=64';
/** Where the measured memory is kept for TESTING.md. */
const RSS_REPORT = join(REPO_ROOT, 'test-artifacts', 'soak-rss.json');

async function residentKilobytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

test(`${TURNS} turns stay within the history budget, with level memory and a prompt exit`, { timeout: 240_000 }, async ({ startKite, model: fake, repl }) => {
  const kite = await startKite({ autoLogin: true });
  kite.faults.largePortfolio = HOLDINGS;
  const requestTokens: number[] = [];
  let questionsSeen = 0;
  const measure = (request: RecordedRequest): ChatCompletionMessageParam[] => {
    const messages = request.body?.messages ?? [];
    requestTokens.push(estimateTokens(messages));
    return messages;
  };
  for (let turn = 1; turn <= TURNS; turn += 1) {
    fake.push(
      (request) => {
        measure(request);
        questionsSeen += 1;
        return { toolCalls: [{ name: 'get_holdings', arguments: { limit: HOLDINGS, from: turn % 3 } }] };
      },
      (request) => {
        measure(request);
        fake.requests.length = 0; // the sizes are kept above; the bodies need not be
        return { text: `Answer ${turn}: you hold ${HOLDINGS} stocks.` };
      },
    );
  }
  const session = repl(['--url', kite.mcpUrl, '--no-browser'], { env: { NODE_OPTIONS: HEAP_CAP } });
  await session.waitFor('›');

  const rss: Record<string, number> = {};
  for (let turn = 1; turn <= TURNS; turn += 1) {
    const mark = session.text().length;
    session.type(`Question ${turn}: what do I hold?\r`);
    await session.waitFor(new RegExp(`Answer ${turn}: you hold ${HOLDINGS} stocks\\.\\n[^]*›`), { after: mark });
    // Stop at the first request over budget: the assertion below then says so at once instead of after 300 turns.
    if (Math.max(...requestTokens) > REQUEST_LIMIT_TOKENS) break;
    if (turn === 10 || turn % 50 === 0) rss[`turn${turn}Kilobytes`] = await residentKilobytes(session.pid);
  }
  session.type('/exit\r');
  const exitCode = await exitWithin(session, 10_000);

  await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  const largestRequestTokens = Math.max(...requestTokens);
  await writeFile(RSS_REPORT, `${JSON.stringify({ turns: TURNS, heap: HEAP_CAP, ...rss, largestRequestTokens }, null, 2)}\n`);

  expect(largestRequestTokens, 'a request grew past the history budget: does commands/repl.ts call fitHistory before each turn? (TESTING.md)')
    .toBeLessThanOrEqual(REQUEST_LIMIT_TOKENS);
  expect(exitCode).toBe(0);
  expect(questionsSeen).toBe(TURNS);
  expect(requestTokens).toHaveLength(TURNS * 2);
  const early = rss['turn10Kilobytes'] ?? 0;
  const late = rss[`turn${TURNS}Kilobytes`] ?? Infinity;
  // Level, not equal: the heap settles after the first turns (measured: 112,136 kB at turn 10, 123,320 kB at 300).
  expect(late).toBeLessThan(early * 1.5);
});
