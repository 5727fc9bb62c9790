import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Linux's default; other systems differ (FreeBSD's starts at 10000). */
const LINUX_EPHEMERAL: [number, number] = [32768, 60999];
/** Ports below this are privileged or held by well-known services. */
const FIRST_UNPRIVILEGED = 1024;

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    // No /proc: not Linux, or not mounted.
  }
  return LINUX_EPHEMERAL;
}

/** The larger span of ports outside the ephemeral range, above 1023. */
function spanOutsideEphemeral(): [number, number] {
  const [low, high] = ephemeralRange();
  const above: [number, number] = [high + 1, 65535];
  const below: [number, number] = [FIRST_UNPRIVILEGED, low - 1];
  return above[1] - above[0] >= below[1] - below[0] ? above : below;
}

/**
 * Whether a connection to the port is refused. A probe by connecting never
 * holds the port, as binding would for a moment, and sees a port that
 * something forwards without listening on it.
 */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    // A port whose packets are dropped neither refuses nor answers.
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * A loopback port that refuses connections for the whole test. A port that
 * was just handed out by `listen(0)` and given back is not one: a server
 * started in a parallel test file can be handed it next. The kernel hands
 * out only ports in its ephemeral range, so one outside it that refuses
 * now keeps refusing while every test server listens on port 0.
 */
export async function refusedPort(): Promise<number> {
  const [first, last] = spanOutsideEphemeral();
  if (last - first < 100) throw new Error('no ports outside the ephemeral range');
  for (let tries = 0; tries < 50; tries++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (await refuses(port)) return port;
  }
  throw new Error('no refusing port outside the ephemeral range');
}
