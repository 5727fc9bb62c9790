import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default when /proc does not say. */
const DEFAULT_EPHEMERAL_START = 32768;
/** Below the ephemeral range, above the ports services usually hold. */
const SPAN = 2000;

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port that refuses connections for the whole test. A port that
 * was just handed out by `listen(0)` and given back is not one: a server
 * started in a parallel test file can be handed it next. The kernel hands
 * out only ports in its ephemeral range, so one below it, free now, stays
 * free while every test server listens on port 0.
 */
export async function refusedPort(): Promise<number> {
  const top = ephemeralStart() - 1;
  for (let tries = 0; tries < 50; tries++) {
    const port = top - Math.floor(Math.random() * SPAN);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}
