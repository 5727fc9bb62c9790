import type { PageInfoResolvers } from '../__generated__/resolvers-types.js';

export const PageInfo: PageInfoResolvers = {
  hasPreviousPage: ({ offset }) => offset > 0,
  startCursor: ({ customerId, offset, nodes }, _args, { cursors }) =>
    nodes.length > 0 ? cursors.encode(customerId, offset) : null,
  endCursor: ({ customerId, offset, nodes }, _args, { cursors }) =>
    nodes.length > 0 ? cursors.encode(customerId, offset + nodes.length - 1) : null,
};
