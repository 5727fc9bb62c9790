import DataLoader from 'dataloader';
import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { canonicalId } from '../upstream/ids.js';
import type { AccountRecord } from '../upstream/records.js';
import { toError } from './toError.js';

export type AccountDetailsByIdLoader = DataLoader<string, AccountRecord | null>;

/**
 * Full account records (`GET /account/v4/{id}`), for one GraphQL request.
 *
 * The issuer reads accounts one id at a time, so a batch becomes one GET per
 * distinct id. DataLoader adds the dedupe: an id wanted by several fields is
 * fetched once. How many GETs run at once is the client's bulkhead's job.
 */
export function createAccountDetailsByIdLoader(
  client: EnfuceClient,
  scope: UpstreamScope,
): AccountDetailsByIdLoader {
  return new DataLoader<string, AccountRecord | null>(
    // One slot per key, in key order. A slot holding an Error fails only the
    // fields that asked for that id; `null` (the issuer's 404) is a value.
    (ids) => {
      scope.onBatch?.('accountDetailsById', ids.length);
      return Promise.all(ids.map((id) => client.getAccount(id, scope).catch(toError)));
    },
    { name: 'accountDetailsById', cacheKeyFn: canonicalId },
  );
}
