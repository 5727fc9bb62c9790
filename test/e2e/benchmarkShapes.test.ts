/**
 * PERFORMANCE.md T3 and T4 on every commit: each benchmark shape costs the
 * fewest REST calls, in the fewest sequential waves, that can answer it.
 * The upstream is slowed to a steady 200 ms so that a pause of the gateway
 * between two calls of one wave (a GC, a CI core busy with other test files:
 * gateway and simulator share this thread) shorter than that cannot read as
 * a second wave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GATEWAY_VARS } from '../../bench/lib/contenders.js';
import { hostileOperations } from '../../bench/lib/hostile.js';
import { createShapes } from '../../bench/lib/shapes.js';
import { createSimulatorData, traceRequests } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('benchmark shapes, one request at a time', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      // As the benchmark runs the gateway: 20 root fields by alias are allowed.
      env: GATEWAY_VARS,
      simulator: { latency: { fixedMs: 200, jitterMs: 0 } },
    });
  });
  afterAll(() => harness.close());

  // The benchmark's and the harness's simulators both use seed 1.
  const shapes = createShapes(createSimulatorData(1)).filter((shape) => !shape.optIn);

  it("takes the benchmark's five shapes", () => {
    expect(shapes.map((shape) => shape.name)).toEqual([
      'customerPage',
      'customerPageWithParents',
      'customersByAlias',
      'accountsWithDuplicates',
      'entities',
    ]);
  });

  it.each(shapes.map((shape) => [shape.title, shape] as const))(
    '%s: exactly the minimum calls and waves',
    async (_title, shape) => {
      const operation = shape.operations.gateway!;
      const traced: { calls: number; waves: number }[] = [];
      for (const n of [0, 1]) {
        harness.simulator.log.clear();
        const requestId = `t3-${shape.name}-${n}`;
        const reply = await harness.execute(operation.query, operation.variables, {
          'x-request-id': requestId,
        });
        expect(reply.status).toBe(200);
        expect(reply.errors).toBeUndefined();
        const trace = traceRequests(harness.simulator.log.entries(), requestId)[requestId];
        expect(trace?.failed).toBe(0);
        // The count the answer reports is the one the issuer saw.
        expect(reply.extensions?.upstream?.calls).toBe(trace?.calls);
        traced.push({ calls: trace?.calls ?? 0, waves: trace?.waves ?? 0 });
      }
      // The second request repeats the first: nothing is cached across requests either.
      expect(traced).toEqual([shape.minimum, shape.minimum]);
    },
  );
});

describe("the fault mode's hostile requests (npm run bench -- --faults, L10)", () => {
  let harness: Harness;
  beforeAll(async () => {
    // The fault mode runs the gateway with its defaults.
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('has hostile requests to send', () => {
    expect(hostileOperations()).toHaveLength(4);
  });

  it.each(hostileOperations().map((operation, i) => [i, operation] as const))(
    'hostile request %i is refused before any upstream call',
    async (_i, operation) => {
      harness.simulator.log.clear();
      const reply = await request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(operation),
      });
      await reply.body.dump();
      expect(reply.statusCode).toBe(400);
      expect(harness.simulator.log.count()).toBe(0);
    },
  );
});
