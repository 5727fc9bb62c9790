/** Who is asking, as far as authorization and the audit trail care. */
export interface Caller {
  /** The token's `sub`, or the audit user of an unauthenticated caller. */
  sub: string;
  /**
   * The token's `iss`, when it has one: a `sub` names one caller only
   * within its issuer, and a key set may hold the keys of several.
   */
  issuer?: string;
  /** Set for a customer-scoped token: the only customer it may read. */
  customerId: string | null;
  /** Whether the caller may read any customer (`accounts:read:any`, or auth off). */
  anyCustomer: boolean;
}

export const ANY_CUSTOMER_SCOPE = 'accounts:read:any';

/** A caller let in without a token (simulator, or `AUTH_DISABLED=true`). */
export function anonymousCaller(auditUser = 'anonymous'): Caller {
  return { sub: auditUser, customerId: null, anyCustomer: true };
}
