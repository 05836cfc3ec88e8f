// Builds dist/ once before the tests with `npm run build`'s own command (scripts/build.mjs, the esbuild bundle), so
// spawned-CLI tests run exactly the kite-chat users run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
