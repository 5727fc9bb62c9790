/**
 * Secrets never leave (RELIABILITY.md S1, S3): a production gateway process
 * runs with a canary upstream password and callers send canary tokens; every
 * error path is driven (bad and missing tokens, refusals, bad ids, each
 * upstream fault, a refused connection, HTTP-level refusals). Then every
 * response body and header, every line the processes wrote and /metrics are
 * searched for the canaries: zero hits.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  startSimulator,
  type FaultRule,
  type Simulator,
} from '../../src/simulator/index.js';
import { TEST_JWT_SECRET } from '../helpers/harness.js';
import { refusedPort } from '../helpers/refusedPort.js';
import {
  spawnGateway,
  spawnGatewayUntilExit,
  type SpawnedGateway,
} from '../helpers/spawnGateway.js';
import { algNoneToken, signToken, type SignOptions } from '../helpers/tokens.js';

const USERNAME = 'gateway';
const PASSWORD = 'CANARY-p4ss';
const JWT_CANARY = 'CANARY-jwt';
const BASIC = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');
const ISSUER = { issuer: 'https://idp.canary.test/', audience: 'enfuce-gateway' };
const QUERY = 'query($id: ID!) { account(id: $id) { id number balance { amount } } }';

describe('canary credentials and tokens (S1)', () => {
  let simulator: Simulator;
  let gateway: SpawnedGateway;
  let unreachable: SpawnedGateway;
  const seen: string[] = [];
  const tokens: string[] = [];

  const record = <T extends { text: string; headers: Record<string, unknown> }>(reply: T): T => {
    // The RFC 6750 challenge says "Bearer" by design; it must be one of the
    // two fixed values, and the rest of the answer is searched as a whole.
    const { 'www-authenticate': challenge, ...headers } = reply.headers;
    if (challenge !== undefined) {
      expect(['Bearer', 'Bearer error="invalid_token"']).toContain(challenge);
    }
    seen.push(reply.text, JSON.stringify(headers));
    return reply;
  };
  const ask = async (target: SpawnedGateway, id: string, headers: Record<string, string>) =>
    record(await target.post({ query: QUERY, variables: { id } }, headers));

  beforeAll(async () => {
    simulator = await startSimulator({ username: USERNAME, password: PASSWORD });
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'trace',
      ENFUCE_USERNAME: USERNAME,
      ENFUCE_PASSWORD: PASSWORD,
      ENFUCE_TIMEOUT_MS: '800',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      AUTH_ISSUER: ISSUER.issuer,
      AUTH_AUDIENCE: ISSUER.audience,
    };
    [gateway, unreachable] = await Promise.all([
      spawnGateway({ ...env, ENFUCE_BASE_URL: simulator.url }),
      spawnGateway({ ...env, ENFUCE_BASE_URL: `http://127.0.0.1:${await refusedPort()}` }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.close(), unreachable?.close()]);
    await simulator?.close();
  });

  it('drives every error path and finds the canaries nowhere', async () => {
    const sign = async (claims: Record<string, unknown>, options: SignOptions = {}) => {
      const token = await signToken({ note: JWT_CANARY, ...claims }, { ...ISSUER, ...options });
      tokens.push(token);
      return token;
    };
    const good = await sign({ sub: 'canary-agent', scope: 'accounts:read:any' });
    const scoped = await sign({ sub: 'canary-customer', customer_id: FIXTURES.corporateCustomer });
    const bad = [
      await sign({ scope: 'accounts:read:any' }, { expiresIn: -60 }),
      await sign(
        { scope: 'accounts:read:any' },
        { secret: `${JWT_CANARY}-a-wrong-secret-long-enough-for-hs256` },
      ),
      await sign({ scope: 'accounts:read:any' }, { audience: 'elsewhere', issuer: 'nobody' }),
      algNoneToken({ note: JWT_CANARY }),
    ];
    tokens.push(bad[3]!);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const healthy = FIXTURES.accountExactAmounts;

    // A1, A2: no token, bad tokens, junk in the header.
    record(await gateway.post({ query: QUERY, variables: { id: healthy } }));
    for (const token of bad) expect((await ask(gateway, healthy, auth(token))).status).toBe(401);
    expect((await ask(gateway, healthy, { authorization: `Bearer ${JWT_CANARY}` })).status).toBe(
      401,
    );
    expect((await ask(gateway, healthy, { authorization: `Basic ${BASIC}` })).status).toBe(401);

    // A3: refusals for a customer-scoped caller.
    const other = simulator.data.accountsOf(FIXTURES.privateCustomer)[0]!.id;
    const forbidden = await ask(gateway, other, auth(scoped));
    expect(forbidden.text).toContain('FORBIDDEN');
    await ask(gateway, FIXTURES.unknownAccountId, auth(scoped));

    // I1: ids that must never reach a URL.
    for (const id of ['..', '1/../2', '%2e%2e', '12\n', '1?x=1', 'x'.repeat(40)]) {
      const reply = await ask(gateway, id, auth(good));
      expect(reply.text).toContain('BAD_USER_INPUT');
    }

    // U2 to U14: each upstream fault on its own account, a healthy call after
    // each so the breaker stays closed and every fault is really reached.
    const accounts = simulator.data.accountsOf(FIXTURES.customerWith250).map((a) => a.id);
    const faults: FaultRule[] = [
      { statuses: [503, 503, 503] },
      { status: 500 },
      { status: 502 },
      { status: 401 },
      { status: 403 },
      { status: 429, retryAfter: '3600' },
      { hang: true },
      { slowBodyBytesPerSecond: 1 },
      { invalidJson: true },
      { html: true },
      { body: '{"id": 1, "__proto__": {"polluted": 1}}' },
      { oversizeBytes: 6 * 1024 * 1024 },
      { truncateBody: true },
      { reset: true },
      { redirectTo: `http://127.0.0.1:${await refusedPort()}/` },
    ];
    const codes = new Set<string>();
    for (const [index, fault] of faults.entries()) {
      const id = accounts[index]!;
      simulator.faults.add({ ...fault, route: 'accountV4', id });
      const reply = await ask(gateway, id, auth(good));
      expect(reply.status).toBe(200);
      // Every fault fails its field, so its error path is what was searched.
      expect(reply.json.errors?.length, JSON.stringify(fault)).toBeGreaterThan(0);
      for (const error of reply.json.errors ?? []) codes.add(error.extensions.code);
      await ask(gateway, healthy, auth(good));
    }
    expect(simulator.faults.list().map((rule) => rule.hits)).not.toContain(0);
    expect([...codes].sort()).toEqual(
      expect.arrayContaining(['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']),
    );
    // The canary password really was in use upstream.
    expect(simulator.log.entries().some((e) => e.authorized)).toBe(true);

    // U1: an issuer that refuses connections.
    const refused = await ask(unreachable, healthy, auth(good));
    expect(refused.json.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');

    // HTTP-level refusals carrying a canary token.
    for (const target of [gateway, unreachable]) {
      const big = { query: QUERY, variables: { id: healthy, pad: 'x'.repeat(200 * 1024) } };
      expect(record(await target.post(big, auth(good))).status).toBe(413);
      expect(record(await target.post('{"query":', auth(good))).status).toBe(400);
      const csrf = await request(`${target.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...auth(good) },
        body: JSON.stringify({ query: QUERY, variables: { id: healthy } }),
      });
      seen.push(await csrf.body.text(), JSON.stringify(csrf.headers));
      const metrics = await request(`${target.url}/metrics`);
      seen.push(await metrics.body.text());
    }

    // Let the processes write everything, then stop them so nothing is buffered.
    await Promise.all([gateway.close(), unreachable.close()]);
    const output = gateway.output() + unreachable.output();
    expect(output).toContain('gateway listening');

    const needles = [
      PASSWORD,
      JWT_CANARY,
      BASIC,
      'Basic ',
      'Bearer ',
      TEST_JWT_SECRET,
      ...tokens.flatMap((token) => token.split('.').filter((part) => part.length > 20)),
    ];
    const haystacks = { responses: seen.join('\n'), output };
    const hits = Object.entries(haystacks).flatMap(([where, text]) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${where}: ${needle}`),
    );
    expect(hits).toEqual([]);
    // Production: no stack trace in any response.
    expect(haystacks.responses).not.toMatch(/stacktrace|\n\s+at /);
  }, 120_000);
});

describe('start-up refusals (S2)', () => {
  it.each([
    [
      'credentials in ENFUCE_BASE_URL',
      { ENFUCE_BASE_URL: 'https://u:CANARY-p4ss@issuer.example' },
      'ENFUCE_BASE_URL',
    ],
    [
      'an ftp ENFUCE_BASE_URL',
      { ENFUCE_BASE_URL: 'ftp://CANARY-p4ss.example/' },
      'ENFUCE_BASE_URL',
    ],
    ['a real upstream without auth', {}, 'AUTH_JWT_SECRET or AUTH_JWKS_URL'],
    ['a short AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'CANARY-p4ss' }, 'AUTH_JWT_SECRET'],
    [
      'an empty ENFUCE_BASE_URL in production',
      { ENFUCE_BASE_URL: '', AUTH_JWT_SECRET: 'CANARY-p4ss-0123456789-0123456789' },
      'ENFUCE_BASE_URL',
    ],
  ])(
    'exits 1 with one line for %s, printing no secret',
    async (_name, env, variable) => {
      const result = await spawnGatewayUntilExit({
        NODE_ENV: 'production',
        ENFUCE_BASE_URL: 'https://issuer.example',
        ENFUCE_USERNAME: USERNAME,
        ENFUCE_PASSWORD: PASSWORD,
        ...env,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr
        .split('\n')
        .filter((line) => line.startsWith('Configuration error'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Configuration error: ${variable} `));
      expect(result.stderr).not.toContain('CANARY');
      expect(result.stderr).not.toContain('listening');
    },
    30_000,
  );
});
