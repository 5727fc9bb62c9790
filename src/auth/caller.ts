/** Who is asking, as far as authorization and the audit trail care. */
export interface Caller {
  /** The token's `sub`, or the audit user of an unauthenticated caller. */
  sub: string;
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
