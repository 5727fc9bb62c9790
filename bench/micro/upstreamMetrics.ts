/**
 * What the upstream metrics cost a request: `npx tsx bench/micro/upstreamMetrics.ts`
 * prints microseconds for the 20 upstream calls of `accounts(ids)` as
 * src/observability/recordMetrics.ts records them (a counter and a histogram per call),
 * and for the request's own instruments (duration, calls per operation), on
 * the gateway's registry, in interleaved rounds.
 */
import { createGatewayMetrics } from '../../src/observability/metrics.js';
import { recordRequests, recordUpstream } from '../../src/observability/recordMetrics.js';
import type { RequestSummary } from '../../src/observability/requestSummary.js';
import type { UpstreamAttempt, UpstreamScope } from '../../src/upstream/client.js';
import { microsEach, printInterleaved } from './interleaved.js';

const CALLS = 20;
const metrics = createGatewayMetrics();
const upstream = recordUpstream(metrics);
const request = recordRequests(metrics);

const attempts: UpstreamAttempt[] = Array.from({ length: CALLS }, (_, n) => ({
  endpoint: '/account/v4/{id}',
  status: 200,
  durationMs: 3 + (n % 5),
  error: undefined,
  unreadable: [],
}));
const summary: RequestSummary = {
  requestId: 'r',
  operationName: 'AccountsWithDuplicates',
  sub: 'user-42',
  issuer: undefined,
  status: 200,
  durationMs: 9,
  upstreamCalls: CALLS,
  errorCodes: [],
  outcome: 'ok',
};
const scope = {} as UpstreamScope;

const cases: [string, () => void][] = [
  [
    `${CALLS} upstream calls`,
    () => {
      for (const attempt of attempts) upstream(attempt, scope);
    },
  ],
  ['the request', () => request(summary, undefined as never)],
];

printInterleaved(cases, (record) => microsEach(record, 20_000), 'request', 2);
