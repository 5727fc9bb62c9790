import DataLoader from 'dataloader';
import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { canonicalId } from '../upstream/ids.js';
import type { CustomerRecord } from '../upstream/records.js';
import { toError } from './toError.js';

export type CustomerByIdLoader = DataLoader<string, CustomerRecord | null>;

/** Customer details (`GET /customer/v3/{id}`), fetched only when a detail field is selected. */
export function createCustomerByIdLoader(
  client: EnfuceClient,
  scope: UpstreamScope,
): CustomerByIdLoader {
  return new DataLoader<string, CustomerRecord | null>(
    (ids) => {
      scope.onBatch?.('customerById', ids.length);
      return Promise.all(ids.map((id) => client.getCustomer(id, scope).catch(toError)));
    },
    { name: 'customerById', cacheKeyFn: canonicalId },
  );
}
