/**
 * Which `Host` names /graphql answers (`ALLOWED_HOSTS`), against DNS
 * rebinding: a page on an attacker's domain, once its name resolves to the
 * gateway's address, is same-origin with the gateway as far as the browser
 * knows, so CORS and CSRF prevention let it read what it asks. Its requests
 * still name the attacker's domain in `Host`, which is what is checked.
 *
 * A bearer token is something such a page does not have, so this matters
 * most with `AUTH_DISABLED=true`, where the network is the only guard.
 */
import { isIP } from 'node:net';
import type { onRequestHookHandler } from 'fastify';
import { errorBody } from './hardening.js';

/**
 * Whether `hostname` (a `Host` header without its port) is one to answer.
 * Addresses and localhost names always are: no page can rebind them, since
 * the browser resolves them without asking DNS.
 */
export function isAllowedHost(hostname: string, allowed: readonly string[]): boolean {
  // A fully qualified name's final dot names the same host.
  const name = hostname.toLowerCase().replace(/\.$/, '');
  const address = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIP(address) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((entry) =>
    entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry,
  );
}

/**
 * An `onRequest` hook for /graphql: a `Host` not on the list gets 421
 * Misdirected Request, the status for a request this server will not
 * answer for the name it was sent to. After refuseUnreadableHost, so the
 * header is there and parses.
 */
export function refuseUnknownHosts(allowed: readonly string[]): onRequestHookHandler {
  const names = allowed.map((entry) => entry.toLowerCase());
  return (request, reply, done) => {
    if (isAllowedHost(request.hostname, names)) return done();
    void reply
      .code(421)
      .send(
        errorBody('This gateway does not answer for the host the request names.', 'BAD_REQUEST'),
      );
  };
}
