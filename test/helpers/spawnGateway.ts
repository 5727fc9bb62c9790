/**
 * The gateway as its own process (`node --import tsx src/index.ts`), for what
 * only a real process shows: `NODE_ENV=production` (vitest runs with
 * NODE_ENV=test), start-up refusals and exit codes, and every line the
 * process writes to stdout and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnedGateway {
  /** The base URL, e.g. `http://127.0.0.1:34567`. */
  url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** POSTs `body` (an object is sent as JSON) to /graphql. */
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
    json: any;
  }>;
  /** Sends `signal` unless the process has already exited. */
  kill(signal: NodeJS.Signals): void;
  /** The exit code once the process has exited; `null` when a signal ended it. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  close(): Promise<void>;
}

export interface ExitedGateway {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** stdout and stderr interleaved in arrival order. */
  output: () => string;
}

/** Starts the process and returns at once: for what happens before it listens. */
export function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    // Only what the test gives, plus what node needs to run: nothing from the
    // test process's own environment leaks into the configuration.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let all = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    all += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    all += chunk;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => all };
}

/**
 * Starts a gateway and resolves once it listens. The URL is read from the
 * "gateway listening" log line, so LOG_LEVEL must be `info` or lower.
 */
export async function spawnGateway(
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<SpawnedGateway> {
  const { child, output } = start({ LOG_LEVEL: 'info', ...env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The gateway did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The gateway exited with ${code} before listening:\n${output()}`));
    });
  });

  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };

  return {
    url,
    output,
    kill,
    exited,
    async post(body, headers = {}) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, headers: response.headers, text, json };
    },
    async close() {
      kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a gateway that is expected to stop on its own (bad configuration). */
export function spawnGatewayUntilExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<ExitedGateway> {
  const { child, stdout, stderr } = start(env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`The gateway was still running after ${timeoutMs} ms:\n${stdout()}${stderr()}`),
      );
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout(), stderr: stderr() });
    });
  });
}
