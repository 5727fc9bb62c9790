import { Trace } from '@apollo/usage-reporting-protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const ACCOUNT = `query Account($id: ID!) { account(id: $id) { id balance { amount } } }`;
const TRACE = { 'apollo-federation-include-trace': 'ftv1' };

/** The protobuf trace as text: field names and error messages are stored as plain UTF-8. */
const traceText = (ftv1: unknown) => Buffer.from(String(ftv1), 'base64').toString('latin1');

const ftv1Of = (text: string) =>
  (JSON.parse(text) as { extensions: { ftv1: string } }).extensions.ftv1;

interface TraceTree {
  id: string | number;
  type?: string;
  parentType?: string;
  originalFieldName?: string;
  errors?: string[];
  children?: TraceTree[];
}

/** A trace node as a tree of what it says about each field, without its times. */
function treeOf(node: Trace.INode): TraceTree {
  // A list item's index is set only on its own node: 0 there is not the default.
  const isItem = (node as Trace.Node).id === 'index';
  const tree: TraceTree = { id: isItem ? Number(node.index) : (node.responseName ?? '') };
  if (node.type) tree.type = node.type;
  if (node.parentType) tree.parentType = node.parentType;
  if (node.originalFieldName) tree.originalFieldName = node.originalFieldName;
  if (node.error?.length) tree.errors = node.error.map((error) => error.message ?? '');
  if (node.child?.length) tree.children = node.child.map(treeOf);
  return tree;
}

/** Every node with a type (a resolved field), depth first. */
function resolvedFields(node: Trace.INode): Trace.INode[] {
  const below = (node.child ?? []).flatMap(resolvedFields);
  return node.type ? [node, ...below] : below;
}

describe('FEDERATED_TRACING', () => {
  let plain: Harness;
  let tracing: Harness;
  beforeAll(async () => {
    [plain, tracing] = await Promise.all([
      startHarness(),
      startHarness({ env: { FEDERATED_TRACING: 'true', ENFUCE_RETRIES: '0' } }),
    ]);
  });
  afterAll(() => Promise.all([plain.close(), tracing.close()]));

  it('is off unless set, and refuses anything but true or false', () => {
    expect(loadConfig({}).federatedTracing).toBe(false);
    expect(loadConfig({ FEDERATED_TRACING: 'true' }).federatedTracing).toBe(true);
    expect(() => loadConfig({ FEDERATED_TRACING: 'on' })).toThrow(ConfigError);
  });

  it('sends no trace by default, even to a router that asks', async () => {
    const reply = await plain.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts }, TRACE);
    expect(reply.errors).toBeUndefined();
    expect(JSON.parse(reply.text).extensions).toEqual({ upstream: { calls: 1 } });
  });

  it('sends a trace with every resolved field when asked, and only then', async () => {
    const variables = { id: FIXTURES.accountExactAmounts };
    const traced = await tracing.execute(ACCOUNT, variables, TRACE);
    expect(traced.data).toEqual({
      account: { id: FIXTURES.accountExactAmounts, balance: { amount: '1234.50' } },
    });
    const ftv1 = (JSON.parse(traced.text) as { extensions?: { ftv1?: unknown } }).extensions?.ftv1;
    expect(ftv1).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // Without errors the trace is encoded from the builder's rows (patches/README.md).
    const trace = Trace.decode(Buffer.from(String(ftv1), 'base64'));
    expect(treeOf(trace.root!)).toEqual({
      id: '',
      children: [
        {
          id: 'account',
          type: 'Account',
          parentType: 'Query',
          children: [
            { id: 'id', type: 'ID!', parentType: 'Account' },
            {
              id: 'balance',
              type: 'Money',
              parentType: 'Account',
              children: [{ id: 'amount', type: 'Decimal!', parentType: 'Money' }],
            },
          ],
        },
      ],
    });
    const duration = Number(trace.durationNs);
    expect(duration).toBeGreaterThan(0);
    for (const node of resolvedFields(trace.root!)) {
      expect(Number(node.startTime)).toBeLessThanOrEqual(Number(node.endTime));
      expect(Number(node.endTime)).toBeLessThanOrEqual(duration);
    }

    // Without the header the answer is the one a gateway without tracing gives.
    const untraced = await tracing.execute(ACCOUNT, variables);
    expect(untraced.text).toBe((await plain.execute(ACCOUNT, variables)).text);
  });

  it('traces each resolved field once, under its parent or list item, with errors where they happened', async () => {
    const parentId = (
      await tracing.execute<{ account: { parentId: string } }>(
        'query Parent($id: ID!) { account(id: $id) { parentId } }',
        { id: FIXTURES.accountWithGrandparent },
      )
    ).data.account.parentId;
    // The first entity's parent and the whole second entity fail.
    tracing.simulator.faults.add({ route: 'accountV4', id: parentId, status: 500, times: 1 });
    tracing.simulator.faults.add({
      route: 'accountV4',
      id: FIXTURES.accountExactAmounts,
      status: 500,
      times: 1,
    });
    const reply = await tracing.execute(
      `query Entities($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Account { id accountId: id balance { amount } parent { id number } }
        }
      }`,
      {
        representations: [FIXTURES.accountWithGrandparent, FIXTURES.accountExactAmounts].map(
          (id) => ({ __typename: 'Account', id }),
        ),
      },
      TRACE,
    );
    // The second entity fails in the first wave of calls, the parent in the second.
    expect(reply.errors?.map((error) => error.path)).toEqual([
      ['_entities', 1],
      ['_entities', 0, 'parent'],
    ]);
    const trace = Trace.decode(Buffer.from(ftv1Of(reply.text), 'base64'));
    const field = (id: string, type: string, more: Partial<TraceTree> = {}): TraceTree => ({
      id,
      type,
      parentType: 'Account',
      ...more,
    });
    expect(treeOf(trace.root!)).toEqual({
      id: '',
      children: [
        {
          id: '_entities',
          type: '[_Entity]!',
          parentType: 'Query',
          children: [
            {
              id: 0,
              children: [
                field('id', 'ID!'),
                field('accountId', 'ID!', { originalFieldName: 'id' }),
                field('balance', 'Money', {
                  children: [{ id: 'amount', type: 'Decimal!', parentType: 'Money' }],
                }),
                field('parent', 'Account', { errors: ['<masked>'] }),
              ],
            },
            { id: 1, errors: ['<masked>'] },
          ],
        },
      ],
    });
    // Every field's end was recorded, after its start and within the trace.
    const duration = Number(trace.durationNs);
    for (const node of resolvedFields(trace.root!)) {
      expect(Number(node.endTime)).toBeGreaterThan(0);
      expect(Number(node.startTime)).toBeLessThanOrEqual(Number(node.endTime));
      expect(Number(node.endTime)).toBeLessThanOrEqual(duration);
    }
  });

  it('masks error messages in the trace', async () => {
    tracing.simulator.faults.add({ route: 'accountV4', status: 500, times: 1 });
    const reply = await tracing.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts }, TRACE);
    expect(reply.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const text = traceText(ftv1Of(reply.text));
    expect(text).toContain('<masked>');
    expect(text).not.toContain(reply.errors![0]!.message);
  });
});

describe('FEDERATED_TRACING with GRAPHQL_JIT', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { FEDERATED_TRACING: 'true', GRAPHQL_JIT: 'true' } });
  });
  afterAll(() => harness.close());

  it('traces every field of a query compiled before the first traced request', async () => {
    const variables = { id: FIXTURES.accountExactAmounts };
    // Compiled now, while the schema's resolvers are still unwrapped.
    expect((await harness.execute(ACCOUNT, variables)).errors).toBeUndefined();
    const traced = await harness.execute(ACCOUNT, variables, TRACE);
    const ftv1 = (JSON.parse(traced.text) as { extensions?: { ftv1?: unknown } }).extensions?.ftv1;
    expect(traceText(ftv1)).toContain('balance');
    expect(traceText(ftv1)).toContain('amount');
  });
});
