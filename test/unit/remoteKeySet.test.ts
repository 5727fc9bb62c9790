/**
 * The key set behind AUTH_JWKS_URL (src/auth/authenticate.ts) against a real
 * key-set server on loopback: what it fetches, and what it still vouches for
 * while fetching fails.
 */
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteKeySet } from '../../src/auth/authenticate.js';
import { startJwksServer, type JwksServer } from '../helpers/tokens.js';

let served: JwksServer | undefined;
afterEach(() => served?.close());

const verified = (token: string, keys: ReturnType<typeof remoteKeySet>) =>
  jwtVerify(token, keys, { algorithms: ['RS256', 'ES256'] }).then(
    ({ payload }) => payload.sub,
    (error: { code?: string }) => error.code,
  );

describe('remoteKeySet', () => {
  it('asks a failing provider at most once a retry period, and checks tokens with the keys it holds meanwhile', async () => {
    served = await startJwksServer();
    // No cool-down between fetches for unknown keys, so only the retry period holds them back.
    const keys = remoteKeySet(new URL(served.url), { cooldownMs: 0, retryMs: 60_000 });
    const known = await served.sign({ sub: 'alice' });
    const unknown = await served.sign({ sub: 'mallory' }, { kid: 'rotated-away' });

    expect(await verified(known, keys)).toBe('alice');
    expect(served.requests).toBe(1);

    served.serve('<!doctype html><title>Maintenance</title>');
    // A key it does not hold: asked for once, which fails.
    expect(await verified(unknown, keys)).toBe('ERR_JOSE_GENERIC');
    expect(served.requests).toBe(2);
    // Within the retry period: not asked again, for any token.
    expect(await verified(unknown, keys)).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(await verified(known, keys)).toBe('alice');
    expect(served.requests).toBe(2);
  });

  it('checks no token with keys older than jose would trust while the provider fails', async () => {
    served = await startJwksServer();
    const keys = remoteKeySet(new URL(served.url), {
      maxAgeMs: 50,
      cooldownMs: 0,
      retryMs: 60_000,
    });
    const known = await served.sign({ sub: 'alice' });
    expect(await verified(known, keys)).toBe('alice');
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Stale now: jose asks again, which fails; its old keys vouch for nothing.
    served.serve('<!doctype html><title>Maintenance</title>');
    expect(await verified(known, keys)).toBe('ERR_JOSE_GENERIC');
    expect(await verified(known, keys)).toBe('ERR_JOSE_GENERIC');
    expect(served.requests).toBe(2);
  });

  it('fails every token without asking again within the retry period when it holds no keys, and asks once it is over', async () => {
    served = await startJwksServer({ body: '{"keys":"none"}' });
    const keys = remoteKeySet(new URL(served.url), { retryMs: 300 });
    const token = await served.sign({ sub: 'alice' });
    expect(await verified(token, keys)).toBe('ERR_JWKS_INVALID');
    served.serve(undefined);
    // The provider has recovered, but it is not asked before the period ends.
    expect(await verified(token, keys)).toBe('ERR_JWKS_INVALID');
    expect(served.requests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await verified(token, keys)).toBe('alice');
    expect(served.requests).toBe(2);
  });
});
