import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql for everyone, as under plain Node: vite would otherwise
    // load our sources with graphql's ESM build while Apollo Server gets the
    // CommonJS one, and `instanceof GraphQLError` fails between the two.
    alias: [
      {
        find: /^graphql$/,
        replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // End-to-end files start their own simulator and gateway on port 0; two
    // cores, so keep the pool small to avoid timing noise in behavioural checks.
    maxWorkers: 2,
    env: {
      // The router in the federation tests (@apollo/gateway) otherwise sends
      // usage metrics to Apollo and probes cloud metadata services (AWS,
      // GCP, Azure) when it starts: tests make no calls beyond loopback.
      APOLLO_TELEMETRY_DISABLED: 'true',
    },
  },
});
