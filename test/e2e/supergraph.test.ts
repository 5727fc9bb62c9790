/**
 * The gateway inside a supergraph: its `_service` SDL is composed with
 * @apollo/composition next to a small "cards" subgraph written here, and the
 * result is served by @apollo/gateway in this process. Queries that cross
 * both subgraphs are checked for data, authorization and call counts.
 */
import http, { type RequestOptions } from 'node:http';
import https from 'node:https';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../helpers/harness.js';

const CARDS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])

  type Query {
    recentCards: [Card!]!
  }

  type Card @key(fields: "id") {
    id: ID!
    last4: String!
    account: Account
  }

  type Account @key(fields: "id") {
    id: ID!
    cards: [Card!]!
  }
`;

const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));

interface Card {
  id: string;
  last4: string;
  accountId: string;
}

/** A cards subgraph over a fixed list, served over HTTP on port 0. */
async function startCardsSubgraph(cards: Card[]) {
  const server = new ApolloServer({
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    schema: buildSubgraphSchema({
      typeDefs: parse(CARDS_SDL),
      resolvers: {
        Query: { recentCards: () => cards },
        Card: {
          account: (card: Card) => ({ id: card.accountId }),
        },
        Account: {
          __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
          cards: (account: { id: string }) => cards.filter((c) => c.accountId === account.id),
        },
      },
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, server };
}

interface Supergraph {
  url: string;
  /** Fetches the router sent to each subgraph, by subgraph name. */
  fetches: Record<string, number>;
  execute(
    query: string,
    headers?: Record<string, string>,
  ): Promise<{
    data: any;
    errors?: { path?: (string | number)[]; extensions?: { code?: string } }[];
  }>;
  close(): Promise<void>;
}

/** Composes the two subgraphs and serves the supergraph through @apollo/gateway. */
async function startSupergraph(harness: Harness, cards: Card[]): Promise<Supergraph> {
  const subgraph = await startCardsSubgraph(cards);
  // Composition reads the SDL as rover does; with auth on, any valid caller may.
  const service = { authorization: `Bearer ${await sign({ sub: 'composer' })}` };
  const enfuceSdl = (await harness.execute('{ _service { sdl } }', {}, service)).data._service.sdl;
  const composition = composeServices([
    { name: 'enfuce', typeDefs: parse(enfuceSdl), url: `${harness.url}/graphql` },
    { name: 'cards', typeDefs: parse(CARDS_SDL), url: subgraph.url },
  ]);
  if (composition.errors) {
    throw new Error(`Composition failed: ${composition.errors.map((e) => e.message).join('; ')}`);
  }

  const fetches: Record<string, number> = { enfuce: 0, cards: 0 };
  const gateway = new ApolloGateway({
    supergraphSdl: composition.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<{ authorization?: string }>({
        url,
        willSendRequest({ request, context }) {
          fetches[name] = (fetches[name] ?? 0) + 1;
          // The subgraph authorizes every record, so the caller's token travels with each fetch.
          if (context.authorization)
            request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const router = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(router, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });

  return {
    url,
    fetches,
    async execute(query, headers = {}) {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return (await response.body.json()) as Awaited<ReturnType<Supergraph['execute']>>;
    },
    async close() {
      await router.stop();
      await subgraph.server.stop();
    },
  };
}

const ACCOUNT_WITH_CARDS = /* GraphQL */ `
  {
    customer(id: "${FIXTURES.corporateCustomer}") {
      accounts(first: 4) {
        nodes {
          id
          number
          cards {
            id
            last4
          }
        }
      }
    }
  }
`;

const CARDS_WITH_ACCOUNT = /* GraphQL */ `
  {
    recentCards {
      id
      account {
        id
        number
        balance {
          amount
          currency
        }
      }
    }
  }
`;

/** The host of a `request` or `get` call of node:http or node:https, however its target was given. */
function hostOf(target: unknown): string {
  if (typeof target === 'string') return new URL(target).hostname;
  if (target instanceof URL) return target.hostname;
  const options = target as RequestOptions;
  return options.hostname ?? options.host ?? 'localhost';
}

describe('a supergraph of this gateway and a cards subgraph', () => {
  let harness: Harness;
  let supergraph: Supergraph;
  let cards: Card[];
  let accounts: { id: string; number: string }[];
  // @apollo/gateway and what it loads send their HTTP through node:http and
  // node:https (Apollo's usage reporting is https).
  const outbound = [
    vi.spyOn(http, 'request'),
    vi.spyOn(http, 'get'),
    vi.spyOn(https, 'request'),
    vi.spyOn(https, 'get'),
  ];

  beforeAll(async () => {
    harness = await startHarness();
    accounts = harness.simulator.data
      .accountsOf(FIXTURES.corporateCustomer)
      .slice(0, 4)
      .map((a) => ({ id: a.id, number: a.number }));
    cards = [
      { id: 'card-1', last4: '1111', accountId: accounts[0]!.id },
      { id: 'card-2', last4: '2222', accountId: accounts[2]!.id },
      { id: 'card-3', last4: '3333', accountId: accounts[0]!.id },
      { id: 'card-4', last4: '4444', accountId: FIXTURES.accountExactAmounts },
      { id: 'card-5', last4: '5555', accountId: accounts[2]!.id },
    ];
    supergraph = await startSupergraph(harness, cards);
  });
  afterAll(async () => {
    await supergraph?.close();
    await harness?.close();
    for (const spy of outbound) spy.mockRestore();
  });
  beforeEach(() => {
    harness.simulator.log.clear();
    supergraph.fetches.enfuce = 0;
    supergraph.fetches.cards = 0;
  });

  it('adds cards to this gateway’s accounts: one page upstream, one fetch per subgraph', async () => {
    const reply = await supergraph.execute(ACCOUNT_WITH_CARDS);

    expect(reply.errors).toBeUndefined();
    expect(reply.data.customer.accounts.nodes).toEqual(
      accounts.map((account) => ({
        ...account,
        cards: cards
          .filter((c) => c.accountId === account.id)
          .map(({ id, last4 }) => ({ id, last4 })),
      })),
    );
    expect(supergraph.fetches).toEqual({ enfuce: 1, cards: 1 });
    expect(harness.simulator.log.pageReads()).toHaveLength(1);
    expect(harness.simulator.log.accountReads()).toEqual([]);
    expect(harness.simulator.log.count()).toBe(1);
  });

  it('resolves the cards’ accounts through _entities: one upstream call per distinct account', async () => {
    const reply = await supergraph.execute(CARDS_WITH_ACCOUNT);

    expect(reply.errors).toBeUndefined();
    const exact = harness.simulator.data.account(FIXTURES.accountExactAmounts)!;
    expect(reply.data.recentCards[3]).toEqual({
      id: 'card-4',
      account: {
        id: FIXTURES.accountExactAmounts,
        number: exact.number,
        balance: { amount: '1234.50', currency: 'EUR' },
      },
    });
    expect(reply.data.recentCards.map((c: { account: { id: string } }) => c.account.id)).toEqual(
      cards.map((c) => c.accountId),
    );
    expect(supergraph.fetches).toEqual({ cards: 1, enfuce: 1 });
    const distinct = [...new Set(cards.map((c) => c.accountId))];
    expect([...harness.simulator.log.accountReads()].sort()).toEqual([...distinct].sort());
    expect(harness.simulator.log.count()).toBe(distinct.length);
  });

  it('makes no call beyond loopback: no usage telemetry, no cloud metadata probes', () => {
    // @apollo/gateway reports usage to Apollo and probes AWS, GCP, Azure and
    // Alibaba metadata addresses unless APOLLO_TELEMETRY_DISABLED is set
    // (vitest.config.ts); its fetches to the two subgraphs are the only calls.
    const calls = outbound.flatMap((spy) => spy.mock.calls);
    expect(calls.length).toBeGreaterThan(0);
    expect([...new Set(calls.map(([target]) => hostOf(target)))]).toEqual(['127.0.0.1']);
  });
});

describe('the supergraph under the authorization rule', () => {
  let harness: Harness;
  let supergraph: Supergraph;
  let otherAccount: string;

  beforeAll(async () => {
    harness = await startHarness({ auth: true });
    otherAccount = harness.simulator.data.accountsOf(FIXTURES.privateCustomer)[0]!.id;
    supergraph = await startSupergraph(harness, [
      { id: 'card-1', last4: '1111', accountId: FIXTURES.accountExactAmounts },
      { id: 'card-2', last4: '2222', accountId: otherAccount },
    ]);
  });
  afterAll(async () => {
    await supergraph?.close();
    await harness?.close();
  });

  it("keeps another customer's account from a customer-scoped caller", async () => {
    harness.simulator.log.clear();
    const token = await sign({ sub: 'app-user-7', customer_id: FIXTURES.corporateCustomer });

    const reply = await supergraph.execute(CARDS_WITH_ACCOUNT, {
      authorization: `Bearer ${token}`,
    });

    expect(reply.data.recentCards[0].account.id).toBe(FIXTURES.accountExactAmounts);
    // The router keeps the key it already holds from the cards subgraph; nothing
    // this subgraph knows about the account comes through.
    expect(reply.data.recentCards[1]).toEqual({
      id: 'card-2',
      account: { id: otherAccount, number: null, balance: null },
    });
    expect(reply.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['recentCards', 1, 'account'], 'FORBIDDEN'],
    ]);
    expect(new Set(harness.simulator.log.entries().map((e) => e.query.auditUser))).toEqual(
      new Set(['app-user-7']),
    );
  });
});
