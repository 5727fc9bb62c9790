import type { AccountEdgeResolvers } from '../__generated__/resolvers-types.js';

export const AccountEdge: AccountEdgeResolvers = {
  cursor: ({ customerId, offset }, _args, { cursors }) => cursors.encode(customerId, offset),
};
