import type { CustomerResolvers } from '../__generated__/resolvers-types.js';
import { assertMayReadCustomer } from '../auth/policy.js';
import type { GatewayContext } from '../context.js';
import type { CustomerRecord } from '../upstream/records.js';
import { parseFirst, parseId } from './args.js';
import { loadConnection } from './connection.js';
import { representationId } from './representation.js';
import { needsNoPage } from './selection.js';

export const Customer: CustomerResolvers = {
  // Federation entry point: no upstream call, only the authorization rule.
  // Async so a refusal fails only this representation: @apollo/subgraph maps
  // representations synchronously, and a throw would fail all of `_entities`.
  async __resolveReference(reference, { caller }) {
    const id = parseId(representationId(reference), 'representations[].id');
    assertMayReadCustomer(caller, id);
    return { id };
  },

  // Every path to a Customer is authorized already; these fields check again
  // so that a new path cannot open a customer's accounts or details by mistake.
  accounts(customer, args, context, info) {
    assertMayReadCustomer(context.caller, customer.id);
    const first = parseFirst(args.first);
    const offset = args.after == null ? 0 : context.cursors.decode(args.after, customer.id) + 1;
    // Nothing selected reads a node or looks past the window: no page to read.
    if (needsNoPage(info)) {
      return { customerId: customer.id, offset, nodes: [], hasNextPage: false };
    }
    return loadConnection(context, customer.id, offset, first);
  },

  role: async (customer, _args, context) => (await details(customer.id, context))?.role ?? null,
  customerNumber: async (customer, _args, context) =>
    (await details(customer.id, context))?.customerNumber ?? null,
  displayName: async (customer, _args, context) =>
    (await details(customer.id, context))?.displayName ?? null,
  locale: async (customer, _args, context) => (await details(customer.id, context))?.locale ?? null,
};

function details(id: string, { caller, loaders }: GatewayContext): Promise<CustomerRecord | null> {
  assertMayReadCustomer(caller, id);
  return loaders.customerById.load(id);
}
