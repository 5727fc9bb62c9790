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

/** ALLOWED_HOSTS, read once: exact names, and domains that take their subdomains too. */
interface HostList {
  names: ReadonlySet<string>;
  /** `.example.com` for `example.com` and every name under it. */
  domains: readonly string[];
}

function hostList(entries: readonly string[]): HostList {
  const names = new Set<string>();
  const domains: string[] = [];
  for (const entry of entries) {
    const name = entry.toLowerCase().replace(/\.$/, '');
    if (name.startsWith('.')) {
      names.add(name.slice(1));
      domains.push(name);
    } else {
      names.add(name);
    }
  }
  return { names, domains };
}

/**
 * Whether `hostname` (a `Host` header without its port) is one to answer.
 * Addresses and localhost names always are: no page can rebind them, since
 * the browser resolves them without asking DNS.
 */
function isAllowedHost(hostname: string, { names, domains }: HostList): boolean {
  // A fully qualified name's final dot names the same host.
  const name = hostname.toLowerCase().replace(/\.$/, '');
  const address = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIP(address) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return names.has(name) || domains.some((domain) => name.endsWith(domain));
}

/**
 * An `onRequest` hook for /graphql: a `Host` not on the list gets 421
 * Misdirected Request, the status for a request this server will not
 * answer for the name it was sent to. After refuseUnreadableHost, so the
 * header is there and parses.
 */
export function refuseUnknownHosts(allowed: readonly string[]): onRequestHookHandler {
  const list = hostList(allowed);
  return (request, reply, done) => {
    if (isAllowedHost(request.hostname, list)) return done();
    void reply
      .code(421)
      .send(
        errorBody('This gateway does not answer for the host the request names.', 'BAD_REQUEST'),
      );
  };
}
