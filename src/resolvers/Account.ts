import { getNamedType, type GraphQLEnumType } from 'graphql';
import type { AccountResolvers, AccountStatus } from '../__generated__/resolvers-types.js';
import { assertMayReadCustomer } from '../auth/policy.js';
import type { GatewayContext } from '../context.js';
import {
  isAccountRecord,
  UNREADABLE,
  type AccountDetails,
  type AccountParent,
  type AccountRecord,
  type UnreadableDetail,
} from '../upstream/records.js';
import { UpstreamResponseError } from '../upstream/errors.js';
import { sameIssuerId } from '../upstream/ids.js';
import { readAccount } from './access.js';
import { parseId } from './args.js';
import { representationId } from './representation.js';
import { selectsOnlyId } from './selection.js';

// The parent is the issuer's record (see codegen.yml mappers), or an id-only
// reference when `parent { id }` was all that was asked. Fields whose name
// and type match the record (id, number, name, currency, template, parentId,
// customerId, paymentReference) use the default resolver.
export const Account: AccountResolvers = {
  // Federation entry point: the router sends only the @key fields. Always
  // loaded, because the authorization rule needs the owner. Async so a bad id
  // fails only its own representation (see Customer.__resolveReference).
  __resolveReference: async (reference, context) =>
    readAccount(context, parseId(representationId(reference), 'representations[].id')),

  // A status the issuer adds later fails this field alone, as an unusable
  // answer, instead of an unexpected error from the enum's serializer.
  status(account, _args, _context, info) {
    const { status } = recordOf(account);
    const known = getNamedType(info.returnType) as GraphQLEnumType;
    if (status !== null && known.getValue(status) === undefined) {
      throw new UpstreamResponseError('the account status is not one this gateway knows');
    }
    return status as AccountStatus | null;
  },

  available: (account) => money(recordOf(account), 'available'),
  balance: (account) => money(recordOf(account), 'balance'),
  creditLimit: (account) => money(recordOf(account), 'creditLimit'),

  // Customer is an id plus fields resolved later: no upstream call here. The
  // field is non-null, so a refusal empties the account around it; it can
  // fire only for an account that should never have reached this caller.
  customer(account, _args, { caller }) {
    const { customerId } = recordOf(account);
    assertMayReadCustomer(caller, customerId);
    return { id: customerId };
  },

  parent(account, _args, context, info) {
    const { parentId } = recordOf(account);
    if (parentId === null) return null;
    // Only its id (the contract's "a link whose selection is only id needs
    // no call"): that is this account's own parentId, which the caller
    // reads already, so even a parent at another customer tells nothing
    // new. Any other field reads the parent and authorizes it like a root
    // field would.
    if (selectsOnlyId(info)) return { id: parentId };
    return readAccount(context, parentId);
  },

  segment: async (account, _args, context, info) =>
    detail(await details(account, context), 'segment', info.fieldName),
  statusReason: async (account, _args, context, info) =>
    detail(await details(account, context), 'reason', info.fieldName),
  address: async (account, _args, context, info) =>
    detail(await details(account, context), 'address', info.fieldName),
  minimumToPay: async (account, _args, context, info) =>
    detail(await details(account, context), 'minimumToPay', info.fieldName),
  usageLimits: async (account, _args, context, info) =>
    detail(await details(account, context), 'usageLimits', info.fieldName),
};

function recordOf(account: AccountParent): AccountRecord {
  if (isAccountRecord(account)) return account;
  // selectsOnlyId() hands out a reference only when nothing but `id` is selected.
  throw new Error('An id-only account reference reached a field that needs the record.');
}

/** Fields only the single-account endpoint returns, read through it once per account. */
async function details(
  account: AccountParent,
  context: GatewayContext,
): Promise<AccountDetails | null> {
  if (isAccountRecord(account) && account.details) return account.details;
  const full = await context.loaders.accountDetailsById.load(account.id);
  // The account was authorized by the owner its list named: a record that
  // names another (moved since, or the issuer out of step with itself) must
  // not ride on that permission.
  if (full && isAccountRecord(account) && !sameIssuerId(full.customerId, account.customerId)) {
    throw new UpstreamResponseError("the account's record names another customer than its list");
  }
  return full?.details ?? null;
}

/**
 * One detail, or UPSTREAM_ERROR for this field alone (named as the caller
 * asked for it) when the issuer sent it in a shape it cannot read.
 */
function detail<K extends UnreadableDetail>(
  details: AccountDetails | null,
  field: K,
  fieldName: string,
): Exclude<AccountDetails[K], typeof UNREADABLE> {
  const value = details?.[field] ?? null;
  if (value === UNREADABLE) {
    throw new UpstreamResponseError(`the account's ${fieldName} has an unexpected shape`);
  }
  return value as Exclude<AccountDetails[K], typeof UNREADABLE>;
}

// Amounts stay strings end to end; Decimal never passes through a float.
function money(account: AccountRecord, field: 'available' | 'balance' | 'creditLimit') {
  const amount = account[field];
  if (amount === null) return null;
  if (amount === UNREADABLE) {
    throw new UpstreamResponseError(`the account's ${field} is not a decimal number`);
  }
  // A balance without its currency is not a sum anyone can read: the field
  // fails rather than vanish as if the issuer had sent none.
  if (account.currency === null) {
    throw new UpstreamResponseError(`the account's ${field} came without a currency`);
  }
  return { amount, currency: account.currency };
}
