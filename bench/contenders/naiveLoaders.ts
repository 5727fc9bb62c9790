/**
 * Loaders that neither batch nor cache: every `load()` is its own REST call,
 * as a resolver that calls the API directly for each field would make. The
 * "naive" baseline plugs these in to show what the real loaders save.
 */
import DataLoader from 'dataloader';
import type { Loaders } from '../../src/loaders/index.js';
import type { EnfuceClient, UpstreamScope } from '../../src/upstream/client.js';

const EACH_ITS_OWN = { batch: false, cache: false } as const;

// A loader without batching calls the batch function with exactly one key.
const single =
  <K, V>(fetch: (key: K) => Promise<V>) =>
  async (keys: readonly K[]): Promise<(V | Error)[]> => {
    try {
      return [await fetch(keys[0] as K)];
    } catch (error) {
      return [error instanceof Error ? error : new Error(String(error))];
    }
  };

export function createNaiveLoaders(client: EnfuceClient, scope: UpstreamScope): Loaders {
  const account = single((id: string) => client.getAccount(id, scope));
  return {
    accountById: new DataLoader(account, EACH_ITS_OWN),
    accountDetailsById: new DataLoader(account, EACH_ITS_OWN),
    accountPage: new DataLoader(
      single(({ customerId, page, size }) =>
        client.getAccountsOfCustomer(customerId, page, size, scope),
      ),
      EACH_ITS_OWN,
    ),
    customerById: new DataLoader(
      single((id: string) => client.getCustomer(id, scope)),
      EACH_ITS_OWN,
    ),
  } as Loaders;
}
