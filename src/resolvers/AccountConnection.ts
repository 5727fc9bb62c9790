import type { AccountConnectionResolvers } from '../__generated__/resolvers-types.js';

export const AccountConnection: AccountConnectionResolvers = {
  edges: (page) => page.nodes.map((node, index) => ({ page, offset: page.offset + index, node })),
  pageInfo: (page) => page,
};
