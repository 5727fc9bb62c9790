import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { NODE_FLAGS } from '../../bench/lib/contenders.js';
import { configWarnings, cutOffMarginMs, loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { startHarness } from '../helpers/harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = `${ROOT}deploy/kubernetes/`;

type Manifest = { kind: string; metadata: { name: string }; spec: any; data?: any };

function manifests(): Manifest[] {
  return readdirSync(K8S)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(K8S + file, 'utf8')).map((document) => {
        expect(document.errors, file).toEqual([]);
        return document.toJS() as Manifest;
      }),
    );
}

const DOCKERFILE = readFileSync(`${ROOT}Dockerfile`, 'utf8');

/** The image's NODE_OPTIONS, split into flags. */
const IMAGE_NODE_OPTIONS = (/NODE_OPTIONS=("[^"]*"|\S+)/.exec(DOCKERFILE)?.[1] ?? '')
  .replace(/"/g, '')
  .split(' ');

function one(kind: string): Manifest {
  const found = manifests().filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
}

interface ContainerEnv {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { key: string; optional?: boolean };
    secretKeyRef?: { key: string };
  };
}

/**
 * The environment a pod gets, as Kubernetes builds it: values, the
 * ConfigMap's keys (an optional one it lacks is left out), and stand-ins of
 * the right shape for the Secret's.
 */
function podEnv(configMap: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container().env as ContainerEnv[]) {
    const fromMap = e.valueFrom?.configMapKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (fromMap && Object.hasOwn(configMap, fromMap.key))
      env[e.name] = configMap[fromMap.key]!;
    else if (fromMap) expect(fromMap.optional, `${fromMap.key} is not in the ConfigMap`).toBe(true);
    else env[e.name] = e.name.endsWith('_URL') ? 'https://example.com' : 'x'.repeat(32);
  }
  return env;
}

/**
 * The settings the ConfigMap offers commented out (`# NAME: value`, a name
 * being an environment variable's: capitals, digits and `_`, with one `_` at
 * least so that prose such as `# NOTE:` is not one), their example values
 * read as YAML reads them.
 */
function commentedOut(): Record<string, string> {
  const text = readFileSync(`${K8S}configmap.yaml`, 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^\s*#\s*([A-Z][A-Z0-9]*_[A-Z0-9_]*):\s*(.+)$/gm)].map((m) => [
      m[1]!,
      String(parseDocument(m[2]!).toJS()),
    ]),
  );
}

const deployment = () => one('Deployment');
const container = () => deployment().spec.template.spec.containers[0];
const podLabels = () => deployment().spec.template.metadata.labels;

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('parse, and the kustomization lists every manifest', () => {
    const kinds = manifests().map((manifest) => manifest.kind);
    expect(kinds.sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Kustomization',
        'PodDisruptionBudget',
        'Service',
      ].sort(),
    );
    const listed = (one('Kustomization') as unknown as { resources: string[] }).resources;
    const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(files.sort());
  });

  it("use the code's default port everywhere", () => {
    const port = loadConfig({}).port;
    const http = container().ports.find((p: { name: string }) => p.name === 'http');
    expect(http.containerPort).toBe(port);
    const env = Object.fromEntries(
      container().env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    expect(Number(env.PORT)).toBe(port);
    expect(deployment().spec.template.metadata.annotations['prometheus.io/port']).toBe(
      String(port),
    );
    expect(one('Service').spec.ports[0].targetPort).toBe('http');
  });

  it("probe and scrape paths the gateway serves: the manifest's ready (503 before it listens), live and metrics", async () => {
    const { readinessProbe, livenessProbe, startupProbe } = container();
    expect(readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(startupProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });

    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const gateway = await createGateway(config, {
      simulatorUrl: 'http://127.0.0.1:9',
      logger: createLogger('silent'),
    });
    try {
      const ready = await gateway.app.inject({ url: readinessProbe.httpGet.path });
      expect(ready.statusCode).toBe(503);
      const live = await gateway.app.inject({ url: livenessProbe.httpGet.path });
      expect(live.statusCode).toBe(200);
      const metrics = await gateway.app.inject({
        url: deployment().spec.template.metadata.annotations['prometheus.io/path'],
      });
      expect(metrics.statusCode).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('wire every setting the ConfigMap names, the commented-out ones too', () => {
    const named = [...Object.keys(one('ConfigMap').data), ...Object.keys(commentedOut())];
    const wired = (container().env as ContainerEnv[])
      .filter((e) => e.valueFrom?.configMapKeyRef)
      .map((e) => e.valueFrom!.configMapKeyRef!.key);
    expect(named.length).toBeGreaterThan(4);
    expect([...wired].sort()).toEqual([...new Set(named)].sort());
  });

  it('hold a valid configuration, and a grace period Kubernetes waits out', () => {
    const config = loadConfig(podEnv(one('ConfigMap').data));
    expect(() => loadConfig(podEnv({ ...one('ConfigMap').data, ...commentedOut() }))).not.toThrow();
    expect(config.production).toBe(true);
    expect(config.operations.workers).toBe(1);
    const termination = deployment().spec.template.spec.terminationGracePeriodSeconds * 1000;
    const { shutdownGraceMs, shutdownDelayMs } = config.operations;
    expect(termination).toBeGreaterThan(shutdownGraceMs);
    expect(shutdownDelayMs).toBeGreaterThan(0);
    // From the end of the delay to the cut-off, a request started then runs to its deadline.
    const cutOff = shutdownGraceMs - cutOffMarginMs(shutdownGraceMs);
    expect(config.upstream.requestTimeoutMs).toBeGreaterThan(0);
    expect(cutOff - shutdownDelayMs).toBeGreaterThanOrEqual(config.upstream.requestTimeoutMs);
    // Nothing weakened: what is left to drain fits a request that waits out
    // the issuer's timeout, tokens are bound to an issuer and an audience, cursors sealed.
    expect(configWarnings(config)).toEqual([]);
  });

  it("run Node.js with the image's flags: NODE_OPTIONS here replaces the image's", () => {
    const nodeOptions = (container().env as { name: string; value?: string }[]).find(
      (e) => e.name === 'NODE_OPTIONS',
    )?.value;
    const flags = nodeOptions?.split(' ') ?? IMAGE_NODE_OPTIONS;
    expect(flags).toEqual(expect.arrayContaining(IMAGE_NODE_OPTIONS));
  });

  it('run as non-root with limits, and every selector matches the pods', () => {
    const spec = deployment().spec.template.spec;
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.securityContext.runAsUser).not.toBe(0);
    expect(container().securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container().resources.limits.memory).toMatch(/^\d+Mi$/);
    expect(container().resources.limits.cpu).toBeDefined();
    expect(container().resources.requests.cpu).toBeDefined();

    expect(deployment().spec.selector.matchLabels).toEqual(podLabels());
    expect(one('Service').spec.selector).toEqual(podLabels());
    expect(one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(podLabels());
    const hpa = one('HorizontalPodAutoscaler').spec;
    expect(hpa.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment().metadata.name,
    });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment().spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('reference only a ConfigMap and a Secret that exist by name', () => {
    const names = new Set<string>();
    for (const e of container().env as { valueFrom?: Record<string, { name: string }> }[]) {
      for (const ref of Object.values(e.valueFrom ?? {})) names.add(ref.name);
    }
    expect([...names]).toEqual([one('ConfigMap').metadata.name]);
  });
});

describe('Dockerfile', () => {
  const instructions = DOCKERFILE.replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = instructions.reduce<string[][]>((all, line) => {
    if (line.startsWith('FROM ')) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
  const final = stages.at(-1)!;

  it('is multi-stage, and the final stage takes production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const modules = final.find((line) => /^COPY --from=\S+ .*node_modules/.test(line));
    const source = /--from=(\S+)/.exec(modules ?? '')?.[1];
    const depsStage = stages.find((stage) => stage[0]!.endsWith(` AS ${source}`));
    expect(depsStage?.some((line) => /^RUN npm ci .*--omit=dev/.test(line))).toBe(true);
    expect(final.some((line) => /^RUN npm (ci|install)/.test(line))).toBe(false);
    expect(final.at(-1)).toMatch(/^CMD \["node", (?:"--[^"]+", )*"dist\/index\.js"\]$/);
  });

  it('installs patches/ and takes every patched package from the stage that applied them', () => {
    const build = stages.find((stage) =>
      stage.some((line) => line.startsWith('RUN npm run build')),
    )!;
    const install = build.findIndex((line) => /^RUN npm ci\b/.test(line));
    expect(build.indexOf('COPY patches ./patches')).toBeGreaterThan(-1);
    expect(build.indexOf('COPY patches ./patches')).toBeLessThan(install);
    const modules = final.find((line) => /^COPY --from=\S+ .*node_modules/.test(line));
    const depsStage = stages.find((stage) =>
      stage[0]!.endsWith(` AS ${/--from=(\S+)/.exec(modules!)![1]}`),
    )!;
    const buildName = / AS (\S+)$/.exec(build[0]!)![1];
    const patched = readdirSync(`${ROOT}patches`)
      .filter((file) => file.endsWith('.patch'))
      // patch-package names them scope+name+version.patch
      .map((file) => file.replace(/\+[^+]+\.patch$/, '').replace('+', '/'));
    expect(patched).toContain('@apollo/server');
    for (const name of patched) {
      expect(depsStage).toContain(
        `COPY --from=${buildName} /app/node_modules/${name} ./node_modules/${name}`,
      );
    }
  });

  it('runs as a non-root user with a health check on /health/live at the same port', () => {
    const user = final.find((line) => line.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    const healthcheck = final.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toContain('/health/live');
    const port = loadConfig({}).port;
    expect(final).toContain(`EXPOSE ${port}`);
    expect(final.join('\n')).toMatch(new RegExp(`PORT=${port}\\b`));
  });

  it('checks health where HOST says the gateway listens', async () => {
    const healthcheck = final.find((line) => line.startsWith('HEALTHCHECK '))!;
    const [node, flag, script] = JSON.parse(/ CMD (\[.*\])$/.exec(healthcheck)![1]!) as string[];
    expect([node, flag]).toEqual(['node', '-e']);
    // Another loopback address than 127.0.0.1: only a check that reads HOST finds it.
    const harness = await startHarness({ env: { HOST: '127.0.0.2' } });
    const port = new URL(harness.url).port;
    const exitCode = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) =>
        execFile(process.execPath, ['-e', script!], { env: { ...env, PORT: port } }, (error) =>
          resolve(error ? ((error as { code?: number }).code ?? null) : 0),
        ),
      );
    try {
      // Asking 127.0.0.1 instead fails: nothing listens there. (HOST=0.0.0.0's
      // mapping to loopback cannot be told apart here: Linux connects a call
      // to 0.0.0.0 to loopback too.)
      expect(await exitCode({ HOST: '127.0.0.2' })).toBe(0);
      expect(await exitCode({ HOST: '127.0.0.1' })).toBe(1);
    } finally {
      await harness.close();
    }
  });

  it('runs Node.js with the flags `npm start` uses, which the benchmark measures', () => {
    const start = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as any).scripts.start;
    const startFlags = /\bnode ((?:--\S+ )*)dist\/index\.js/.exec(start)?.[1]?.trim().split(' ');
    // Node.js takes only some V8 flags in NODE_OPTIONS; the rest go on the command.
    const command = JSON.parse(final.at(-1)!.replace(/^CMD /, '')) as string[];
    const commandFlags = command.filter((part) => part.startsWith('--'));
    expect(startFlags).toEqual([...NODE_FLAGS]);
    expect([...IMAGE_NODE_OPTIONS, ...commandFlags].sort()).toEqual([...NODE_FLAGS].sort());
  });

  it('is built on the Node.js major CI runs the suite on, and one package.json allows', () => {
    const image = /^ARG NODE_VERSION=(\d+)\b/m.exec(DOCKERFILE)?.[1];
    const ci = readFileSync(`${ROOT}.ci/run`, 'utf8');
    expect(ci).toContain('npx -y "node@$node" node_modules/vitest/vitest.mjs run');
    const majors = /^for node in ([\d ]+); do$/m.exec(ci)?.[1]?.split(' ');
    expect(majors).toContain(image);
    const engines = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as any).engines.node;
    const minimum = /^>=(\d+)/.exec(engines)?.[1];
    expect(Number(image)).toBeGreaterThanOrEqual(Number(minimum));
  });

  it('keeps secrets and bulk out of the build context', () => {
    const ignored = readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n');
    for (const entry of ['.git', '.env', 'node_modules', 'dist', 'test']) {
      expect(ignored).toContain(entry);
    }
  });
});
