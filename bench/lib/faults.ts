/**
 * Fault mode (RELIABILITY.md §7.2, rows L3 and L6 to L11): the gateway under
 * closed-loop load on the customer page while the simulator misbehaves (or,
 * L11, while the gateway's own process is told to stop), one newly started
 * gateway per scenario, with the gateway's own defaults (not the
 * comparison's raised socket and queue limits). What counts is how it
 * fails: the codes and statuses callers see, how long they wait, what the
 * issuer is asked meanwhile. A clean pass first gives the latencies the
 * others are compared with. Written to `bench/results/faults-<stamp>.json`
 * and `.md`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { FaultRule } from '../../src/simulator/faultRule.js';
import { loadConfig } from '../../src/config.js';
import { POLICY_DEFAULTS } from '../../src/upstream/policy.js';
import { createSimulatorData } from '../../src/simulator/index.js';
import type { Child } from './children.js';
import { CONTENDERS, inProcessEnv, type ContenderSpec } from './contenders.js';
import { hostileOperations } from './hostile.js';
import { headersFor } from './load.js';
import type { BenchOptions } from './options.js';
import { stamp } from './report.js';
import { createShapes, type Operation } from './shapes.js';
import { percentile } from './stats.js';

/** One request as the caller saw it. */
export interface Sent {
  /** ms since the pass began */
  startedAt: number;
  endedAt: number;
  /** 0: no HTTP answer (socket error or the caller's 30 s timeout). */
  status: number;
  /** Distinct `extensions.code` values in the answer. */
  codes: string[];
  /** HTTP 200 with data and no errors. */
  ok: boolean;
  hostile: boolean;
}

export interface Figure {
  name: string;
  value: string;
  target: string;
  /** null: recorded, no target to meet. */
  met: boolean | null;
}

export interface ScenarioResult {
  id: string;
  title: string;
  settings: Record<string, string | number>;
  requests: number;
  /** HTTP status (0: none) → count. */
  statuses: Record<string, number>;
  /** Error code → answers carrying it. */
  codes: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  upstreamCalls: number;
  upstreamMaxInFlight: number;
  rssPeakMb: number;
  figures: Figure[];
}

const CLIENT_TIMEOUT_MS = 30_000;
/** The gateway's default SHUTDOWN_GRACE_MS. */
const SHUTDOWN_GRACE_MS = loadConfig({}).operations.shutdownGraceMs;
/** The gateway's own limits, which every scenario runs with. */
const SOCKETS = POLICY_DEFAULTS.maxConcurrent;
const ATTEMPTS = POLICY_DEFAULTS.retries + 1;
const BREAKER_THRESHOLD = POLICY_DEFAULTS.breakerThreshold;
const DEADLINE_MS = 2000;

interface Pass {
  sent: Sent[];
  upstreamCalls: number;
  upstreamMaxInFlight: number;
  rssPeakMb: number;
  /** The gateway's CPU time over the pass, microseconds. */
  cpuMicros: number;
}

interface Load {
  connections: number;
  seconds: number;
  /** The body of request `n`, and whether it is hostile. */
  pick?: (n: number) => { operation: Operation; hostile: boolean };
  /** Called this many ms into the pass (a fault switched off, say), with the ms it actually ran at. */
  at?: { ms: number; run: (elapsedMs: number) => Promise<void> };
  /** Stops sending once true (the gateway has exited, say). */
  until?: () => boolean;
}

export async function runFaults(
  options: BenchOptions,
  simulator: Child,
  start: (spec: ContenderSpec) => Promise<Child>,
): Promise<ScenarioResult[]> {
  const shape = createShapes(createSimulatorData(1)).find((s) => s.name === 'customerPage')!;
  const page = shape.operations.gateway!;
  const seconds = options.faultSeconds;
  const gatewaySpec = CONTENDERS.find((spec) => spec.name === 'gateway')!;
  const results: ScenarioResult[] = [];

  /**
   * A newly started gateway (`spec`; by default the in-process one with `env`
   * over its defaults), warmed up on a healthy issuer so the figures are not
   * a cold start's, then `load` against it with `faults` on, and the
   * simulator's counts. A load that makes the gateway exit leaves its CPU and
   * RSS unread.
   */
  const scenario = async (
    env: Record<string, string>,
    load: Load | ((child: Child) => Load),
    faults: FaultRule[] = [],
    spec: ContenderSpec = { ...gatewaySpec, env: inProcessEnv(env) },
  ): Promise<Pass> => {
    const child = await start(spec);
    try {
      await closedLoop(child.url, { connections: 4, seconds: 2 }, page);
      await simulator.call('clear');
      await simulator.call('resetGauge');
      for (const rule of faults) await simulator.call('addFault', rule);
      const cpuBefore = (await child.stats()).cpuMicros;
      const sent = await closedLoop(
        child.url,
        typeof load === 'function' ? load(child) : load,
        page,
      );
      const after = isRunning(child.pid) ? await child.stats() : undefined;
      return {
        cpuMicros: after ? after.cpuMicros - cpuBefore : NaN,
        sent,
        upstreamCalls: await simulator.call<number>('count'),
        upstreamMaxInFlight: await simulator.call<number>('maxInFlight'),
        rssPeakMb: after ? after.maxRss / 1e6 : NaN,
      };
    } finally {
      await simulator.call('clearFaults');
      await simulator.call('setLatency', {
        fixedMs: options.upstreamMs,
        jitterMs: options.jitterMs,
      });
      await child.stop();
    }
  };
  const report = (
    id: string,
    title: string,
    settings: ScenarioResult['settings'],
    pass: Pass,
    figures: Figure[],
  ) => {
    const result = summarize(id, title, settings, pass, figures);
    results.push(result);
    process.stderr.write(`${id}: ${figures.map((f) => `${f.name} ${f.value}`).join('; ')}\n`);
  };
  const connections = 16;

  const clean = await scenario({}, { connections, seconds });
  const cleanP50 = percentile(latencies(clean.sent.filter((r) => r.ok)), 50);
  const cleanP99 = percentile(latencies(clean.sent.filter((r) => r.ok)), 99);
  report('clean', 'no faults: the figures the others are compared with', { connections }, clean, [
    figure(
      'answered whole',
      share(clean.sent, (r) => r.ok),
      '100 %',
      allOk(clean.sent),
    ),
    figure('p50 / p99', `${ms(cleanP50)} / ${ms(cleanP99)}`, '–', null),
  ]);

  // L3: far more callers than upstream sockets, on a slow issuer.
  await simulator.call('setLatency', { fixedMs: 200, jitterMs: 0 });
  const l3 = await scenario({}, { connections: 200, seconds });
  const l3Statuses = countBy(l3.sent, (r) => String(r.status));
  report(
    'L3',
    `200 connections, upstream latency 200 ms, default limits (${SOCKETS} sockets)`,
    { connections: 200, upstreamMs: 200 },
    l3,
    [
      figure(
        'most concurrent upstream calls',
        String(l3.upstreamMaxInFlight),
        `≤ ${SOCKETS}`,
        l3.upstreamMaxInFlight <= SOCKETS,
      ),
      figure('HTTP statuses', describeStatuses(l3Statuses), '–', null),
      figure('error codes', describeCodes(l3.sent), 'UPSTREAM_UNAVAILABLE past the queue', null),
      figure(
        'gateway 5xx (load shedding included)',
        String(count(l3.sent, (r) => r.status >= 500)),
        '0',
        count(l3.sent, (r) => r.status >= 500) === 0,
      ),
    ],
  );

  // L6: an issuer that never answers.
  const l6 = await scenario(
    { ENFUCE_TIMEOUT_MS: String(DEADLINE_MS) },
    { connections: 100, seconds },
    [{ route: 'accountsOfCustomerV4', hang: true }],
  );
  const l6Times = latencies(l6.sent);
  const withinDeadline = (r: Sent) => r.endedAt - r.startedAt <= DEADLINE_MS + 500;
  const atDeadlineTimedOut = (r: Sent) =>
    Math.abs(r.endedAt - r.startedAt - DEADLINE_MS) <= 500 && r.codes.includes('UPSTREAM_TIMEOUT');
  report(
    'L6',
    `issuer hangs, 100 connections, ENFUCE_TIMEOUT_MS=${DEADLINE_MS}`,
    { connections: 100, deadlineMs: DEADLINE_MS },
    l6,
    [
      figure(
        'answered by the deadline + 0.5 s',
        share(l6.sent, withinDeadline),
        '100 %',
        l6.sent.every(withinDeadline),
      ),
      figure(
        'answered at the deadline ± 0.5 s with UPSTREAM_TIMEOUT',
        share(l6.sent, atDeadlineTimedOut),
        '100 %',
        l6.sent.every(atDeadlineTimedOut),
      ),
      figure('error codes', describeCodes(l6.sent), 'UPSTREAM_TIMEOUT', null),
      figure(
        'response time min / p50 / max',
        `${ms(percentile(l6Times, 0))} / ${ms(percentile(l6Times, 50))} / ${ms(percentile(l6Times, 100))}`,
        '≈ deadline',
        null,
      ),
      figure(
        'gateway 5xx',
        String(count(l6.sent, (r) => r.status >= 500)),
        '0',
        count(l6.sent, (r) => r.status >= 500) === 0,
      ),
      figure(
        'most concurrent upstream calls',
        String(l6.upstreamMaxInFlight),
        `≤ ${SOCKETS}`,
        l6.upstreamMaxInFlight <= SOCKETS,
      ),
      figure('peak RSS', `${l6.rssPeakMb.toFixed(0)} MB`, 'bounded', null),
    ],
  );

  // L7: every call fails with 503 for a while, then the issuer recovers. At
  // 200 ms an answer, failing fast while the circuit is open shows.
  await simulator.call('setLatency', { fixedMs: 200, jitterMs: 0 });
  const openMs = seconds * 1000;
  const whileFailing = { calls: 0 };
  const halfOpenMs = 1000;
  const l7 = await scenario(
    { ENFUCE_BREAKER_HALF_OPEN_MS: String(halfOpenMs) },
    {
      connections,
      seconds: seconds + 5,
      at: {
        ms: openMs,
        run: async () => {
          whileFailing.calls = await simulator.call<number>('count');
          await simulator.call('clearFaults');
        },
      },
    },
    [{ route: 'accountsOfCustomerV4', status: 503 }],
  );
  // Open from the first answer the circuit refused at once, not from a guess.
  const openedAt =
    l7.sent
      .filter((r) => r.codes.includes('UPSTREAM_UNAVAILABLE') && r.endedAt - r.startedAt < 100)
      .map((r) => r.startedAt)
      .sort((a, b) => a - b)[0] ?? openMs;
  const duringOpen = l7.sent.filter((r) => r.startedAt >= openedAt && r.endedAt < openMs);
  const firstSuccess = l7.sent
    .filter((r) => r.ok)
    .map((r) => r.endedAt)
    .sort((a, b) => a - b)[0];
  const recoveryMs = firstSuccess === undefined ? NaN : firstSuccess - openMs;
  // The circuit opens on a call's last attempt: every call under way by
  // then finishes its retries. Then one probe per half-open period, which
  // a failure ends (its retry finds the circuit open again).
  const callBound = (BREAKER_THRESHOLD + connections) * ATTEMPTS + Math.ceil(openMs / halfOpenMs);
  report(
    'L7',
    `issuer answers 503 (after 200 ms) to every call for ${seconds} s, then recovers; ENFUCE_BREAKER_HALF_OPEN_MS=${halfOpenMs}`,
    { connections, failingSeconds: seconds, halfOpenMs },
    l7,
    [
      figure(
        'upstream calls while failing',
        String(whileFailing.calls),
        `≤ ${callBound}: the ${connections} calls under way and ${BREAKER_THRESHOLD} more, each with its retries, then 1 probe per ${halfOpenMs} ms`,
        whileFailing.calls <= callBound,
      ),
      figure(
        'p99 while the circuit is open',
        ms(percentile(latencies(duringOpen), 99)),
        "≪ 200 ms, the issuer's latency",
        null,
      ),
      figure(
        'codes while open',
        describeCodes(duringOpen),
        'UPSTREAM_UNAVAILABLE',
        duringOpen.every((r) => r.codes.join() === 'UPSTREAM_UNAVAILABLE'),
      ),
      figure(
        'first whole answer after recovery',
        ms(recoveryMs),
        `≤ ${halfOpenMs} ms + one probe (200 ms) + 300 ms of slack`,
        recoveryMs <= halfOpenMs + 200 + 300,
      ),
    ],
  );

  // L8: one call in five fails with 503.
  const l8 = await scenario({}, { connections, seconds }, [
    { route: 'accountsOfCustomerV4', status: 503, probability: 0.2 },
  ]);
  const amplification = l8.upstreamCalls / (l8.sent.length * shape.minimum.calls);
  report('L8', '20 % of upstream calls answer 503', { connections, probability: 0.2 }, l8, [
    figure(
      'answered whole',
      share(l8.sent, (r) => r.ok),
      '≥ 99 %',
      count(l8.sent, (r) => r.ok) >= 0.99 * l8.sent.length,
    ),
    figure(
      'upstream amplification (calls ÷ logical calls)',
      amplification.toFixed(3),
      '≤ 1.3',
      amplification <= 1.3,
    ),
  ]);

  // L9: one call in ten takes 2 s, well inside the deadline. At least 10 s,
  // so that enough 2 s calls end for the p99 to show them.
  const l9 = await scenario({}, { connections, seconds: Math.max(seconds, 10) }, [
    { route: 'accountsOfCustomerV4', latencyMs: 2000, probability: 0.1 },
  ]);
  const l9Ok = latencies(l9.sent.filter((r) => r.ok));
  const p50Ratio = percentile(l9Ok, 50) / cleanP50;
  report(
    'L9',
    '10 % of upstream calls delayed 2 s, deadline 10 s',
    { connections, delayMs: 2000, probability: 0.1 },
    l9,
    [
      figure('p50 ÷ clean p50', p50Ratio.toFixed(2), '≤ 1.1', p50Ratio <= 1.1),
      figure('p99', ms(percentile(l9Ok, 99)), '≈ 2 s', null),
      figure(
        'timeouts',
        String(count(l9.sent, (r) => r.codes.includes('UPSTREAM_TIMEOUT') || r.status === 0)),
        '0',
        count(l9.sent, (r) => r.codes.includes('UPSTREAM_TIMEOUT') || r.status === 0) === 0,
      ),
    ],
  );

  // L10: one request in ten is an attack on the operation limits.
  const hostile = hostileOperations();
  const l10 = await scenario(
    {},
    {
      connections,
      seconds,
      pick: (n) =>
        n % 10 === 9
          ? { operation: hostile[Math.floor(n / 10) % hostile.length]!, hostile: true }
          : { operation: page, hostile: false },
    },
  );
  const legit = l10.sent.filter((r) => !r.hostile);
  const refused = l10.sent.filter((r) => r.hostile);
  const legitRatio = percentile(latencies(legit.filter((r) => r.ok)), 99) / cleanP99;
  const legitCalls = legit.length * shape.minimum.calls;
  // What the hostile requests cost beyond the legitimate ones, at the clean run's CPU each.
  const cleanCpuPerRequest = clean.cpuMicros / clean.sent.length;
  const hostileCpu = (l10.cpuMicros - legit.length * cleanCpuPerRequest) / refused.length;
  report(
    'L10',
    '10 % of requests hostile (Q1 depth, Q4 aliases, Q6 directives, Q8 overlapping fields; hostile.ts)',
    { connections, hostileShare: 0.1 },
    l10,
    [
      figure('legitimate p99 ÷ clean p99', legitRatio.toFixed(2), '≤ 1.2', legitRatio <= 1.2),
      figure(
        'CPU per hostile request (a customer page: clean run)',
        `${(hostileCpu / 1000).toFixed(2)} ms (${(cleanCpuPerRequest / 1000).toFixed(2)} ms)`,
        '–',
        null,
      ),
      figure(
        'hostile requests refused with 400',
        share(refused, (r) => r.status === 400),
        '100 %',
        refused.every((r) => r.status === 400),
      ),
      figure(
        "upstream calls beyond the legitimate requests' own",
        String(l10.upstreamCalls - legitCalls),
        '0',
        l10.upstreamCalls === legitCalls,
      ),
      figure(
        'legitimate answered whole',
        share(legit, (r) => r.ok),
        '100 %',
        allOk(legit),
      ),
    ],
  );

  // L11: SIGTERM under load, through the gateway's own process entry (its
  // signal handling: readiness off, the drain, the grace period).
  const entrySpec = CONTENDERS.find((spec) => spec.name === 'gateway-1worker')!;
  const signal = { atMs: NaN, exitMs: NaN };
  let exited = false;
  const l11 = await scenario(
    {},
    (entry) => ({
      connections,
      seconds: seconds + SHUTDOWN_GRACE_MS / 1000,
      until: () => exited,
      at: {
        ms: (seconds * 1000) / 2,
        run: async (elapsedMs) => {
          signal.atMs = elapsedMs;
          const signalled = performance.now();
          process.kill(entry.pid, 'SIGTERM');
          while (isRunning(entry.pid)) await new Promise((r) => setTimeout(r, 10));
          signal.exitMs = performance.now() - signalled;
          exited = true;
        },
      },
    }),
    [],
    { ...entrySpec, env: {} },
  );
  // Sent at least 5 ms before: one written as the server closes an idle
  // keep-alive socket was never accepted, and its reset says nothing.
  const before = l11.sent.filter((r) => r.startedAt < signal.atMs - 5);
  const after = l11.sent.filter((r) => r.startedAt >= signal.atMs - 5);
  report(
    'L11',
    `SIGTERM halfway through, SHUTDOWN_GRACE_MS=${SHUTDOWN_GRACE_MS} (the default), process entry`,
    { connections },
    l11,
    [
      figure(
        'sent 5 ms or more before the signal, answered whole',
        share(before, (r) => r.ok),
        '100 %',
        allOk(before),
      ),
      figure(
        'exit after the signal',
        ms(signal.exitMs),
        `≤ ${SHUTDOWN_GRACE_MS} ms`,
        signal.exitMs <= SHUTDOWN_GRACE_MS,
      ),
      figure(
        'sent later',
        describeStatuses(countBy(after, (r) => String(r.status))),
        'refused (the load balancer stops sending)',
        null,
      ),
    ],
  );

  await mkdir(options.out, { recursive: true });
  const name = `faults-${stamp()}${options.label === undefined ? '' : `-${options.label}`}`;
  const json = join(options.out, `${name}.json`);
  await writeFile(json, JSON.stringify({ options, results }, null, 2));
  await writeFile(join(options.out, `${name}.md`), faultsMarkdown(results, name));
  process.stderr.write(`wrote ${json}\n`);
  return results;
}

/** `connections` workers, each sending a request as soon as its last one is answered, for `seconds`. */
async function closedLoop(url: string, load: Load, page: Operation): Promise<Sent[]> {
  const pool = new Pool(url, {
    connections: load.connections,
    headersTimeout: CLIENT_TIMEOUT_MS,
    bodyTimeout: CLIENT_TIMEOUT_MS,
  });
  const began = performance.now();
  const endAt = began + load.seconds * 1000;
  const sent: Sent[] = [];
  let n = 0;
  const pending =
    load.at &&
    new Promise<void>((resolve, reject) => {
      setTimeout(() => load.at!.run(performance.now() - began).then(resolve, reject), load.at!.ms);
    });
  const worker = async () => {
    while (performance.now() < endAt && !load.until?.()) {
      const i = n++;
      const { operation, hostile } = load.pick?.(i) ?? { operation: page, hostile: false };
      const startedAt = performance.now() - began;
      let status = 0;
      let codes: string[] = [];
      let ok = false;
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/graphql',
          headers: headersFor(`${hostile ? 'hostile' : 'fault'}-${i}`, operation.headers),
          body: JSON.stringify(operation),
        });
        status = response.statusCode;
        const text = await response.body.text();
        const body = JSON.parse(text) as {
          data?: unknown;
          errors?: { extensions?: { code?: string } }[];
        };
        codes = [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE'))];
        ok = status === 200 && body.data != null && body.errors === undefined;
      } catch {
        // No answer (or not JSON): status stays as far as it got.
      }
      sent.push({ startedAt, endedAt: performance.now() - began, status, codes, ok, hostile });
    }
  };
  try {
    await Promise.all([...Array(load.connections)].map(worker));
    await pending;
  } finally {
    await pool.close();
  }
  return sent;
}

function summarize(
  id: string,
  title: string,
  settings: ScenarioResult['settings'],
  pass: Pass,
  figures: Figure[],
): ScenarioResult {
  const times = latencies(pass.sent);
  return {
    id,
    title,
    settings,
    requests: pass.sent.length,
    statuses: countBy(pass.sent, (r) => String(r.status)),
    codes: countBy(
      pass.sent.flatMap((r) => r.codes),
      (code) => code,
    ),
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: percentile(times, 100),
    upstreamCalls: pass.upstreamCalls,
    upstreamMaxInFlight: pass.upstreamMaxInFlight,
    rssPeakMb: pass.rssPeakMb,
    figures,
  };
}

export function faultsMarkdown(results: readonly ScenarioResult[], name: string): string {
  const verdict = (met: boolean | null) => (met === null ? '–' : met ? 'met' : '**not met**');
  const rows = results.flatMap((result) =>
    result.figures.map(
      (f, i) =>
        `| ${i === 0 ? `${result.id}: ${result.title} (${result.requests} requests)` : ''} | ${f.name} | ${f.value} | ${f.target} | ${verdict(f.met)} |`,
    ),
  );
  return [
    `# Faults under load: ${name}`,
    '',
    '`npm run bench -- --faults` (RELIABILITY.md §7.2). The gateway with its default limits, customer page, one new process per scenario.',
    '',
    '| scenario | figure | value | target | |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

const latencies = (sent: readonly Sent[]) => sent.map((r) => r.endedAt - r.startedAt);
const count = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length;
const allOk = (sent: readonly Sent[]) => sent.length > 0 && sent.every((r) => r.ok);
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'none');
const figure = (name: string, value: string, target: string, met: boolean | null): Figure => ({
  name,
  value,
  target,
  met,
});

function share(sent: readonly Sent[], test: (r: Sent) => boolean): string {
  if (sent.length === 0) return 'none sent';
  return `${((100 * count(sent, test)) / sent.length).toFixed(2)} % of ${sent.length}`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function describeStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([status, n]) => `${n} × ${status === '0' ? 'no answer' : status}`)
    .join(', ');
}

function describeCodes(sent: readonly Sent[]): string {
  const codes = countBy(sent, (r) => (r.codes.length === 0 ? 'none' : r.codes.join('+')));
  return Object.entries(codes)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
