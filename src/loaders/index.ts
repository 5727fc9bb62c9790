import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { createAccountByIdLoader, type AccountByIdLoader } from './accountById.js';
import {
  createAccountDetailsByIdLoader,
  type AccountDetailsByIdLoader,
} from './accountDetailsById.js';
import { createAccountPageLoader, type AccountPageLoader } from './accountPage.js';
import { createCustomerByIdLoader, type CustomerByIdLoader } from './customerById.js';

export type { AccountPageKey } from './accountPage.js';

/** Everything that decides how many REST calls a request makes. */
export interface Loaders {
  accountById: AccountByIdLoader;
  accountDetailsById: AccountDetailsByIdLoader;
  accountPage: AccountPageLoader;
  customerById: CustomerByIdLoader;
}

/** A fresh set for every request: a loader's cache is one caller's view of the data. */
export function createLoaders(client: EnfuceClient, scope: UpstreamScope): Loaders {
  const accountDetailsById = createAccountDetailsByIdLoader(client, scope);
  const accountById = createAccountByIdLoader(accountDetailsById);
  const accountPage = createAccountPageLoader(client, scope, {
    onAccount: (account) => accountById.prime(account.id, account),
  });
  return {
    accountById,
    accountDetailsById,
    accountPage,
    customerById: createCustomerByIdLoader(client, scope),
  };
}
