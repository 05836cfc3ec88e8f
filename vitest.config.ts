// Test runner settings: three layers as vitest projects. `unit` (test/unit/ and the repository checks in test/*.test.ts)
// needs nothing built and shares its workers, so `npm run test:unit` takes seconds; `integration` runs src/ in process
// against the loopback fakes; `e2e` spawns the compiled kite-chat, so only it builds dist/ first (test/global-setup.ts).
// Files run in forked processes, so the spawned CLIs and loopback servers of one file never share state with another's.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      // Pure functions with no global state to leak, so one module graph serves every file (isolate: false).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
