import { defineConfig } from 'vitest/config';

// The browser suite: Debian's Chromium through playwright-core against real servers. One file at a time, since
// each starts a browser and the machines have 2 cores; generous timeouts because a page waits on real turns.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
