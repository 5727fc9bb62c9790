import type { AccountConnectionResolvers } from '../__generated__/resolvers-types.js';

export const AccountConnection: AccountConnectionResolvers = {
  nodes: (connection) => connection.edges.map((edge) => edge.node),
};
