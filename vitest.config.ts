import { defineConfig } from 'vitest/config';

// Unit and integration tests. The browser suite (test/e2e) has its own config, vitest.e2e.config.ts, and its
// own script, `npm run test:e2e`; `npm test` runs both, each once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
