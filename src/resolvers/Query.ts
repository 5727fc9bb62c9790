import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { assertMayReadCustomer } from '../auth/policy.js';
import type { AccountRecord } from '../upstream/records.js';
import { readAccount } from './access.js';
import { parseId, parseIds } from './args.js';

export const Query: QueryResolvers = {
  // No upstream call: a Customer is an id until one of its fields needs more.
  customer(_root, args, { caller }) {
    const id = parseId(args.id);
    assertMayReadCustomer(caller, id);
    return { id };
  },

  account: (_root, args, context) => readAccount(context, parseId(args.id)),

  // Every id is checked before any call; then one promise per slot, so an
  // account that fails or is forbidden nulls only its own slot. graphql-js
  // completes list slots one by one; codegen's wrapper type cannot express a
  // slot whose promise may hold null, hence the widening.
  accounts: (_root, args, context) =>
    parseIds(args.ids).map((id) => readAccount(context, id) as Promise<AccountRecord>),
};
