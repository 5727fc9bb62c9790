/** The issuer endpoints the simulator serves, by name. */
export type RouteName =
  | 'accountsOfCustomerV3'
  | 'accountsOfCustomerV4'
  | 'subAccounts'
  | 'accountV4'
  | 'accountV3'
  | 'customer';

/** Every route name, for validation. */
export const ROUTE_NAMES: readonly RouteName[] = [
  'accountsOfCustomerV3',
  'accountsOfCustomerV4',
  'subAccounts',
  'accountV4',
  'accountV3',
  'customer',
];

/** A request path resolved to a route; `id` is the decoded path parameter, not yet validated. */
export interface RouteMatch {
  route: RouteName;
  id: string;
}

// Order matters: `/account/v3/customer/1` must not be read as `/account/v3/{id}`.
// v3's single-account record is deprecated upstream and the gateway reads
// v4's; the simulator serves both, as the issuer does, so that a test can
// tell which one the gateway asks for.
const PATTERNS: readonly [RouteName, RegExp][] = [
  ['accountsOfCustomerV3', /^\/account\/v3\/customer\/([^/]+)$/],
  ['accountsOfCustomerV4', /^\/account\/v4\/customer\/([^/]+)$/],
  ['subAccounts', /^\/account\/v4\/subAccount\/([^/]+)$/],
  ['accountV4', /^\/account\/v4\/([^/]+)$/],
  ['accountV3', /^\/account\/v3\/([^/]+)$/],
  ['customer', /^\/customer\/v3\/([^/]+)$/],
];

/** Resolves a URL path (no query) to a route, or `undefined` when it is not one of ours. */
export function matchRoute(pathname: string): RouteMatch | undefined {
  for (const [route, pattern] of PATTERNS) {
    const raw = pattern.exec(pathname)?.[1];
    if (raw === undefined) continue;
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      // A broken escape such as `%zz` is still this route with an invalid id (400, not 404).
      id = raw;
    }
    return { route, id };
  }
  return undefined;
}

/** Whether the route answers a page of accounts (and so reads `page` and `size`). */
export function isListRoute(route: RouteName): boolean {
  return route !== 'accountV4' && route !== 'accountV3' && route !== 'customer';
}
