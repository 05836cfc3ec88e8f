// Test runner settings: every test file under test/, run in forked processes so spawned CLIs and loopback
// servers of one file never share state with another's; dist/ is built once first for the spawned-CLI tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
