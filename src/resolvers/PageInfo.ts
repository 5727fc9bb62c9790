import type { PageInfoResolvers } from '../__generated__/resolvers-types.js';

export const PageInfo: PageInfoResolvers = {
  hasPreviousPage: ({ offset }) => offset > 0,
  startCursor: (page, _args, { cursors }) =>
    page.nodes.length > 0 ? cursors.encode(page, page.offset) : null,
  endCursor: (page, _args, { cursors }) =>
    page.nodes.length > 0 ? cursors.encode(page, page.offset + page.nodes.length - 1) : null,
};
