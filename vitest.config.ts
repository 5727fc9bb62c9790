import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // End-to-end files start their own simulator and gateway on port 0; two
    // cores, so keep the pool small to avoid timing noise in behavioural checks.
    maxWorkers: 2,
  },
});
