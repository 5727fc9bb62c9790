/**
 * Apollo Sandbox in a real browser (Debian's Chromium, headless, driven by
 * playwright-core): the page /graphql serves to a browser, the configuration
 * it hands the embedded Sandbox, and a query run from the page's origin the
 * way the embed sends it. Sandbox's own code comes from Apollo's CDN, which
 * tests do not reach: every request off this machine is aborted, so the
 * checks are on what the gateway serves and answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { APOLLO_STUDIO_ORIGIN } from '../../src/http/cors.js';
import { EXAMPLE_OPERATION } from '../../src/plugins/landingPage.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { anyCustomerToken, bearer } from '../helpers/tokens.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser profile that can reach only the given origins. */
async function openBrowser(allowedOrigins: string[]) {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const offMachine: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowedOrigins.includes(new URL(url).origin)) return route.continue();
    offMachine.push(url);
    return route.abort();
  });
  return {
    context,
    offMachine,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

interface SandboxConfig {
  initialState: {
    document: string;
    variables: Record<string, unknown>;
    headers: Record<string, string>;
    includeCookies: boolean;
    pollForSchemaUpdates: boolean;
  };
  endpointIsEditable: boolean;
  runTelemetry: boolean;
}

/** Runs a GraphQL POST with fetch from inside the page, as the embedded Sandbox does. */
function fetchFromPage(
  page: Page,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ body, headers }) => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    { body, headers },
  );
}

describe('Apollo Sandbox outside production', () => {
  let harness: Harness;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    harness = await startHarness();
    browser = await openBrowser([harness.url]);
    context = browser.context;
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });
  beforeEach(() => harness.simulator.log.clear());

  it('serves the embedded Sandbox page to a browser at /graphql', async () => {
    const response = await page.goto(`${harness.url}/graphql`);

    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.title()).toBe('Apollo Server');
    expect(await page.locator('#embeddableSandbox').count()).toBe(1);
    const scripts = await page
      .locator('script[src]')
      .evaluateAll((nodes) => nodes.map((node) => (node as unknown as { src: string }).src));
    expect(scripts).toEqual([
      expect.stringMatching(/^https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\//),
    ]);
    // The browser tried Apollo's CDN and nothing else off this machine.
    expect(browser.offMachine.some((url) => url.includes('embeddable-sandbox.cdn'))).toBe(true);
    // Loading the page runs no GraphQL and no upstream call.
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('prefills the endpoint and an example operation, with telemetry and cookies off', async () => {
    await page.goto(`${harness.url}/graphql`);
    const { config, endpoint } = await page.evaluate(() => {
      const scope = globalThis as unknown as {
        embeddedSandboxConfig: unknown;
        initialEndpoint: string;
      };
      return {
        config: scope.embeddedSandboxConfig as SandboxConfig,
        endpoint: scope.initialEndpoint,
      };
    });

    expect(endpoint).toBe(`${harness.url}/graphql`);
    expect(config.initialState.document).toBe(EXAMPLE_OPERATION);
    expect(config.initialState.variables).toEqual({ customerId: FIXTURES.customerWith75 });
    // Over the simulator no token is needed, so none is asked for.
    expect(config.initialState.headers).toEqual({});
    expect(config.initialState.includeCookies).toBe(false);
    expect(config.initialState.pollForSchemaUpdates).toBe(false);
    expect(config.endpointIsEditable).toBe(false);
    expect(config.runTelemetry).toBe(false);
  });

  it("runs the example operation from the page's origin, as the embedded Sandbox sends it", async () => {
    await page.goto(`${harness.url}/graphql`);
    const { initialState } = await page.evaluate(
      () =>
        (globalThis as unknown as { embeddedSandboxConfig: SandboxConfig }).embeddedSandboxConfig,
    );
    harness.simulator.log.clear();

    const { status, body } = await fetchFromPage(page, {
      query: initialState.document,
      variables: initialState.variables,
      operationName: 'CustomerAccounts',
    });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const expected = harness.simulator.data.accountsOf(FIXTURES.customerWith75).slice(0, 5);
    expect(body.data.customer.id).toBe(FIXTURES.customerWith75);
    expect(body.data.customer.accounts.nodes.map((n: { id: string }) => n.id)).toEqual(
      expected.map((a) => a.id),
    );
    expect(body.data.customer.accounts.pageInfo.hasNextPage).toBe(true);
    // One page read for the accounts and one customer read for displayName.
    expect(harness.simulator.log.pageReads()).toHaveLength(1);
    expect(harness.simulator.log.count('customer')).toBe(1);
    expect(harness.simulator.log.accountReads()).toEqual([]);
  });

  it('explores the schema from the page (introspection is on outside production)', async () => {
    await page.goto(`${harness.url}/graphql`);
    const { status, body } = await fetchFromPage(page, {
      query: '{ __schema { queryType { fields { name } } } }',
    });
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['customer', 'account', 'accounts']),
    );
  });

  it('still refuses a cross-site "simple" request from a page (CSRF prevention)', async () => {
    await page.goto(`${harness.url}/graphql`);
    const result = await page.evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return { status: response.status, text: await response.text() };
    });
    expect(result.status).toBe(400);
    expect(result.text).not.toContain('"__typename"');
  });
});

describe('Apollo Studio as a cross-origin explorer', () => {
  /**
   * Opens a stand-in page at `origin` (served by the test) and fetches the
   * gateway from it. The browser enforces CORS for real; the local-network
   * permission stands in for the user allowing Chrome's prompt, so only CORS
   * decides.
   */
  async function fetchFrom(origin: string, harness: Harness, authorization = 'Bearer none') {
    const browser = await openBrowser([harness.url, origin]);
    try {
      await browser.context.grantPermissions(['local-network-access'], { origin });
      await browser.context.route(`${origin}/**`, (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>explorer</title>',
        }),
      );
      const page = await browser.context.newPage();
      const console: string[] = [];
      page.on('console', (message) => console.push(message.text()));
      await page.goto(`${origin}/sandbox/explorer`);
      const result = await page.evaluate(
        async ([url, authorization]) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization,
                'apollo-require-preflight': 'true',
                'x-apollo-operation-name': 'Probe',
              },
              body: JSON.stringify({ query: 'query Probe { __typename }' }),
            });
            return {
              ok: true,
              status: response.status,
              body: await response.text(),
              requestId: response.headers.get('x-request-id'),
              retryAfter: response.headers.get('retry-after'),
            };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        },
        [`${harness.url}/graphql`, authorization] as const,
      );
      return { ...result, console };
    } finally {
      await browser.close();
    }
  }

  it('lets Studio query the gateway while introspection is on', async () => {
    const harness = await startHarness();
    try {
      const result = await fetchFrom(APOLLO_STUDIO_ORIGIN, harness);
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse(result.body!)).toEqual({
        data: { __typename: 'Query' },
        extensions: { upstream: { calls: 0 } },
      });
      // Exposed, so an explorer can quote it when reporting a problem.
      expect(result.requestId).toMatch(/^[\w.:-]+$/);
    } finally {
      await harness.close();
    }
  }, 60_000);

  it('lets an allowed origin send trace context to /graphql, and no other origin anything', async () => {
    const harness = await startHarness({ env: { CORS_ORIGINS: 'https://cards.example.com' } });
    try {
      const preflight = (origin: string) =>
        fetch(`${harness.url}/graphql`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,traceparent,tracestate',
          },
        });
      const allowed = await preflight('https://cards.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://cards.example.com');
      expect(allowed.headers.get('access-control-allow-headers')?.split(/, */)).toEqual(
        expect.arrayContaining(['traceparent', 'tracestate']),
      );
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // Only /graphql is for browsers.
      for (const path of ['/metrics', '/health/live', '/health/ready']) {
        const reply = await fetch(`${harness.url}${path}`, {
          headers: { origin: 'https://cards.example.com' },
        });
        expect(reply.status, path).toBe(200);
        expect(reply.headers.get('access-control-allow-origin'), path).toBeNull();
      }
    } finally {
      await harness.close();
    }
  });

  it('blocks other origins in the browser', async () => {
    const harness = await startHarness();
    try {
      const result = await fetchFrom('https://evil.example', harness);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/Failed to fetch/);
      expect(result.console.join('\n')).toMatch(
        /blocked by CORS policy.*Access-Control-Allow-Origin/s,
      );
    } finally {
      await harness.close();
    }
  }, 60_000);

  it('lets an origin named in CORS_ORIGINS query the gateway', async () => {
    const harness = await startHarness({ env: { CORS_ORIGINS: 'https://cards.example.com' } });
    try {
      const result = await fetchFrom('https://cards.example.com', harness);
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse(result.body!)).toEqual({
        data: { __typename: 'Query' },
        extensions: { upstream: { calls: 0 } },
      });
    } finally {
      await harness.close();
    }
  }, 60_000);
  it('lets an allowed origin read when to retry a refused request', async () => {
    const harness = await startHarness({
      auth: true,
      env: { CORS_ORIGINS: 'https://cards.example.com', CALLER_MAX_IN_FLIGHT: '1' },
    });
    try {
      const alice = await anyCustomerToken({ sub: 'alice' });
      // Held while a browser starts and sends the second request, which a
      // loaded machine can take seconds to do.
      harness.simulator.faults.add({ route: 'customer', latencyMs: 8000 });
      const held = harness.execute(
        `{ customer(id: "${FIXTURES.privateCustomer}") { displayName } }`,
        undefined,
        bearer(alice),
      );
      await vi.waitFor(() => expect(harness.simulator.stats.inFlight).toBe(1), { timeout: 5000 });
      const result = await fetchFrom('https://cards.example.com', harness, `Bearer ${alice}`);
      expect(result).toMatchObject({ ok: true, status: 429, retryAfter: '1' });
      expect((await held).status).toBe(200);
    } finally {
      await harness.close();
    }
  }, 60_000);
});

describe('Sandbox in front of a real upstream', () => {
  it('asks for a bearer token and leaves the customer id to fill in', async () => {
    const harness = await startHarness({ auth: true });
    try {
      const response = await fetch(`${harness.url}/graphql`, {
        headers: { accept: 'text/html' },
      });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain('"headers":{"Authorization":"Bearer YOUR_TOKEN"}');
      expect(html).toContain('"variables":{"customerId":"a customer id: 1 to 32 digits"}');
      // The page itself needs no token; GraphQL requests still do.
      expect(harness.simulator.log.count()).toBe(0);
    } finally {
      await harness.close();
    }
  });
});

describe('no Sandbox in production', () => {
  let harness: Harness;
  let browser: Awaited<ReturnType<typeof openBrowser>>;

  beforeAll(async () => {
    harness = await startHarness({ env: { NODE_ENV: 'production' } });
    browser = await openBrowser([harness.url]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('serves no landing page: no HTML, no script, no endpoint config', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${harness.url}/graphql`);
    const html = (await response?.text()) ?? '';

    // Without a landing page a browser's GET is just a GraphQL GET with no query.
    expect(response?.status()).toBe(400);
    expect(response?.headers()['content-type']).not.toContain('text/html');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('CustomerAccounts');
    expect(await page.evaluate(() => 'embeddedSandboxConfig' in globalThis)).toBe(false);
    expect(browser.offMachine.some((url) => url.includes('cdn.apollographql.com'))).toBe(false);
  });

  it('refuses introspection from a page, so there is nothing to explore', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${harness.url}/health/live`);
    const { status, body } = await fetchFromPage(page, {
      query: '{ __schema { types { name } } }',
    });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('does not let Studio in once introspection is off', async () => {
    const reply = await fetch(`${harness.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: APOLLO_STUDIO_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    // Answered as a preflight, only without Studio's origin.
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });
});
