/**
 * Warm-up by requests as well as seconds: V8 optimizes a function after so
 * many calls, not so many seconds, so a slow contender (or a slow machine)
 * needs more time to reach the steady state that is then measured.
 */
import { throughputPass, type Target } from './load.js';
import { warmUpLimitSeconds, type BenchOptions } from './options.js';

/**
 * More closed-loop load in 2-s windows after a first warm-up pass that
 * `answered` requests, until `--warm-up-requests` have been answered or the
 * warm-up has taken `warmUpLimitSeconds`.
 */
export async function warmUpFurther(
  target: Target,
  expectBody: string,
  answered: number,
  options: BenchOptions,
): Promise<void> {
  const window = 2;
  let seconds = options.warmUpSeconds;
  while (answered < options.warmUpRequests && seconds + window <= warmUpLimitSeconds(options)) {
    const more = await throughputPass(
      { ...target, prefix: `${target.prefix}w${seconds}-` },
      { seconds: window, connections: options.connections, expectBody },
    );
    answered += more.completed;
    seconds += window;
  }
}
