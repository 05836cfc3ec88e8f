// Where the browser tests get Chromium, so that `npm ci` alone brings it: the headless Chromium that the
// @sparticuz/chromium package ships inside itself, unpacked once per package version under node_modules/.cache;
// Debian's /usr/bin/chromium only if that package cannot be used. $CHROMIUM_PATH overrides both.
// Plain JavaScript, because browser-chromium.mjs runs it as the BROWSER program without a build step.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The fallback where Debian's chromium package installs itself. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The path of a Chromium that playwright-core can launch; throws with what to do when there is none. */
export async function chromiumExecutable() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return await unpackedPackagedChromium();
  } catch (error) {
    if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`no Chromium: @sparticuz/chromium could not be unpacked (${why}) and ${SYSTEM_CHROMIUM} is missing; run npm ci`);
  }
}

/**
 * @sparticuz/chromium unpacks its brotli archives into os.tmpdir() and reuses whatever `chromium` it finds there, even
 * half-written. So it unpacks into a fresh staging folder (TMPDIR pointed there for the call), which is then renamed
 * into place in one step: a concurrent or interrupted run can never leave a broken browser behind.
 */
async function unpackedPackagedChromium() {
  const packageDir = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const cache = join(packageDir, '..', '..', '.cache');
  const target = join(cache, `kite-chat-chromium-${version}`);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(`${target}.staging-`);
  const { default: Chromium } = await import('@sparticuz/chromium');
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await Chromium.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error; // not another run that got there first
  }
  return binary;
}
