/**
 * An app's view of the gateway: pages through one customer's accounts with
 * @apollo/client and the typed `CustomerAccounts` operation, printing one
 * line per account.
 *
 *   [GATEWAY_TOKEN=JWT] npx tsx examples/pageAccounts.ts --customer 10000000005 \
 *     [--url http://localhost:4000/graphql] [--page-size 30] [--token JWT]
 *
 * The token is better given in GATEWAY_TOKEN: a command line shows in `ps`
 * and in the shell's history.
 *
 * Types come from examples/operations/*.graphql through graphql-codegen's
 * client preset (`npm run codegen`), so a field the schema lacks, or a
 * wrong variable, fails the type check rather than the request.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  CustomerAccountsDocument,
  type AccountSummaryFragment,
  type CustomerAccountsQuery,
} from './__generated__/graphql.js';

export interface PageAccountsOptions {
  /** The gateway's GraphQL endpoint. @default 'http://localhost:4000/graphql' */
  url?: string;
  /** A bearer token, when the gateway requires callers to sign in. */
  token?: string;
  /** Accounts per request, 1 to 100. @default 30 */
  pageSize?: number;
}

const DEFAULT_URL = 'http://localhost:4000/graphql';

/** A client for the gateway: bearer token in a header, never cookies. */
export function createClient({ url, token }: Pick<PageAccountsOptions, 'url' | 'token'> = {}) {
  return new ApolloClient({
    link: new HttpLink({
      uri: url ?? DEFAULT_URL,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
    cache: new InMemoryCache(),
  });
}

/** Yields the customer's accounts page by page, following `endCursor` until the last page. */
export async function* pageAccounts(
  client: ApolloClient,
  customerId: string,
  pageSize = 30,
): AsyncGenerator<AccountSummaryFragment[]> {
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(client, customerId, pageSize, after);
    if (!page) return;
    yield page.nodes;
    if (!page.pageInfo.hasNextPage) return;
    after = page.pageInfo.endCursor;
  }
}

type AccountPage = NonNullable<CustomerAccountsQuery['customer']>['accounts'];

async function fetchPage(
  client: ApolloClient,
  customerId: string,
  first: number,
  after: string | null,
): Promise<AccountPage | null> {
  const { data } = await client.query({
    query: CustomerAccountsDocument,
    variables: { customerId, first, after },
    // Each page is read once, so there is nothing to gain from the cache.
    fetchPolicy: 'no-cache',
  });
  return data?.customer?.accounts ?? null;
}

/** One line per account; amounts printed exactly as the gateway sent them. */
export function formatAccount(account: AccountSummaryFragment): string {
  const balance = account.balance
    ? `${account.balance.amount} ${account.balance.currency}`
    : 'no balance';
  return [account.id, account.number ?? '-', account.status ?? '-', balance].join('\t');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      customer: { type: 'string' },
      token: { type: 'string' },
      'page-size': { type: 'string', default: '30' },
    },
  });
  if (!values.customer) throw new Error('--customer is required: the customer id to list.');
  const pageSize = Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new Error(
      `--page-size must be a whole number from 1 to 100 (got ${values['page-size']})`,
    );
  }
  const url = values.url ?? DEFAULT_URL;
  const client = createClient({ url, token: values.token ?? process.env.GATEWAY_TOKEN });
  let accounts = 0;
  let pages = 0;
  try {
    for await (const page of pageAccounts(client, values.customer, pageSize)) {
      pages++;
      for (const account of page) {
        accounts++;
        console.log(formatAccount(account));
      }
    }
  } catch (error) {
    throw new Error(`${url}: ${describeFailure(error)}`, { cause: error });
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  console.log(`${plural(accounts, 'account')} in ${plural(pages, 'page')}`);
}

/** fetch says only "fetch failed"; the reason (refused, not found, reset) is its cause's. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
