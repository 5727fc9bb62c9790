import type { AccountConnectionResolvers } from '../__generated__/resolvers-types.js';

export const AccountConnection: AccountConnectionResolvers = {
  edges: ({ customerId, offset, nodes }) =>
    nodes.map((node, index) => ({ customerId, offset: offset + index, node })),
  pageInfo: (connection) => connection,
};
