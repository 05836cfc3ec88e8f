// What every test BROWSER program does first (run as `BROWSER <url>`, no shell): record its arguments as one JSON
// line in $FAKE_BROWSER_LOG; then, unless $FAKE_BROWSER_NO_FOLLOW is set, go on from the link as a person would. It
// always exits 0, as a browser launcher does: a failed follow is reported on stderr only. Plain JavaScript.
import { appendFileSync } from 'node:fs';

/** Records this launch; then, with `follow`, runs it on the link unless told not to follow. */
export async function recordLaunch(name, follow) {
  const args = process.argv.slice(2);
  if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${JSON.stringify(args)}\n`);
  if (follow === undefined || process.env.FAKE_BROWSER_NO_FOLLOW || args[0] === undefined) return;
  try {
    await follow(args[0]);
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
