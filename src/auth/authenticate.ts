/**
 * Turns a request's headers into a Caller. With a real upstream, callers
 * prove who they are with a bearer JWT (HS256 secret or a JWKS); with the
 * simulator or `AUTH_DISABLED=true`, they are let in as an any-customer
 * caller whose audit name comes from `X-Audit-User`.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { UnauthenticatedError, BadUserInputError } from '../errors.js';
import { ANY_CUSTOMER_SCOPE, anonymousCaller, type Caller } from './caller.js';
import { isIssuerId } from '../upstream/ids.js';

export type Authenticate = (headers: {
  authorization?: string | undefined;
  auditUser?: string | undefined;
}) => Promise<Caller>;

export const MAX_AUDIT_USER_LENGTH = 128;

/**
 * `open`: let every caller in (the simulator, or auth disabled). Otherwise
 * every request needs a valid token.
 */
export function createAuthenticator(config: AuthConfig, open: boolean): Authenticate {
  if (open || config.disabled) {
    return async ({ auditUser }) => anonymousCaller(parseAuditUser(auditUser));
  }
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  // jose caches the key set and bounds each fetch; a hanging JWKS endpoint
  // fails the request with 401 instead of holding it.
  const jwks = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000 })
    : undefined;

  return async ({ authorization }) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new UnauthenticatedError();
    const payload = await verify(token, secret, jwks, config).catch(() => {
      throw new UnauthenticatedError('The bearer token is invalid or expired.');
    });
    return callerFrom(payload);
  };
}

async function verify(
  token: string,
  secret: Uint8Array | undefined,
  jwks: JWTVerifyGetKey | undefined,
  { issuer, audience }: AuthConfig,
): Promise<JWTPayload> {
  const options = { issuer, audience, requiredClaims: ['sub'] };
  // Each key is tried only with its own algorithms: an HS256 token can never
  // be checked against a public key (algorithm confusion), `none` never.
  if (secret && isAlg(token, 'HS256')) {
    return (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
  }
  if (jwks) {
    return (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
  }
  throw new Error('No key accepts this token.');
}

function isAlg(token: string, alg: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    return header?.alg === alg;
  } catch {
    return false;
  }
}

function callerFrom(payload: JWTPayload): Caller {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const claim = payload.customer_id;
  const customerId =
    typeof claim === 'string' && isIssuerId(claim)
      ? claim
      : typeof claim === 'number' && Number.isSafeInteger(claim) && claim >= 0
        ? String(claim)
        : null;
  return {
    sub: payload.sub!,
    customerId,
    anyCustomer: scopes.includes(ANY_CUSTOMER_SCOPE),
  };
}

/** `X-Audit-User` goes upstream as a query value: printable, bounded, or refused. */
function parseAuditUser(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_AUDIT_USER_LENGTH || /[\x00-\x1f\x7f]/.test(value)) {
    throw new BadUserInputError(
      `X-Audit-User must be at most ${MAX_AUDIT_USER_LENGTH} characters without control characters.`,
    );
  }
  return value;
}
