/**
 * Callers and the audit trail (CONTRACT.md; RELIABILITY.md rows A1 to A3 and
 * I5): who gets in, what each caller may read on every path to a record, and
 * the name every upstream call carries.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { accountV4 } from '../../src/simulator/render.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { refusedPort } from '../helpers/refusedPort.js';
import {
  algNoneToken,
  anyCustomerToken,
  bearer,
  customerToken,
  signToken,
  startJwksServer,
  type JwksServer,
  type SignOptions,
} from '../helpers/tokens.js';

const ACCOUNT_QUERY = 'query($id: ID!) { account(id: $id) { id number balance { amount } } }';
const OWN_ACCOUNT = FIXTURES.accountTopLevel; // at corporateCustomer

function expectUnauthenticated(reply: {
  status: number;
  text: string;
  data: unknown;
  errors?: any[];
}) {
  expect(reply.status).toBe(401);
  expect(reply.data).toBeUndefined();
  expect(reply.errors).toHaveLength(1);
  expect(reply.errors![0].extensions.code).toBe('UNAUTHENTICATED');
}

describe('caller tokens (HS256)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it('answers 401 UNAUTHENTICATED without a token, with no upstream call (A1)', async () => {
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT });
    expectUnauthenticated(reply);
    expect(reply.errors![0]!.message).toBe('A valid bearer token is required.');
    // RFC 6750 §3: the scheme it wants.
    expect(reply.headers['www-authenticate']).toBe('Bearer');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('lets a valid token in, with the Bearer scheme in any case', async () => {
    const token = await anyCustomerToken();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const reply = await harness.execute(
        ACCOUNT_QUERY,
        { id: OWN_ACCOUNT },
        {
          authorization: `${scheme} ${token}`,
        },
      );
      expect(reply.status).toBe(200);
      expect(reply.data.account.id).toBe(OWN_ACCOUNT);
    }
  });

  it('lets in a token without iat, or with one ahead of its clock, when token age is unbounded', async () => {
    for (const options of [{ noIssuedAt: true }, { issuedAt: 600, expiresIn: 3600 }]) {
      const token = await anyCustomerToken({}, options);
      const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.account.id).toBe(OWN_ACCOUNT);
    }
  });

  it.each([
    ['a bare scheme', 'Bearer'],
    ['Basic credentials', `Basic ${Buffer.from('gateway:simulator').toString('base64')}`],
    ['two parts', 'Bearer abc.def'],
    ['trailing text', 'Bearer a.b.c extra'],
    ['an oversized header', `Bearer ${'a'.repeat(9000)}.b.c`],
  ])('refuses %s with 401', async (_name, authorization) => {
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, { authorization });
    expectUnauthenticated(reply);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it.each([
    ['alg none', () => Promise.resolve(algNoneToken())],
    ['an expired token', () => anyCustomerToken({}, { expiresIn: -3600 })],
    ['a token that never expires (no exp)', () => anyCustomerToken({}, { noExpiry: true })],
    [
      'a token signed with another secret',
      () => anyCustomerToken({}, { secret: 'another-secret-that-is-long-enough-for-hs256' }),
    ],
    ['a token without sub', () => anyCustomerToken({}, { noSubject: true })],
    ['a sub with a control character', () => anyCustomerToken({ sub: 'alice\r\nbob' })],
    ['a sub with a bidi override', () => anyCustomerToken({ sub: 'alice\u202Eevil' })],
    ['a sub with a zero-width space', () => anyCustomerToken({ sub: 'ali\u200Bce' })],
    ['a sub with a line separator', () => anyCustomerToken({ sub: 'alice\u2028bob' })],
    ['a sub longer than 128 characters', () => anyCustomerToken({ sub: 'a'.repeat(129) })],
    ['a numeric sub', () => anyCustomerToken({ sub: 42 as unknown as string })],
  ])('refuses %s with 401 and does not echo it (A2)', async (_name, make) => {
    const token = await make();
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expectUnauthenticated(reply);
    expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(reply.text).not.toContain(token.split('.')[1]);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('refuses two Authorization headers with 401, whichever comes first', async () => {
    const token = await anyCustomerToken();
    for (const pair of [
      [`Bearer ${token}`, 'Bearer a.b.c'],
      ['Bearer a.b.c', `Bearer ${token}`],
      [`Bearer ${token}`, `Bearer ${token}`],
    ]) {
      const response = await request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: [
          'content-type',
          'application/json',
          'authorization',
          pair[0]!,
          'authorization',
          pair[1]!,
        ],
        body: JSON.stringify({ query: ACCOUNT_QUERY, variables: { id: OWN_ACCOUNT } }),
      });
      const body: any = await response.body.json();
      expect(response.statusCode).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await customerToken(FIXTURES.privateCustomer);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'mallory', scope: 'accounts:read:any', exp: 4102444800 }),
    ).toString('base64url');
    const reply = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      bearer(`${header}.${payload}.${signature}`),
    );
    expectUnauthenticated(reply);
  });
});

describe('issuer and audience checks', () => {
  let harness: Harness;
  const expected = { issuer: 'https://idp.test/', audience: 'enfuce-gateway' };
  beforeAll(async () => {
    harness = await startHarness({
      auth: true,
      env: { AUTH_ISSUER: expected.issuer, AUTH_AUDIENCE: expected.audience },
    });
  });
  afterAll(() => harness.close());

  it('lets in a token from the configured issuer for the configured audience', async () => {
    const reply = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      bearer(await anyCustomerToken({}, expected)),
    );
    expect(reply.status).toBe(200);
    expect(reply.data.account.id).toBe(OWN_ACCOUNT);
  });

  it.each([
    ['a wrong issuer', { ...expected, issuer: 'https://evil.test/' }],
    ['a wrong audience', { ...expected, audience: 'another-api' }],
    ['no issuer', { audience: expected.audience }],
    ['no audience', { issuer: expected.issuer }],
  ])('refuses %s with 401 (A2)', async (_name, options) => {
    const reply = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      bearer(await anyCustomerToken({}, options)),
    );
    expectUnauthenticated(reply);
  });
});

describe('token age (AUTH_MAX_TOKEN_AGE_SECONDS)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ auth: true, env: { AUTH_MAX_TOKEN_AGE_SECONDS: '3600' } });
  });
  afterAll(() => harness.close());

  it('lets in a token issued within the bound', async () => {
    const token = await anyCustomerToken({}, { issuedAt: -3000, expiresIn: 3600 });
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expect(reply.status).toBe(200);
    expect(reply.data.account.id).toBe(OWN_ACCOUNT);
  });

  it.each([
    ['issued two hours ago, its exp years away', { issuedAt: -7200, expiresIn: 10 * 365 * 86400 }],
    ['without iat, whose age cannot be told', { noIssuedAt: true }],
    ['issued a minute ahead of the gateway clock', { issuedAt: 60, expiresIn: 3600 }],
  ])('refuses a token %s with 401', async (_name, options) => {
    harness.simulator.log.clear();
    const token = await anyCustomerToken({}, options);
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expectUnauthenticated(reply);
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('caller tokens (JWKS)', () => {
  let jwks: JwksServer;
  let harness: Harness;
  beforeAll(async () => {
    jwks = await startJwksServer();
    // AUTH_JWT_SECRET='' unsets the harness's HS256 secret: JWKS only.
    harness = await startHarness({
      auth: true,
      env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: jwks.url },
    });
  });
  afterAll(async () => {
    await harness.close();
    await jwks.close();
  });

  it.each(['RS256', 'ES256'] as const)(
    'lets in %s tokens and fetches the key set once',
    async (alg) => {
      for (let i = 0; i < 3; i++) {
        const token = await jwks.sign({ scope: 'accounts:read:any' }, { alg });
        const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
        expect(reply.status).toBe(200);
        expect(reply.data.account.id).toBe(OWN_ACCOUNT);
      }
      expect(jwks.requests).toBe(1);
    },
  );

  it.each([
    ['an HS256 token while only JWKS is set', () => anyCustomerToken()],
    ['an HS256 token keyed with the public key (algorithm confusion)', () => jwks.signConfused()],
    ['alg none', () => Promise.resolve(algNoneToken())],
    ['an expired RS256 token', () => jwks.sign({ scope: 'accounts:read:any' }, { expiresIn: -60 })],
  ])('refuses %s with 401 (A2)', async (_name, make) => {
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(await make()));
    expectUnauthenticated(reply);
  });
});

describe('a JWKS that holds two RSA keys, as while the provider rotates them', () => {
  let jwks: JwksServer;
  let stranger: JwksServer;
  let harness: Harness;
  beforeAll(async () => {
    [jwks, stranger] = await Promise.all([
      startJwksServer({ rotating: 1 }),
      startJwksServer({ rotating: 1 }),
    ]);
    harness = await startHarness({
      auth: true,
      env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: jwks.url },
    });
  });
  afterAll(async () => {
    await harness.close();
    await Promise.all([jwks.close(), stranger.close()]);
  });

  it.each([
    ['the current key, without kid', { kid: null }],
    ['the next key, without kid', { kid: null, next: true }],
    ['the next key, with its kid', { next: true }],
  ])('lets in a token signed with %s', async (_name, options) => {
    const token = await jwks.sign({ scope: 'accounts:read:any' }, options);
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expect(reply.status).toBe(200);
    expect(reply.data.account.id).toBe(OWN_ACCOUNT);
  });

  it.each([
    [
      'a key the set does not hold',
      () => stranger.sign({ scope: 'accounts:read:any' }, { kid: null }),
    ],
    [
      'a key of the set, expired',
      () => jwks.sign({ scope: 'accounts:read:any' }, { kid: null, next: true, expiresIn: -60 }),
    ],
  ])('refuses a token without kid signed with %s (A2)', async (_name, make) => {
    harness.simulator.log.clear();
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(await make()));
    expectUnauthenticated(reply);
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('a JWKS that holds five RSA keys', () => {
  let jwks: JwksServer;
  let harness: Harness;
  beforeAll(async () => {
    jwks = await startJwksServer({ rotating: 4 });
    harness = await startHarness({
      auth: true,
      env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: jwks.url },
    });
  });
  afterAll(async () => {
    await harness.close();
    await jwks.close();
  });

  it('checks a token without kid against the first 4 only: one signed with the fifth is refused', async () => {
    const fifth = (kid?: null) => jwks.sign({ scope: 'accounts:read:any' }, { kid, next: true });
    expectUnauthenticated(
      await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(await fifth(null))),
    );
    // Named by its kid, the same key lets the token in.
    const named = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(await fifth()));
    expect(named.data.account.id).toBe(OWN_ACCOUNT);
  });
});

describe('a JWKS endpoint that never answers', () => {
  let stuck: JwksServer;
  let signer: JwksServer;
  let harness: Harness;
  beforeAll(async () => {
    [stuck, signer] = await Promise.all([startJwksServer({ hang: true }), startJwksServer()]);
    harness = await startHarness({
      auth: true,
      env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: stuck.url },
    });
  });
  afterAll(async () => {
    await harness.close();
    await Promise.all([stuck.close(), signer.close()]);
  });

  it('fails the request with 401 after a bounded wait (A2)', async () => {
    const token = await signer.sign({ scope: 'accounts:read:any' });
    const started = Date.now();
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expectUnauthenticated(reply);
    expect(stuck.requests).toBe(1);
    // A2: jose's own default of 5 s at most; the gateway bounds the fetch at 3 s.
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);
});

describe('an HS256 secret and a JWKS together', () => {
  let jwks: JwksServer;
  let stranger: JwksServer;
  let harness: Harness;
  beforeAll(async () => {
    [jwks, stranger] = await Promise.all([startJwksServer(), startJwksServer()]);
    harness = await startHarness({ auth: true, env: { AUTH_JWKS_URL: jwks.url } });
  });
  afterAll(async () => {
    await harness.close();
    await Promise.all([jwks.close(), stranger.close()]);
  });
  beforeEach(() => harness.simulator.log.clear());

  it('lets in a token of each kind, and fetches the key set only for a JWKS token', async () => {
    const hs256 = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      bearer(await anyCustomerToken()),
    );
    expect(hs256.status).toBe(200);
    expect(hs256.errors).toBeUndefined();
    expect(hs256.data.account.id).toBe(OWN_ACCOUNT);
    // An HS256 token is checked against the secret alone.
    expect(jwks.requests).toBe(0);
    for (const alg of ['RS256', 'ES256'] as const) {
      const token = await jwks.sign({ scope: 'accounts:read:any' }, { alg });
      const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.account.id).toBe(OWN_ACCOUNT);
    }
    expect(jwks.requests).toBe(1);
  });

  it.each([
    ['an HS256 token keyed with the public key (algorithm confusion)', () => jwks.signConfused()],
    ['alg none', () => Promise.resolve(algNoneToken())],
    [
      'an HS256 token signed with another secret',
      () => anyCustomerToken({}, { secret: 'another-secret-that-is-long-enough-for-hs256' }),
    ],
    [
      'an RS256 token signed with a key the JWKS does not hold',
      () => stranger.sign({ scope: 'accounts:read:any' }),
    ],
  ])('refuses %s with 401 (A2)', async (_name, make) => {
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(await make()));
    expectUnauthenticated(reply);
    expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(harness.simulator.log.count()).toBe(0);
  });

  const signers: [string, (options: SignOptions) => Promise<string>][] = [
    ['HS256', (options) => anyCustomerToken({}, options)],
    ['RS256', (options) => jwks.sign({ scope: 'accounts:read:any' }, options)],
  ];

  // A few seconds of skew between the identity provider's clock and ours is no reason to refuse.
  it.each(signers)(
    'lets in a %s token whose nbf is 4 s ahead, within the 5 s tolerance',
    async (_alg, sign) => {
      const token = await sign({ notBefore: 4 });
      const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.account.id).toBe(OWN_ACCOUNT);
    },
  );

  it.each(signers)(
    'refuses a %s token whose nbf is 10 s ahead, beyond the tolerance (A2)',
    async (_alg, sign) => {
      const token = await sign({ notBefore: 10 });
      const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
      expectUnauthenticated(reply);
      expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(harness.simulator.log.count()).toBe(0);
    },
  );
});

describe('a JWKS endpoint that answers something other than a key set', () => {
  it.each([
    ['an HTML page', '<!doctype html><title>Sign in</title>', 'ERR_JOSE_GENERIC'],
    ['JSON whose keys are no list of keys', '{"keys":"none"}', 'ERR_JWKS_INVALID'],
  ])(
    'answers 401 when it serves %s, and tells the operator its code',
    async (_name, body, code) => {
      const logged: string[] = [];
      const served = await startJwksServer({ body });
      const harness = await startHarness({
        auth: true,
        env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: served.url },
        logDestination: { write: (line: string) => void logged.push(line) },
      });
      try {
        const token = await served.sign({ scope: 'accounts:read:any' });
        for (let i = 0; i < 2; i++) {
          const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
          expectUnauthenticated(reply);
          expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
        }
        // Asked once: a key set that failed is not fetched again for 5 s.
        expect(served.requests).toBe(1);
        expect(harness.simulator.log.count()).toBe(0);
        const warnings = logged
          .map((line) => JSON.parse(line))
          .filter(
            (line) =>
              line.msg === 'the JWKS could not be fetched; only keys already held check tokens',
          );
        expect(warnings.map((line) => [line.level, line.jwks])).toEqual([[40, { code }]]);
      } finally {
        await harness.close();
        await served.close();
      }
    },
  );
});

describe('a JWKS endpoint that is down', () => {
  let signer: JwksServer;
  let harness: Harness;
  const logged: string[] = [];
  beforeAll(async () => {
    signer = await startJwksServer();
    const port = await refusedPort();
    harness = await startHarness({
      auth: true,
      env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks` },
      logDestination: { write: (line: string) => void logged.push(line) },
    });
  });
  afterAll(async () => {
    await harness.close();
    await signer.close();
  });

  it('answers 401 and tells the operator once, without the token', async () => {
    const token = await signer.sign({ scope: 'accounts:read:any' });
    for (let i = 0; i < 3; i++) {
      expectUnauthenticated(
        await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token)),
      );
    }
    const warnings = logged
      .map((line) => JSON.parse(line))
      .filter(
        (line) => line.msg === 'the JWKS could not be fetched; only keys already held check tokens',
      );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].level).toBe(40);
    expect(warnings[0].jwks).toEqual({ code: 'FETCH_FAILED', cause: 'ECONNREFUSED' });
    expect(logged.join('')).not.toContain(token.split('.')[1]);
  });
});

describe('authorization on every path to a record (A3)', () => {
  let harness: Harness;
  let otherAccount: string;
  beforeAll(async () => {
    harness = await startHarness({ auth: true });
    otherAccount = harness.simulator.data.accountsOf(FIXTURES.privateCustomer)[0]!.id;
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  const asCorporate = () => customerToken(FIXTURES.corporateCustomer, { sub: 'corp-user' });
  /** Another customer's account and one that does not exist, asked for with `headers`. */
  const otherAndMissing = (headers: Record<string, string>) =>
    Promise.all([
      harness.execute(ACCOUNT_QUERY, { id: otherAccount }, headers),
      harness.execute(ACCOUNT_QUERY, { id: FIXTURES.unknownAccountId }, headers),
    ]);

  it('gives a customer-scoped caller its own account', async () => {
    const reply = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      bearer(await asCorporate()),
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data.account.id).toBe(OWN_ACCOUNT);
  });

  it("answers another customer's account and a missing one alike: null + FORBIDDEN", async () => {
    const [other, missing] = await otherAndMissing(bearer(await asCorporate()));
    for (const reply of [other, missing]) {
      expect(reply.status).toBe(200);
      expect(reply.data).toEqual({ account: null });
      expect(reply.errors).toHaveLength(1);
      expect(reply.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(reply.errors![0]!.path).toEqual(['account']);
    }
    // Indistinguishable, byte for byte: outside production too, where other
    // errors carry their stack trace, a FORBIDDEN carries none.
    expect(other.text).toBe(missing.text);
    expect(other.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
    const record = harness.simulator.data.account(otherAccount)!;
    expect(other.text).not.toContain(FIXTURES.privateCustomer);
    expect(record.number).toBeTruthy();
    expect(other.text).not.toContain(record.number);
  });

  it("answers another customer's unusable record as FORBIDDEN, and its owner UPSTREAM_ERROR", async () => {
    // The issuer's record of either account, with a balance that is no amount.
    const unusable = (id: string) =>
      harness.simulator.faults.add({
        route: 'accountV4',
        id,
        body: accountV4(harness.simulator.data.account(id)!).replace(
          /"balance":[^,}]+/,
          '"balance":"12,50"',
        ),
      });
    unusable(otherAccount);
    unusable(OWN_ACCOUNT);
    try {
      const corporate = bearer(await asCorporate());
      const [other, missing] = await otherAndMissing(corporate);
      // Nothing tells it from an account that does not exist.
      expect(other.text).toBe(missing.text);
      expect(other.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
      const own = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, corporate);
      expect(own.errors![0]!.extensions!.code).toBe('UPSTREAM_ERROR');
      const any = bearer(await anyCustomerToken());
      const operator = await harness.execute(ACCOUNT_QUERY, { id: otherAccount }, any);
      expect(operator.errors![0]!.extensions!.code).toBe('UPSTREAM_ERROR');
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('refuses another customer by id, and gives its own with accounts', async () => {
    const headers = bearer(await asCorporate());
    const reply = await harness.execute(
      `{ other: customer(id: "${FIXTURES.privateCustomer}") { id accounts(first: 2) { nodes { id } } }
         own: customer(id: "${FIXTURES.corporateCustomer}") { id accounts(first: 2) { nodes { id customerId } } } }`,
      undefined,
      headers,
    );
    expect(reply.data.other).toBeNull();
    expect(reply.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['other'], 'FORBIDDEN'],
    ]);
    expect(reply.data.own.accounts.nodes).toHaveLength(2);
    for (const node of reply.data.own.accounts.nodes) {
      expect(node.customerId).toBe(FIXTURES.corporateCustomer);
    }
    // No upstream call was made for the refused customer.
    expect(harness.simulator.log.pageReads().map((p) => p.customerId)).toEqual([
      FIXTURES.corporateCustomer,
    ]);
  });

  it('nulls only the refused slots of accounts(ids)', async () => {
    const reply = await harness.execute(
      'query($ids: [ID!]!) { accounts(ids: $ids) { id } }',
      { ids: [OWN_ACCOUNT, otherAccount, FIXTURES.unknownAccountId] },
      bearer(await asCorporate()),
    );
    expect(reply.data.accounts).toEqual([{ id: OWN_ACCOUNT }, null, null]);
    const errors = [...reply.errors!].sort((a, b) => Number(a.path![1]) - Number(b.path![1]));
    expect(errors.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['accounts', 1], 'FORBIDDEN'],
      [['accounts', 2], 'FORBIDDEN'],
    ]);
  });

  it("refuses a parent link that leads to another customer's account", async () => {
    const reply = await harness.execute(
      `{ account(id: "${FIXTURES.accountWithParentOtherCustomer}") { id parent { id number } } }`,
      undefined,
      bearer(await customerToken(FIXTURES.customerWith75)),
    );
    expect(reply.data.account).toEqual({
      id: FIXTURES.accountWithParentOtherCustomer,
      parent: null,
    });
    expect(reply.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['account', 'parent'], 'FORBIDDEN'],
    ]);
    const parent = harness.simulator.data.account(FIXTURES.accountTopLevel)!;
    expect(parent.number).toBeTruthy();
    expect(reply.text).not.toContain(parent.number);
  });

  it("answers parent { id } from the account's own parentId, with no call for the parent", async () => {
    harness.simulator.log.clear();
    const reply = await harness.execute(
      `{ account(id: "${FIXTURES.accountWithParentOtherCustomer}") { parentId parent { id } } }`,
      undefined,
      bearer(await customerToken(FIXTURES.customerWith75)),
    );
    expect(reply.errors).toBeUndefined();
    // The id the caller reads already as parentId, and nothing of the parent.
    expect(reply.data.account).toEqual({
      parentId: FIXTURES.accountTopLevel,
      parent: { id: FIXTURES.accountTopLevel },
    });
    expect(harness.simulator.log.accountReads()).toEqual([FIXTURES.accountWithParentOtherCustomer]);
  });

  it('reads parent { id } with no call when @skip and @include leave out its other fields', async () => {
    const query = `query Parent($full: Boolean!) {
      account(id: "${FIXTURES.accountWithParentOtherCustomer}") {
        parent { id ...Rest @include(if: $full) number @skip(if: true) }
      }
    }
    fragment Rest on Account { number }`;
    const token = bearer(await customerToken(FIXTURES.customerWith75));

    harness.simulator.log.clear();
    const idOnly = await harness.execute(query, { full: false }, token);
    expect(idOnly.errors).toBeUndefined();
    expect(idOnly.data.account).toEqual({ parent: { id: FIXTURES.accountTopLevel } });
    expect(harness.simulator.log.accountReads()).toEqual([FIXTURES.accountWithParentOtherCustomer]);

    // Included, the fragment reads the parent, which is another customer's.
    harness.simulator.log.clear();
    const full = await harness.execute(query, { full: true }, token);
    expect(full.data.account).toEqual({ parent: null });
    expect(full.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(harness.simulator.log.accountReads()).toEqual(
      [FIXTURES.accountTopLevel, FIXTURES.accountWithParentOtherCustomer].sort(),
    );
  });

  it('takes a customer_id claim sent as a JSON number', async () => {
    const token = await signToken({ customer_id: Number(FIXTURES.corporateCustomer) });
    const reply = await harness.execute(ACCOUNT_QUERY, { id: OWN_ACCOUNT }, bearer(token));
    expect(reply.data.account.id).toBe(OWN_ACCOUNT);
  });

  it.each([
    ['neither customer_id nor the any-customer scope', {}],
    ['a customer_id that is not an id', { customer_id: '../10000000001' }],
    ['an unsafe numeric customer_id', { customer_id: 2 ** 60 }],
    ['a scope that only resembles the any-customer scope', { scope: 'accounts:read:anything' }],
    [
      'an unusable customer_id and the any-customer scope',
      { customer_id: '../10000000001', scope: 'accounts:read:any' },
    ],
  ])('lets a token with %s read nothing', async (_name, claims) => {
    const reply = await harness.execute(
      `{
        customer(id: "${FIXTURES.corporateCustomer}") { id }
        account(id: "${OWN_ACCOUNT}") { id }
        accounts(ids: ["${OWN_ACCOUNT}", "${otherAccount}"]) { id }
      }`,
      undefined,
      bearer(await signToken(claims)),
    );
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ customer: null, account: null, accounts: [null, null] });
    expect(reply.errors!.map((e) => e.extensions?.code)).toEqual(Array(4).fill('FORBIDDEN'));
    // Refused before any read: no call is audited under a caller that may read nothing.
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('keeps a token with a customer_id and the any-customer scope to that customer', async () => {
    const token = await signToken({
      customer_id: FIXTURES.corporateCustomer,
      scope: 'accounts:read:any',
    });
    const reply = await harness.execute(
      `{ own: account(id: "${OWN_ACCOUNT}") { id } other: account(id: "${otherAccount}") { id } }`,
      undefined,
      bearer(token),
    );
    expect(reply.data).toEqual({ own: { id: OWN_ACCOUNT }, other: null });
    expect(reply.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['other'], 'FORBIDDEN'],
    ]);
  });

  it('takes a null customer_id as none, so the any-customer scope reads any customer', async () => {
    const token = await signToken({ customer_id: null, scope: 'accounts:read:any' });
    const reply = await harness.execute(ACCOUNT_QUERY, { id: otherAccount }, bearer(token));
    expect(reply.errors).toBeUndefined();
    expect(reply.data.account.id).toBe(otherAccount);
  });

  it("answers another customer's account asked for with leading zeros as it does a missing one", async () => {
    const headers = bearer(await asCorporate());
    const [other, missing] = await Promise.all([
      harness.execute(ACCOUNT_QUERY, { id: `00${otherAccount}` }, headers),
      harness.execute(ACCOUNT_QUERY, { id: FIXTURES.unknownAccountId }, headers),
    ]);
    expect(other.data).toEqual({ account: null });
    expect(other.errors).toHaveLength(1);
    expect(other.errors![0]).toMatchObject({
      message: 'You are not allowed to read this record.',
      path: ['account'],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(other.text).toBe(missing.text);
    // Asked for once, without the zeros.
    expect(harness.simulator.log.accountReads()).toEqual(
      [otherAccount, FIXTURES.unknownAccountId].sort(),
    );
  });

  it('answers its own customer and account asked for with leading zeros as without them', async () => {
    const headers = bearer(await asCorporate());
    const customerQuery = (id: string) =>
      `{ customer(id: "${id}") { id displayName accounts(first: 2) { nodes { id customerId } } } }`;
    const accountQuery = (id: string) =>
      `{ account(id: "${id}") { id customerId balance { amount } } }`;

    const plainCustomer = await harness.execute(
      customerQuery(FIXTURES.corporateCustomer),
      undefined,
      headers,
    );
    harness.simulator.log.clear();
    const paddedCustomer = await harness.execute(
      customerQuery(`0${FIXTURES.corporateCustomer}`),
      undefined,
      headers,
    );
    expect(paddedCustomer.errors).toBeUndefined();
    expect(paddedCustomer.data.customer.id).toBe(FIXTURES.corporateCustomer);
    expect(paddedCustomer.data).toEqual(plainCustomer.data);
    expect(harness.simulator.log.pageReads().map((page) => page.customerId)).toEqual([
      FIXTURES.corporateCustomer,
    ]);
    expect(harness.simulator.log.customerReads()).toEqual([FIXTURES.corporateCustomer]);

    const plainAccount = await harness.execute(accountQuery(OWN_ACCOUNT), undefined, headers);
    harness.simulator.log.clear();
    const paddedAccount = await harness.execute(
      accountQuery(`00${OWN_ACCOUNT}`),
      undefined,
      headers,
    );
    expect(paddedAccount.errors).toBeUndefined();
    expect(paddedAccount.data.account.id).toBe(OWN_ACCOUNT);
    expect(paddedAccount.data).toEqual(plainAccount.data);
    expect(harness.simulator.log.accountReads()).toEqual([OWN_ACCOUNT]);
  });

  it('takes a customer_id claim written with leading zeros as the customer it names', async () => {
    const token = await signToken({ customer_id: `000${FIXTURES.corporateCustomer}` });
    const reply = await harness.execute(
      `{ customer(id: "${FIXTURES.corporateCustomer}") { id accounts(first: 2) { nodes { customerId } } }
         own: account(id: "${OWN_ACCOUNT}") { id }
         other: account(id: "${otherAccount}") { id } }`,
      undefined,
      bearer(token),
    );
    expect(reply.data).toEqual({
      customer: {
        id: FIXTURES.corporateCustomer,
        accounts: {
          nodes: [
            { customerId: FIXTURES.corporateCustomer },
            { customerId: FIXTURES.corporateCustomer },
          ],
        },
      },
      own: { id: OWN_ACCOUNT },
      other: null,
    });
    expect(reply.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['other'], 'FORBIDDEN'],
    ]);
  });

  it('authorizes _entities representations written with leading zeros by the ids without them', async () => {
    const reply = await harness.execute(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          __typename
          ... on Account { id customerId }
          ... on Customer { id }
        }
      }`,
      {
        representations: [
          { __typename: 'Account', id: `00${OWN_ACCOUNT}` },
          { __typename: 'Account', id: `00${otherAccount}` },
          { __typename: 'Account', id: `00${FIXTURES.unknownAccountId}` },
          { __typename: 'Customer', id: `0${FIXTURES.corporateCustomer}` },
          { __typename: 'Customer', id: `0${FIXTURES.privateCustomer}` },
        ],
      },
      bearer(await asCorporate()),
    );
    expect(reply.status).toBe(200);
    expect(reply.data._entities).toEqual([
      { __typename: 'Account', id: OWN_ACCOUNT, customerId: FIXTURES.corporateCustomer },
      null,
      null,
      { __typename: 'Customer', id: FIXTURES.corporateCustomer },
      null,
    ]);
    const errors = [...reply.errors!].sort((a, b) => Number(a.path![1]) - Number(b.path![1]));
    expect(errors.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 1], 'FORBIDDEN'],
      [['_entities', 2], 'FORBIDDEN'],
      [['_entities', 4], 'FORBIDDEN'],
    ]);
    // Someone else's account and a missing one are indistinguishable.
    expect(errors[0]).toEqual({ ...errors[1], path: ['_entities', 1] });
    expect(reply.text).not.toContain(FIXTURES.privateCustomer);
    expect(harness.simulator.log.accountReads()).toEqual(
      [OWN_ACCOUNT, otherAccount, FIXTURES.unknownAccountId].sort(),
    );
  });

  it('lets accounts:read:any read any customer; a missing account is null without an error', async () => {
    const reply = await harness.execute(
      `{ a: account(id: "${otherAccount}") { id } b: account(id: "${FIXTURES.unknownAccountId}") { id }
         c: customer(id: "${FIXTURES.privateCustomer}") { id } }`,
      undefined,
      bearer(await anyCustomerToken()),
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      a: { id: otherAccount },
      b: null,
      c: { id: FIXTURES.privateCustomer },
    });
  });
});

describe('the audit trail', () => {
  let authHarness: Harness;
  let openHarness: Harness;
  beforeAll(async () => {
    [authHarness, openHarness] = await Promise.all([startHarness({ auth: true }), startHarness()]);
  });
  afterAll(async () => {
    await Promise.all([authHarness.close(), openHarness.close()]);
  });
  beforeEach(() => {
    authHarness.simulator.log.clear();
    openHarness.simulator.log.clear();
  });

  const query = `{ account(id: "${FIXTURES.accountWithGrandparent}") { parent { parent { number } } }
    customer(id: "${FIXTURES.privateCustomer}") { displayName accounts(first: 2) { nodes { id } } } }`;
  const auditUsers = (harness: Harness) =>
    harness.simulator.log.entries().map((entry) => entry.query.auditUser);

  it("sends the token's sub on every upstream call and ignores X-Audit-User", async () => {
    const token = await anyCustomerToken({ sub: 'agent@bank.example' });
    const reply = await authHarness.execute(query, undefined, {
      ...bearer(token),
      'x-audit-user': 'someone-else',
    });
    expect(reply.errors).toBeUndefined();
    const users = auditUsers(authHarness);
    expect(users.length).toBeGreaterThanOrEqual(4);
    expect(new Set(users)).toEqual(new Set(['agent@bank.example']));
  });

  it('sends "anonymous" without X-Audit-User over the simulator, or with an empty one', async () => {
    await openHarness.execute(query);
    const users = auditUsers(openHarness);
    expect(users.length).toBeGreaterThanOrEqual(4);
    expect(new Set(users)).toEqual(new Set(['anonymous']));
    openHarness.simulator.reset();
    const empty = await openHarness.execute(query, undefined, { 'x-audit-user': '' });
    expect(empty.status).toBe(200);
    expect(new Set(auditUsers(openHarness))).toEqual(new Set(['anonymous']));
  });

  it.each([['alice&auditUser=root#x'], ['%0d%0aX-Injected: 1'], ['a'.repeat(128)]])(
    'sends X-Audit-User %s upstream as exactly one, exact value (I5)',
    async (value) => {
      await openHarness.execute(query, undefined, { 'x-audit-user': value });
      const entries = openHarness.simulator.log.entries();
      expect(entries.length).toBeGreaterThanOrEqual(4);
      for (const entry of entries) {
        // The simulator logs a repeated parameter as an array of its values.
        expect(entry.query.auditUser).toBe(value);
        expect(entry.headers['x-injected']).toBeUndefined();
      }
    },
  );

  it.each([
    ['a control character', 'alice\tbob'],
    ['10 KiB', 'a'.repeat(10 * 1024)],
    ['129 characters', 'a'.repeat(129)],
    ['non-ASCII', 'j\u00fcrgen'],
  ])(
    'refuses an X-Audit-User with %s: 400 BAD_USER_INPUT, no upstream call (I5)',
    async (_name, value) => {
      const reply = await openHarness.execute(query, undefined, { 'x-audit-user': value });
      expect(reply.status).toBe(400);
      expect(reply.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(reply.errors![0]!.message).toMatch(/^X-Audit-User must be 1 to 128 printable ASCII/);
      expect(openHarness.simulator.log.count()).toBe(0);
    },
  );
});

describe('AUTH_DISABLED=true with a real upstream', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ auth: true, env: { AUTH_DISABLED: 'true' } });
  });
  afterAll(() => harness.close());

  it('lets callers in without a token, under X-Audit-User or "anonymous"', async () => {
    const named = await harness.execute(
      ACCOUNT_QUERY,
      { id: OWN_ACCOUNT },
      {
        'x-audit-user': 'batch-job',
      },
    );
    expect(named.data.account.id).toBe(OWN_ACCOUNT);
    const anonymous = await harness.execute(ACCOUNT_QUERY, { id: FIXTURES.accountExactAmounts });
    expect(anonymous.data.account.id).toBe(FIXTURES.accountExactAmounts);
    expect(harness.simulator.log.entries().map((e) => e.query.auditUser)).toEqual([
      'batch-job',
      'anonymous',
    ]);
  });
});
