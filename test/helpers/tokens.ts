/**
 * Caller tokens for tests: good ones, and every kind of bad one the gateway
 * must refuse. HS256 tokens use TEST_JWT_SECRET (the harness's `auth: true`);
 * RS256 tokens come from a local JWKS server on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWTPayload } from 'jose';
import { TEST_JWT_SECRET } from './harness.js';

export interface SignOptions {
  /** Seconds from now until expiry; negative for an expired token. @default 300 */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  /** @default TEST_JWT_SECRET */
  secret?: string | Uint8Array;
  /** Leave `sub` out of the claims. */
  noSubject?: boolean;
  /** Leave `exp` out of the claims. */
  noExpiry?: boolean;
  /** Seconds from now of `iat`; negative for the past. @default -60 */
  issuedAt?: number;
  /** Leave `iat` out of the claims. */
  noIssuedAt?: boolean;
  /** Seconds from now of `nbf`; left out unless given. */
  notBefore?: number;
}

/** An HS256 token with `claims`; `sub` defaults to `test-user`. */
export async function signToken(
  claims: JWTPayload = {},
  options: SignOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    sub: options.noSubject ? undefined : 'test-user',
    ...claims,
  }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (!options.noIssuedAt) jwt.setIssuedAt(now + (options.issuedAt ?? -60));
  if (!options.noExpiry) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  const secret = options.secret ?? TEST_JWT_SECRET;
  return jwt.sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}

/** A token that may read only `customerId` and its accounts. */
export function customerToken(customerId: string, claims: JWTPayload = {}, options?: SignOptions) {
  return signToken({ customer_id: customerId, ...claims }, options);
}

/** A token that may read any customer (`accounts:read:any`). */
export function anyCustomerToken(claims: JWTPayload = {}, options?: SignOptions) {
  return signToken({ scope: 'profile accounts:read:any', ...claims }, options);
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function algNoneToken(claims: JWTPayload = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    sub: 'test-user',
    scope: 'accounts:read:any',
    iat: now,
    exp: now + 300,
    ...claims,
  })}.`;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface JwksServer {
  /** The key set's URL, for AUTH_JWKS_URL. */
  url: string;
  /**
   * Signs a token with the served key of `options.alg` (RS256 unless told),
   * or with the last RSA key a rotating set holds beside it (`next`); `kid:
   * null` leaves the key id out of the header.
   */
  sign(
    claims?: JWTPayload,
    options?: Omit<SignOptions, 'secret'> & {
      alg?: JwksAlgorithm;
      kid?: string | null;
      next?: boolean;
    },
  ): Promise<string>;
  /** From now on answers 200 with `body` instead of the key set; without one, the key set again. */
  serve(body?: string): void;
  /**
   * An HS256 token whose HMAC secret is the served public key's PEM text: the
   * algorithm-confusion attack on verifiers that trust the token's `alg`.
   */
  signConfused(claims?: JWTPayload): Promise<string>;
  /** Key-set requests received. */
  readonly requests: number;
  close(): Promise<void>;
}

export type JwksAlgorithm = 'RS256' | 'ES256';

async function keyPairFor(alg: JwksAlgorithm, kid = `test-${alg}`) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { publicKey, privateKey, jwk };
}

/**
 * Serves a fresh RSA and a fresh P-256 public key as a JWKS on port 0. With
 * `hang`, it accepts requests and never answers, like a stuck identity
 * provider; with `body`, it answers 200 with that text instead of the key set;
 * `rotating` adds that many more RSA keys, as a provider does while it
 * rotates them.
 */
export async function startJwksServer(
  options: { hang?: boolean; body?: string; rotating?: number } = {},
): Promise<JwksServer> {
  const keys = { RS256: await keyPairFor('RS256'), ES256: await keyPairFor('ES256') };
  const rotated = await Promise.all(
    Array.from({ length: options.rotating ?? 0 }, (_, i) => keyPairFor('RS256', `test-RS256-${i}`)),
  );
  const served = [keys.RS256.jwk, keys.ES256.jwk, ...rotated.map((pair) => pair.jwk)];
  const pem = await exportSPKI(keys.RS256.publicKey);
  let requests = 0;
  let body = options.body;
  const server: Server = createServer((_request, response) => {
    requests++;
    if (options.hang) return;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body ?? JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    async sign(claims = {}, signOptions = {}) {
      const { privateKey, jwk } = signOptions.next
        ? rotated.at(-1)!
        : keys[signOptions.alg ?? 'RS256'];
      const now = Math.floor(Date.now() / 1000);
      const kid = signOptions.kid === undefined ? jwk.kid : signOptions.kid;
      const jwt = new SignJWT({ sub: 'test-user', ...claims })
        .setProtectedHeader({ alg: jwk.alg, ...(kid !== null && { kid }) })
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (signOptions.expiresIn ?? 300));
      if (signOptions.notBefore !== undefined) jwt.setNotBefore(now + signOptions.notBefore);
      if (signOptions.issuer) jwt.setIssuer(signOptions.issuer);
      if (signOptions.audience) jwt.setAudience(signOptions.audience);
      return jwt.sign(privateKey);
    },
    serve(next) {
      body = next;
    },
    signConfused(claims = {}) {
      return signToken(
        { scope: 'accounts:read:any', ...claims },
        { secret: new TextEncoder().encode(pem) },
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
