// Types of chromium.mjs (plain JavaScript so the BROWSER script can run it unbuilt) for the TypeScript tests.
/** The path of a Chromium that playwright-core can launch; throws with what to do when there is none. */
export function chromiumExecutable(): Promise<string>;
