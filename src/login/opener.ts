/**
 * Opens a checked link in the user's browser: `BROWSER <url>` or the system opener, always as one argv entry and
 * never through a shell (CVE-2025-6514 was a login URL run through a shell). The caller checks the link first
 * (login/safe-link.ts); this module only starts the program and does not wait for it.
 */
export type OpenLink = (url: URL) => Promise<{ ok: true } | { ok: false; reason: string }>;

/** The system opener per platform; `start` is a cmd.exe built-in, so Windows uses explorer.exe instead. */
function systemOpener(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return 'explorer.exe';
  return 'xdg-open';
}

export function createOpener(options: { browser: string | undefined; platform: NodeJS.Platform }): OpenLink {
  const program = options.browser ?? systemOpener(options.platform);
  return async (url) => {
    // Loaded when a link is opened, not at every start: node:child_process costs a start ~5 ms (BENCHMARKS.md).
    const { spawn } = await import('node:child_process');
    return new Promise((resolve) => {
      const child = spawn(program, [url.href], { shell: false, stdio: 'ignore', detached: true });
      child.once('error', (error) => resolve({ ok: false, reason: `could not start '${program}' (${error.message})` }));
      child.once('spawn', () => {
        child.unref();
        resolve({ ok: true });
      });
    });
  };
}
