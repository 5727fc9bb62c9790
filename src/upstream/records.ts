/**
 * The issuer's data as the gateway holds it: ids and amounts are strings with
 * exactly the digits the issuer sent, whatever JSON type carried them. These
 * types are the codegen mappers, so resolvers receive them as parents.
 */
import type { CustomerRole } from '../__generated__/resolvers-types.js';

/** A payment reference as the issuer sent it; `type` may be one we do not know yet. */
export interface PaymentReferenceRecord {
  number: string;
  type: string;
}

/** A postal address; every part optional. */
export interface AddressRecord {
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  city: string | null;
  zipCode: string | null;
  region: string | null;
  country: string | null;
}

export interface UsageLimitRecord {
  code: string;
  values: {
    code: string;
    singleAmount: string | null;
    sumAmount: string | null;
    count: number | null;
    reset: boolean | null;
    /** What the issuer reports as left of `sumAmount` and `count`. */
    availableAmount: string | null;
    availableCount: number | null;
  }[];
}

/**
 * A detail the issuer sent in a shape the gateway cannot read. Its field
 * fails rather than answer null, which a caller would take for "the issuer
 * says none" (no minimum to pay). It is the value itself, so that the type
 * makes every reader of a detail handle it.
 */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/** A detail's value, null when the issuer sent none, or UNREADABLE. */
export type Detail<T> = T | null | typeof UNREADABLE;

/** Fields only the single-account record (`GET /account/v4/{id}`) holds. */
export interface AccountDetails {
  segment: Detail<string>;
  reason: Detail<string>;
  address: Detail<AddressRecord>;
  minimumToPay: Detail<{ amount: string | null; percentage: string | null }>;
  usageLimits: Detail<UsageLimitRecord[]>;
}

/** The details, each of which fails its own field rather than the account when unreadable. */
export type UnreadableDetail = keyof AccountDetails;

/** An account as a list or the single-account endpoint returned it. */
export interface AccountRecord {
  id: string;
  customerId: string;
  /** Null for a top-level account (the issuer sends it empty or not at all). */
  parentId: string | null;
  number: string | null;
  name: string | null;
  status: string | null;
  currency: string | null;
  /** UNREADABLE when not a decimal number: that amount's field fails, not the account. */
  available: Detail<string>;
  balance: Detail<string>;
  creditLimit: Detail<string>;
  paymentReference: PaymentReferenceRecord | null;
  template: string | null;
  /** Present only when the record came from the single-account endpoint. */
  details?: AccountDetails;
}

/** An account known only by id: what `parent { id }` needs, at no upstream cost. */
export interface AccountRef {
  id: string;
}

/** What an `Account` resolver may receive as its parent. */
export type AccountParent = AccountRecord | AccountRef;

/** A customer known only by id; details and accounts load when selected. */
export interface CustomerRef {
  id: string;
}

/** The customer fields the gateway exposes, from `GET /customer/v3/{id}`. */
export interface CustomerRecord {
  id: string;
  role: CustomerRole | null;
  customerNumber: string | null;
  displayName: string | null;
  locale: string | null;
}

/**
 * One page of a customer's accounts, the parent of AccountConnection and its
 * PageInfo. Cursors are not kept: the page's seal is made only when a query
 * selects one of them.
 */
export interface AccountConnectionModel {
  customerId: string;
  /** Where `nodes[0]` sits in the customer's whole list of accounts. */
  offset: number;
  nodes: AccountRecord[];
  hasNextPage: boolean;
}

/** One account of a page and where it sits, the parent of AccountEdge. */
export interface AccountEdgeModel {
  /** The page the account came with; its cursors share one seal. */
  page: AccountConnectionModel;
  offset: number;
  node: AccountRecord;
}

export function isAccountRecord(account: AccountParent): account is AccountRecord {
  return 'customerId' in account;
}
