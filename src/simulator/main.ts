/**
 * `npm run simulator`: the simulator on its own, configured from the
 * environment (the one simulator file that reads process.env).
 *
 * SIMULATOR_PORT (default 4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_SEED (1),
 * SIMULATOR_LATENCY_MS / SIMULATOR_JITTER_MS (0), SIMULATOR_USERNAME /
 * SIMULATOR_PASSWORD (gateway / simulator), SIMULATOR_KEEP_ALIVE_TIMEOUT_MS.
 */
import { MAX_TIMER_MS } from './faultRule.js';
import { startSimulator } from './index.js';

function integer(
  name: string,
  fallback: number | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) > max) {
    console.error(`${name} must be a whole number from 0 to ${max} (got ${JSON.stringify(raw)}).`);
    process.exit(1);
  }
  return Number(raw);
}

const simulator = await startSimulator({
  port: integer('SIMULATOR_PORT', 4010, 65535),
  host: process.env.SIMULATOR_HOST || '127.0.0.1',
  // The dataset's random stream takes 32 bits of the seed.
  seed: integer('SIMULATOR_SEED', 1, 2 ** 32 - 1),
  latency: {
    fixedMs: integer('SIMULATOR_LATENCY_MS', 0, MAX_TIMER_MS),
    jitterMs: integer('SIMULATOR_JITTER_MS', 0, MAX_TIMER_MS),
  },
  username: process.env.SIMULATOR_USERNAME || undefined,
  password: process.env.SIMULATOR_PASSWORD || undefined,
  keepAliveTimeoutMs: integer('SIMULATOR_KEEP_ALIVE_TIMEOUT_MS', undefined, MAX_TIMER_MS),
});

// The password is left out on purpose: logs are shared, and it is in the environment anyway.
console.log(
  `Enfuce simulator listening on ${simulator.url} (seed ${simulator.data.seed}, ` +
    `${simulator.data.customerCount} customers, ${simulator.data.accountCount} accounts, ` +
    `Basic user ${JSON.stringify(simulator.username)}, admin at ${simulator.url}/__admin/)`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
