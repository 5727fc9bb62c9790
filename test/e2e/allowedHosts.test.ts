/**
 * ALLOWED_HOSTS against DNS rebinding: a request naming a host off the list
 * is refused before anything runs, while addresses, localhost names and the
 * platform's endpoints are answered whatever `Host` says.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const QUERY = `{ account(id: "${FIXTURES.accountExactAmounts}") { id } }`;

const post = (harness: Harness, host: string) => harness.execute(QUERY, undefined, { host });

// Entries as an operator may write them: in capitals, fully qualified.
describe('ALLOWED_HOSTS=Gateway.Example.com,.corp.example.', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: { ALLOWED_HOSTS: 'Gateway.Example.com,.corp.example.' },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it.each(['rebound.example', 'rebound.example:4000', 'xcorp.example', 'gateway.example.com.evil'])(
    'refuses Host %s with 421 and calls nothing',
    async (host) => {
      const reply = await post(harness, host);
      expect(reply.status).toBe(421);
      expect(JSON.parse(reply.text)).toEqual({
        errors: [
          {
            message: 'This gateway does not answer for the host the request names.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it.each([
    'gateway.example.com',
    'GATEWAY.example.com:8443',
    'gateway.example.com.',
    'corp.example',
    'api.eu.corp.example',
    '127.0.0.1:4000',
    '[::1]:4000',
    'localhost:4000',
    'app.localhost',
  ])('answers Host %s', async (host) => {
    const reply = await post(harness, host);
    expect(reply.status).toBe(200);
    expect(reply.data.account.id).toBe(FIXTURES.accountExactAmounts);
  });

  it('refuses the Sandbox page for a host off the list too', async () => {
    const response = await request(`${harness.url}/graphql`, {
      headers: { host: 'rebound.example', accept: 'text/html' },
    });
    expect(response.statusCode).toBe(421);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    await response.body.dump();
  });

  it.each(['/health/live', '/health/ready', '/metrics'])(
    'answers %s whatever the Host, as probes and scrapers name the address or a service',
    async (path) => {
      const response = await request(`${harness.url}${path}`, {
        headers: { host: 'rebound.example' },
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    },
  );
});

describe('ALLOWED_HOSTS unset', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('answers any Host, as before', async () => {
    const reply = await post(harness, 'rebound.example');
    expect(reply.status).toBe(200);
    expect(reply.data.account.id).toBe(FIXTURES.accountExactAmounts);
  });
});
