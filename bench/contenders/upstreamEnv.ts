/** The simulator the harness started, as handed to every contender in its environment. */
export interface UpstreamEnv {
  url: string;
  username: string;
  password: string;
}

export function upstreamFromEnv(env: NodeJS.ProcessEnv = process.env): UpstreamEnv {
  const { BENCH_UPSTREAM_URL: url, BENCH_UPSTREAM_USER: username } = env;
  const password = env.BENCH_UPSTREAM_PASSWORD;
  if (!url || !username || !password) {
    throw new Error(
      'A contender needs BENCH_UPSTREAM_URL, BENCH_UPSTREAM_USER and BENCH_UPSTREAM_PASSWORD; the harness sets them.',
    );
  }
  return { url, username, password };
}
