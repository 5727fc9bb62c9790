import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Account } from './Account.js';
import { AccountConnection } from './AccountConnection.js';
import { AccountEdge } from './AccountEdge.js';
import { Customer } from './Customer.js';
import { Decimal } from './Decimal.js';
import { PageInfo } from './PageInfo.js';
import { PaymentReference } from './PaymentReference.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = {
  Query,
  Customer,
  AccountConnection,
  AccountEdge,
  PageInfo,
  Account,
  PaymentReference,
  Decimal,
};
