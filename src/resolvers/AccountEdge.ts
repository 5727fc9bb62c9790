import type { AccountEdgeResolvers } from '../__generated__/resolvers-types.js';

export const AccountEdge: AccountEdgeResolvers = {
  cursor: ({ page, offset }, _args, { cursors }) => cursors.encode(page, offset),
};
