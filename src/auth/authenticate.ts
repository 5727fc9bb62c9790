/**
 * Turns a request's headers into a Caller. With a real upstream, callers
 * prove who they are with a bearer JWT (HS256 secret or a JWKS); with the
 * simulator or `AUTH_DISABLED=true`, they are let in as an any-customer
 * caller whose audit name comes from `X-Audit-User`.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import type { AuthConfig } from '../config.js';
import { UnauthenticatedError, BadUserInputError } from '../errors.js';
import { idFromJson } from '../upstream/ids.js';
import { ANY_CUSTOMER_SCOPE, anonymousCaller, type Caller } from './caller.js';

export type Authenticate = (headers: {
  authorization?: string | undefined;
  auditUser?: string | undefined;
}) => Promise<Caller>;

export const MAX_AUDIT_USER_LENGTH = 128;

/** Longer than any token a sane issuer signs; keeps the header parse bounded. */
const MAX_TOKEN_LENGTH = 8192;

// The scheme is case-insensitive (RFC 9110 §11.1); the token is base64url parts.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

// Fetches of the key set are bounded; a hanging JWKS endpoint fails the
// request with 401 after this long instead of holding it.
const JWKS_TIMEOUT_MS = 3000;

// Failures of the key set itself (unreachable, hanging, not a key set), as
// opposed to a token it cannot vouch for; jose gives fetch errors through.
const KEY_SET_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

// Keys a token without `kid` is checked against, when its type has several.
const MAX_KEYS_WITHOUT_KID = 4;

export interface AuthenticatorOptions {
  /** Lets every caller in without a token (the built-in simulator); `config.disabled` does the same. */
  open?: boolean;
  /**
   * Told when the JWKS could not be fetched or read. Callers only get 401, as
   * for a bad token; operators must learn that every token now fails.
   */
  onKeySetFailure?: (failure: { code: string; cause?: string }) => void;
}

export function createAuthenticator(
  config: AuthConfig,
  { open = false, onKeySetFailure }: AuthenticatorOptions = {},
): Authenticate {
  if (open || config.disabled) {
    return async ({ auditUser }) => anonymousCaller(parseAuditUser(auditUser));
  }
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks = config.jwksUrl ? remoteKeySet(new URL(config.jwksUrl)) : undefined;

  // X-Audit-User is ignored here: the audit trail names the token's subject.
  return async ({ authorization }) => {
    if (authorization === undefined || authorization.length > MAX_TOKEN_LENGTH) {
      throw new UnauthenticatedError();
    }
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new UnauthenticatedError();
    // jose's messages may quote claims; the caller learns only that it failed.
    const payload = await verify(token, secret, jwks, config).catch((error: unknown) => {
      const failure = keySetFailure(error);
      if (failure) onKeySetFailure?.(failure);
      throw new UnauthenticatedError('invalid');
    });
    return callerFrom(payload);
  };
}

/**
 * The key set at `url`, fetched by jose on first use, cached (`maxAgeMs`),
 * and fetched again for a key it does not hold (at most every
 * `cooldownMs`); while fetching it fails, fetched at most once every
 * `retryMs`. jose keeps only a
 * key set it got, so with the identity provider down (or answering
 * something else) every token it cannot check from what it holds (all of
 * them before a first fetch, or one naming a key it does not know) would
 * ask the provider again: a request to the provider for every request to
 * the gateway. Meanwhile the keys it already holds, while still fresh, check
 * tokens as before; a token they cannot check fails.
 */
export function remoteKeySet(
  url: URL,
  {
    cooldownMs = 30_000,
    retryMs = 5000,
    maxAgeMs = 600_000,
  }: { cooldownMs?: number; retryMs?: number; maxAgeMs?: number } = {},
): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: cooldownMs,
    cacheMaxAge: maxAgeMs,
  });
  let failed: { error: unknown; until: number; held: JWTVerifyGetKey | undefined } | undefined;
  return async (header, token) => {
    if (failed !== undefined && performance.now() < failed.until) {
      // Held keys serve only while jose would still trust them itself.
      if (failed.held === undefined || !remote.fresh) throw failed.error;
      return failed.held(header, token);
    }
    try {
      return await remote(header, token);
    } catch (error) {
      if (keySetFailure(error)) {
        const keys = remote.jwks();
        failed = {
          error,
          until: performance.now() + retryMs,
          held: keys && createLocalJWKSet(keys),
        };
      }
      throw error;
    }
  };
}

/** Codes only: a message may quote the token or the key set's URL. */
function keySetFailure(error: unknown): { code: string; cause?: string } | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  if (typeof code === 'string' && KEY_SET_FAILURES.has(code)) return { code };
  // fetch() itself failed: refused, reset, DNS; its cause names the system error.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return { code: 'FETCH_FAILED', ...(typeof cause?.code === 'string' && { cause: cause.code }) };
  }
  return undefined;
}

async function verify(
  token: string,
  secret: Uint8Array | undefined,
  jwks: JWTVerifyGetKey | undefined,
  { issuer, audience, maxTokenAgeSeconds }: AuthConfig,
): Promise<JWTPayload> {
  // A token without `exp` would be good forever once leaked; so would one
  // whose `exp` is years away, unless its age is bounded (which needs `iat`).
  const options = {
    issuer,
    audience,
    requiredClaims: ['sub', 'exp'],
    clockTolerance: 5,
    // jose then requires `iat` too.
    ...(maxTokenAgeSeconds > 0 && { maxTokenAge: maxTokenAgeSeconds }),
  };
  // Each key is tried only with its own algorithms: an HS256 token is never
  // checked against a public key (algorithm confusion), and `none` never at all.
  if (secret && headerAlg(token) === 'HS256') {
    return (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
  }
  if (jwks) {
    const signed = { ...options, algorithms: ['RS256', 'ES256'] };
    try {
      return (await jwtVerify(token, jwks, signed)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
      return (await verifyWithEach(token, error, signed)).payload;
    }
  }
  throw new Error('No configured key accepts this token.');
}

/**
 * A token without `kid` while the key set holds several keys of its type,
 * as it does while the identity provider rotates them: jose picks none, so
 * each is tried, the first few only, as each costs a signature check and
 * the token is anyone's to send.
 */
async function verifyWithEach(
  token: string,
  candidates: errors.JWKSMultipleMatchingKeys,
  options: JWTVerifyOptions,
): Promise<JWTVerifyResult> {
  let tried = 0;
  for await (const key of candidates) {
    try {
      return await jwtVerify(token, key, options);
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
    }
    if (++tried === MAX_KEYS_WITHOUT_KID) break;
  }
  throw new errors.JWSSignatureVerificationFailed();
}

function headerAlg(token: string): unknown {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString(),
    );
    return (header as { alg?: unknown } | null)?.alg;
  } catch {
    return undefined;
  }
}

function callerFrom(payload: JWTPayload): Caller {
  const { sub } = payload;
  // `sub` goes upstream as auditUser: the same rule as X-Audit-User, except
  // that any printable Unicode is fine in a signed claim.
  if (typeof sub !== 'string' || !isAuditName(sub, /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u)) {
    throw new UnauthenticatedError('invalid');
  }
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  return {
    sub,
    ...(typeof payload.iss === 'string' && { issuer: payload.iss }),
    // Without a usable customer_id the token reads nothing, unless it has no
    // customer_id at all and its scope says any.
    customerId: idFromJson(payload.customer_id) ?? null,
    // A customer_id narrows the token to that customer, whatever its scope
    // says: the least of the two grants wins, and an unusable one grants
    // nothing. A null one is no claim, as identity providers write an unset one.
    anyCustomer: payload.customer_id == null && scopes.includes(ANY_CUSTOMER_SCOPE),
  };
}

/**
 * `X-Audit-User` goes upstream as a query value. Header bytes beyond ASCII
 * arrive as Latin-1 guesses, so only printable ASCII is taken as sent.
 */
function parseAuditUser(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isAuditName(value, /[^\x20-\x7e]/)) {
    const problem =
      value.length > MAX_AUDIT_USER_LENGTH ? `${value.length} characters` : 'other characters';
    throw new BadUserInputError(
      `X-Audit-User must be 1 to ${MAX_AUDIT_USER_LENGTH} printable ASCII characters (got ${problem}).`,
      { status: 400 },
    );
  }
  return value;
}

function isAuditName(value: string, forbidden: RegExp): boolean {
  return value.length >= 1 && value.length <= MAX_AUDIT_USER_LENGTH && !forbidden.test(value);
}
