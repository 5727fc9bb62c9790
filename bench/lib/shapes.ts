/**
 * The benchmark's query shapes, each written once for this project's schema
 * and once for the schema Mesh generates from the OpenAPI description, with
 * the least number of REST calls and waves that can answer it, worked out
 * from the simulator's dataset (PERFORMANCE.md §8.1).
 */
import { FIXTURES, type SimulatorData } from '../../src/simulator/index.js';

/** Which schema an operation is written against. */
export type Dialect = 'gateway' | 'mesh';

export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
  /** Headers sent with every request besides the per-request id and audit user. */
  headers?: Record<string, string>;
}

export interface Shape {
  name: string;
  title: string;
  /** The operation per dialect; a dialect without one does not run the shape. */
  operations: Partial<Record<Dialect, Operation>>;
  /** The fewest REST calls and sequential waves that can answer it. */
  minimum: { calls: number; waves: number };
  /** Runs only when `--shapes` names it. */
  optIn?: boolean;
}

const PAGE = 30;

const ACCOUNT_FIELDS = `id number status currency
  balance { amount currency } available { amount currency }
  paymentReference { type number }`;
const MESH_ACCOUNT_FIELDS =
  'id number status currency balance available paymentReference { type number }';

export function createShapes(data: SimulatorData): Shape[] {
  return [
    customerPage(false),
    customerPage(true, data),
    customersByAlias(data),
    accountsWithDuplicates(data),
    entities(data),
    entitiesTraced(data),
  ];
}

function customerPage(withParents: boolean, data?: SimulatorData): Shape {
  const customerId = FIXTURES.customerWith75;
  const parent = withParents ? `parent { ${ACCOUNT_FIELDS} }` : '';
  const meshParent = withParents ? `parent { ... on AccountV4 { ${MESH_ACCOUNT_FIELDS} } }` : '';
  let minimum = { calls: 1, waves: 1 };
  if (withParents && data) {
    // The page read holds the window plus one look-ahead account; parents
    // among those are primed, the rest need one GET each.
    const fetched = data.accountsOf(customerId).slice(0, PAGE + 1);
    const present = new Set(fetched.map((account) => account.id));
    const missing = new Set(
      fetched
        .slice(0, PAGE)
        .map((account) => account.parentId)
        .filter((id): id is string => id !== undefined && id !== '' && !present.has(id)),
    );
    minimum = { calls: 1 + missing.size, waves: missing.size > 0 ? 2 : 1 };
  }
  return {
    name: withParents ? 'customerPageWithParents' : 'customerPage',
    title: withParents ? 'customer page, with parents' : 'customer page, no links',
    operations: {
      gateway: {
        query: `query CustomerPage($id: ID!) { customer(id: $id) { id accounts(first: ${PAGE}) {
          edges { cursor node { ${ACCOUNT_FIELDS} parentId ${parent} } }
          pageInfo { hasNextPage endCursor } } } }`,
        variables: { id: customerId },
      },
      mesh: {
        query: `query CustomerPage($id: String!) {
          listAccountsByCustomerV4(customerId: $id, page: 0, size: ${PAGE + 1}) {
            ... on AccountSummaryV4 { ${MESH_ACCOUNT_FIELDS} parentId ${meshParent} } } }`,
        variables: { id: customerId },
      },
    },
    minimum,
  };
}

function customersByAlias(data: SimulatorData): Shape {
  const ids = data
    .customerIds()
    .filter((id) => data.accountsOf(id).length >= 3)
    .slice(0, 20);
  const gateway = ids.map(
    (id, i) => `c${i}: customer(id: "${id}") { id accounts(first: 5) {
      nodes { ${ACCOUNT_FIELDS} } pageInfo { hasNextPage } } }`,
  );
  const mesh = ids.map(
    (id, i) => `c${i}: listAccountsByCustomerV4(customerId: "${id}", page: 0, size: 6) {
      ... on AccountSummaryV4 { ${MESH_ACCOUNT_FIELDS} } }`,
  );
  return {
    name: 'customersByAlias',
    title: '20 customers by alias',
    operations: {
      gateway: { query: `query Customers { ${gateway.join('\n')} }` },
      mesh: { query: `query Customers { ${mesh.join('\n')} }` },
    },
    minimum: { calls: ids.length, waves: 1 },
  };
}

/** 20 distinct accounts of generated customers, the first 10 asked for twice. */
function someAccountIds(data: SimulatorData, count: number, skip = 0): string[] {
  const ids: string[] = [];
  for (const customerId of data.customerIds().slice(100)) {
    for (const account of data.accountsOf(customerId)) ids.push(account.id);
    if (ids.length >= count + skip) break;
  }
  return ids.slice(skip, skip + count);
}

function accountsWithDuplicates(data: SimulatorData): Shape {
  const distinct = someAccountIds(data, 20);
  const ids = [...distinct, ...distinct.slice(0, 10)];
  const mesh = ids.map(
    (id, i) =>
      `a${i}: getAccountV4(id: "${id}") { ... on AccountV4 { ${MESH_ACCOUNT_FIELDS} customerId parentId } }`,
  );
  return {
    name: 'accountsWithDuplicates',
    title: 'accounts(ids), 30 ids, 20 distinct',
    operations: {
      gateway: {
        query: `query Accounts($ids: [ID!]!) { accounts(ids: $ids) {
          ${ACCOUNT_FIELDS} creditLimit { amount currency } customerId parentId } }`,
        variables: { ids },
      },
      mesh: { query: `query Accounts { ${mesh.join('\n')} }` },
    },
    minimum: { calls: distinct.length, waves: 1 },
  };
}

/** 50 representations: 35 accounts (30 distinct) and 15 customers, which need no call. */
function entities(data: SimulatorData): Shape {
  const accounts = someAccountIds(data, 30, 40);
  const customers = data.customerIds().slice(200, 215);
  const representations = [
    ...accounts.map((id) => ({ __typename: 'Account', id })),
    ...accounts.slice(0, 5).map((id) => ({ __typename: 'Account', id })),
    ...customers.map((id) => ({ __typename: 'Customer', id })),
  ];
  const meshIds = representations.filter((r) => r.__typename === 'Account').map((r) => r.id);
  const mesh = meshIds.map(
    (id, i) =>
      `e${i}: getAccountV4(id: "${id}") { ... on AccountV4 { ${MESH_ACCOUNT_FIELDS} customerId } }`,
  );
  return {
    name: 'entities',
    title: '_entities, 50 representations',
    operations: {
      gateway: {
        query: `query Entities($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Account { ${ACCOUNT_FIELDS} customerId } ... on Customer { id } } }`,
        variables: { representations },
      },
      // Mesh serves no `_entities`; the same accounts by alias stand in.
      mesh: { query: `query Entities { ${mesh.join('\n')} }` },
    },
    minimum: { calls: accounts.length, waves: 1 },
  };
}

/**
 * `_entities` as a router asks for it with federated tracing (ftv1) on:
 * against `gateway-ftv1`, what the traces cost (PERFORMANCE.md T8).
 */
function entitiesTraced(data: SimulatorData): Shape {
  const plain = entities(data);
  return {
    ...plain,
    name: 'entitiesTraced',
    title: '_entities, 50 representations, ftv1 trace asked for',
    operations: {
      gateway: {
        ...plain.operations.gateway!,
        headers: { 'apollo-federation-include-trace': 'ftv1' },
      },
    },
    optIn: true,
  };
}
