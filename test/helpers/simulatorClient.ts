/** Raw HTTP calls to a simulator, for tests that look at exact bytes and headers. */
import { getGlobalDispatcher } from 'undici';
import type { Simulator } from '../../src/simulator/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface GetOptions {
  /** Basic credentials to send; default the simulator's own, `null` for none. */
  credentials?: { username: string; password: string } | null;
  /** auditUser query value; default 'tester', `null` to leave it out. */
  auditUser?: string | null;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
}

/** The `Authorization` header value for Basic credentials. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * The URL the simulator would be asked for, with auditUser and extra query
 * parameters.
 */
export function simulatorUrl(simulator: Simulator, path: string, options: GetOptions = {}): string {
  return `${simulator.url}${pathWithQuery(path, options)}`;
}

function pathWithQuery(path: string, options: GetOptions): string {
  const params = new URLSearchParams();
  const auditUser = options.auditUser === undefined ? 'tester' : options.auditUser;
  if (auditUser !== null) params.set('auditUser', auditUser);
  for (const [key, value] of Object.entries(options.query ?? {})) params.set(key, value);
  const query = params.toString();
  if (query === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** Sends one request, path exactly as given (e.g. `/account/v4/%2e%2e`), and reads the body as text. */
export async function simulatorGet(
  simulator: Simulator,
  path: string,
  options: GetOptions = {},
): Promise<RawResponse> {
  const credentials = options.credentials === undefined ? simulator : options.credentials;
  // Dispatcher.request sends the path verbatim; undici's request(url) would normalise it.
  const response = await getGlobalDispatcher().request({
    origin: simulator.url,
    path: pathWithQuery(path, options),
    method: options.method ?? 'GET',
    headers: {
      ...(credentials && { authorization: basicAuth(credentials.username, credentials.password) }),
      ...options.headers,
    },
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
}
