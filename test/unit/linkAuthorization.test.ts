/**
 * The authorization rule on links from one record to another. Every path to
 * a Customer is checked before it is reached (root field, `_entities`, the
 * issuer's answers checked against what was asked), so no request can get
 * here with a foreign customer today; these resolvers check again so that a
 * new path cannot open a customer by mistake.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import type { GatewayContext } from '../../src/context.js';
import { Account } from '../../src/resolvers/Account.js';
import { Customer } from '../../src/resolvers/Customer.js';
import type { AccountRecord } from '../../src/upstream/records.js';

const scoped: Caller = { sub: 'alice', customerId: '12', anyCustomer: false };
const loads: string[] = [];
const context = {
  caller: scoped,
  loaders: new Proxy(
    {},
    {
      get: (_t, name) => ({
        load: (key: unknown) => loads.push(`${String(name)} ${JSON.stringify(key)}`),
      }),
    },
  ),
} as unknown as GatewayContext;
const info = {} as GraphQLResolveInfo;

type AnyResolver = (
  parent: unknown,
  args: unknown,
  context: GatewayContext,
  info: GraphQLResolveInfo,
) => unknown;
const call = (resolver: unknown, parent: unknown, args: unknown = {}) =>
  Promise.resolve().then(() => (resolver as AnyResolver)(parent, args, context, info));

const FORBIDDEN = expect.objectContaining({
  extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
});

describe('links between records, for a customer-scoped caller', () => {
  const foreign = { id: '7', customerId: '99', parentId: null } as AccountRecord;

  it('Account.customer refuses an account of another customer', async () => {
    await expect(call(Account.customer, foreign)).rejects.toEqual(FORBIDDEN);
    await expect(call(Account.customer, { ...foreign, customerId: '12' })).resolves.toEqual({
      id: '12',
    });
  });

  it.each(['accounts', 'role', 'customerNumber', 'displayName', 'locale'] as const)(
    'Customer.%s refuses another customer without loading anything',
    async (field) => {
      loads.length = 0;
      await expect(call(Customer[field], { id: '99' })).rejects.toEqual(FORBIDDEN);
      expect(loads).toEqual([]);
    },
  );
});
