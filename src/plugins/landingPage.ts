/**
 * What `GET /graphql` with `Accept: text/html` answers. Outside production:
 * Apollo Sandbox embedded in the page, pointed at this endpoint, with an
 * example operation ready to run. The embed sends its requests from this
 * page, so they are same-origin and need no CORS. In production: no landing
 * page at all, so the endpoint serves no HTML and loads no third-party script.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** The operation Sandbox opens with: a customer's first accounts, with balances. */
export const EXAMPLE_OPERATION = `# A customer's card accounts, five at a time. Press Run; to see the next
# page, set "after" in Variables to the endCursor of this one.
query CustomerAccounts($customerId: ID!, $first: Int = 5, $after: String) {
  customer(id: $customerId) {
    id
    displayName
    accounts(first: $first, after: $after) {
      nodes {
        id
        number
        status
        balance {
          amount
          currency
        }
        available {
          amount
          currency
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
`;

export interface LandingPageOptions {
  /** Whether the gateway runs in production (`NODE_ENV=production`). */
  production: boolean;
  /**
   * The customer id the example operation asks for; a placeholder that needs
   * editing when unset.
   * @default undefined
   */
  exampleCustomerId?: string;
  /**
   * Whether callers need a bearer token: the example then carries an
   * `Authorization` header to fill in.
   * @default false
   */
  tokenRequired?: boolean;
}

export function landingPagePlugin(options: LandingPageOptions): ApolloServerPlugin {
  if (options.production) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    footer: false,
    // Tokens travel in a header the caller fills in; never the browser's cookies.
    includeCookies: false,
    embed: {
      // Whatever is explored here stays between the browser and this gateway.
      runTelemetry: false,
      endpointIsEditable: false,
      initialState: { pollForSchemaUpdates: false },
    },
    document: EXAMPLE_OPERATION,
    variables: { customerId: options.exampleCustomerId ?? 'a customer id: 1 to 32 digits' },
    headers: options.tokenRequired ? { Authorization: 'Bearer YOUR_TOKEN' } : {},
  });
}
