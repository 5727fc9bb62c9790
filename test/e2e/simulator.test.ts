import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { parse } from 'lossless-json';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hasValidCheckDigit } from '../../src/domain/checkDigits.js';
import { FIXTURES, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { RequestLog } from '../../src/simulator/requestLog.js';
import { createSimulatorData } from '../../src/simulator/seed.js';
import { basicAuth, simulatorGet, simulatorUrl } from '../helpers/simulatorClient.js';

type Json = Record<string, unknown>;

/** Parses with every number kept as its exact text. */
function exact(text: string): any {
  return parse(text, null, (value: string) => value);
}

/**
 * One answered request on a raw keep-alive connection; `closed` settles when
 * the simulator closes it, `sentAt` is when the request went out.
 */
async function keepAliveRequest(simulator: Simulator) {
  const socket = connect(simulator.port, '127.0.0.1');
  await once(socket, 'connect');
  const closed = once(socket, 'close');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.write(
    `GET /customer/v3/${FIXTURES.privateCustomer}?auditUser=t HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: ${basicAuth(simulator.username, simulator.password)}\r\nConnection: keep-alive\r\n\r\n`,
  );
  const sentAt = performance.now();
  await expect.poll(() => received).toMatch(/^HTTP\/1.1 200 OK/);
  return { socket, closed, sentAt, head: () => received.slice(0, received.indexOf('\r\n\r\n')) };
}

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
});

afterEach(async () => {
  await sim.close();
});

describe('authentication and parameters', () => {
  it('answers 401 with a Basic challenge without credentials or with a wrong password', async () => {
    const none = await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`, {
      credentials: null,
    });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="enfuce"');
    expect(JSON.parse(none.text)).toMatchObject({ status: 401, message: expect.any(String) });

    const wrong = await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`, {
      credentials: { username: 'gateway', password: 'nope' },
    });
    expect(wrong.status).toBe(401);

    const right = await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`);
    expect(right.status).toBe(200);

    // The log says which carried the credentials, and keeps none of them.
    const logged = sim.log.entries().slice(-3);
    expect(logged.map((entry) => entry.authorized)).toEqual([false, false, true]);
    expect(logged.map((entry) => entry.headers.authorization)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(JSON.stringify(logged)).not.toContain(Buffer.from('gateway:nope').toString('base64'));
  });

  it('uses the configured credentials', async () => {
    const custom = await startSimulator({ username: 'alice', password: 's3cret' });
    try {
      expect(custom.username).toBe('alice');
      const ok = await simulatorGet(custom, `/customer/v3/${FIXTURES.privateCustomer}`);
      expect(ok.status).toBe(200);
      const old = await simulatorGet(custom, `/customer/v3/${FIXTURES.privateCustomer}`, {
        credentials: { username: 'gateway', password: 'simulator' },
      });
      expect(old.status).toBe(401);
    } finally {
      await custom.close();
    }
  });

  it('answers 400 when auditUser is missing or empty', async () => {
    const missing = await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}`, {
      auditUser: null,
    });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toEqual({
      status: 400,
      message: 'The query parameter auditUser is required.',
    });
    const empty = await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}`, {
      auditUser: '',
    });
    expect(empty.status).toBe(400);
  });

  it.each(['auditUser', 'page', 'size'])('answers 400 for a repeated %s', async (name) => {
    const response = await simulatorGet(
      sim,
      `/account/v4/customer/${FIXTURES.customerWith75}?auditUser=a&${name}=1&${name}=2`,
      { auditUser: null },
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({
      status: 400,
      message: `The query parameter ${name} must be given once.`,
    });
  });

  it.each([
    ['size', '0'],
    ['size', '101'],
    ['size', 'ten'],
    ['page', '-1'],
    ['page', '1.5'],
  ])('answers 400 for %s=%s', async (name, value) => {
    const response = await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerWith75}`, {
      query: { [name]: value },
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 400,
      message: expect.stringContaining(name),
    });
  });

  it('accepts size 1 and size 100', async () => {
    const one = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.customerWith250}`, {
      query: { size: '1' },
    });
    expect(JSON.parse(one.text)).toHaveLength(1);
    const hundred = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.customerWith250}`, {
      query: { size: '100', page: '2' },
    });
    expect(JSON.parse(hundred.text)).toHaveLength(50);
  });

  it.each(['abc', '12a', '%2e%2e', '-5', '1e3', '%EF%BC%91'])(
    'answers 400 for the non-digit id %s',
    async (id) => {
      const account = await simulatorGet(sim, `/account/v4/${id}`);
      expect(account.status).toBe(400);
      const customer = await simulatorGet(sim, `/customer/v3/${id}`);
      expect(customer.status).toBe(400);
      const list = await simulatorGet(sim, `/account/v4/customer/${id}`);
      expect(list.status).toBe(400);
    },
  );

  it('answers 404 for unknown records and paths, [] for lists of an unknown customer', async () => {
    const account = await simulatorGet(sim, `/account/v4/${FIXTURES.unknownAccountId}`);
    expect(account.status).toBe(404);
    expect(JSON.parse(account.text)).toEqual({
      status: 404,
      message: `Account ${FIXTURES.unknownAccountId} was not found.`,
    });
    expect((await simulatorGet(sim, `/customer/v3/${FIXTURES.unknownCustomerId}`)).status).toBe(
      404,
    );
    expect((await simulatorGet(sim, `/account/v3/${FIXTURES.unknownAccountId}`)).status).toBe(404);
    expect((await simulatorGet(sim, `/account/v5/${FIXTURES.accountTopLevel}`)).status).toBe(404);
    expect((await simulatorGet(sim, '/nothing/here')).status).toBe(404);
    expect((await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}/`)).status).toBe(404);
    const list = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.unknownCustomerId}`);
    expect(list.status).toBe(200);
    expect(list.text).toBe('[]');
  });

  it('answers 405 for methods other than GET', async () => {
    const response = await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`, {
      method: 'POST',
    });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET');
  });
});

describe('paging', () => {
  it('pages the 75-account customer by 30 as 30, 30, 15 with no gap or repeat', async () => {
    for (const version of ['v3', 'v4']) {
      const pages: string[][] = [];
      for (let page = 0; page < 4; page++) {
        const response = await simulatorGet(
          sim,
          `/account/${version}/customer/${FIXTURES.customerWith75}`,
          {
            query: { page: String(page), size: '30' },
          },
        );
        expect(response.status).toBe(200);
        pages.push((exact(response.text) as Json[]).map((item) => item.id as string));
      }
      expect(pages.map((page) => page.length)).toEqual([30, 30, 15, 0]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(75);
      expect(all).toEqual(
        sim.data.accountsOf(FIXTURES.customerWith75).map((account) => account.id),
      );
    }
  });

  it('defaults to page 0 and size 30', async () => {
    const response = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.customerWith75}`);
    const ids = (exact(response.text) as Json[]).map((item) => item.id);
    expect(ids).toEqual(
      sim.data
        .accountsOf(FIXTURES.customerWith75)
        .slice(0, 30)
        .map((account) => account.id),
    );
  });

  it('has customers with exactly 30 and with no accounts', async () => {
    const full = await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerWith30}`);
    expect(JSON.parse(full.text)).toHaveLength(30);
    const next = await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerWith30}`, {
      query: { page: '1' },
    });
    expect(next.text).toBe('[]');
    const none = await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerNoAccounts}`);
    expect(none.text).toBe('[]');
    expect((await simulatorGet(sim, `/customer/v3/${FIXTURES.customerNoAccounts}`)).status).toBe(
      200,
    );
  });

  it('lists sub-accounts (at any customer) with v4 items and the same paging', async () => {
    const children = sim.data.subAccountsOf(FIXTURES.accountWithSubAccounts);
    expect(children.length).toBeGreaterThan(30);
    const first = exact(
      (await simulatorGet(sim, `/account/v4/subAccount/${FIXTURES.accountWithSubAccounts}`)).text,
    ) as Json[];
    const second = exact(
      (
        await simulatorGet(sim, `/account/v4/subAccount/${FIXTURES.accountWithSubAccounts}`, {
          query: { page: '1' },
        })
      ).text,
    ) as Json[];
    expect([...first, ...second].map((item) => item.id)).toEqual(
      children.map((account) => account.id),
    );
    expect(
      first.every(
        (item) => item.parentId === FIXTURES.accountWithSubAccounts && 'template' in item,
      ),
    ).toBe(true);

    const crossCustomer = exact(
      (await simulatorGet(sim, `/account/v4/subAccount/${FIXTURES.accountTopLevel}`)).text,
    ) as Json[];
    expect(crossCustomer.map((item) => item.customerId)).toContain(FIXTURES.customerWith75);
    expect(crossCustomer.map((item) => item.id)).toContain(FIXTURES.accountWithParentOtherCustomer);
    expect(
      (await simulatorGet(sim, `/account/v4/subAccount/${FIXTURES.unknownAccountId}`)).text,
    ).toBe('[]');
  });
});

describe('JSON as the issuer writes it', () => {
  it('writes amounts as number literals with exactly the stored digits', async () => {
    const { text } = await simulatorGet(sim, `/account/v4/${FIXTURES.accountExactAmounts}`);
    expect(text).toContain('"balance":1234.50');
    expect(text).toContain('"available":0.10');
    expect(text).toContain('"creditLimit":100000000000000000.01');
    expect(text).toContain(`"id":${FIXTURES.accountExactAmounts},`);
    expect(text).toContain('"minimumToPay":{"amount":61.73,"percentage":5}');
    const negative = await simulatorGet(sim, `/account/v4/${FIXTURES.accountNegativeBalance}`);
    expect(negative.text).toContain('"balance":-12.30');
    expect(negative.text).toContain('"available":1012.30');
  });

  it('writes ids beyond 2^53 and 2^64 unquoted', async () => {
    const { text } = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.customerBigId}`);
    expect(text).toContain(`"id":${FIXTURES.accountBigIdParent},`);
    expect(text).toContain(`"id":${FIXTURES.accountBigId},`);
    expect(text).toContain(`"id":${FIXTURES.accountBeyond64Bits},`);
    expect(text).toContain(`"parentId":${FIXTURES.accountBigIdParent},`);
    expect(text).toContain(`"customerId":${FIXTURES.customerBigId},`);
    expect(text).toMatch(/"id":\d{17,},/);
    expect(exact(text).map((item: Json) => item.id)).toEqual([
      FIXTURES.accountBigIdParent,
      FIXTURES.accountBigId,
      FIXTURES.accountBeyond64Bits,
    ]);
    const customer = await simulatorGet(sim, `/customer/v3/${FIXTURES.customerBigId}`);
    expect(customer.text).toContain(`{"id":${FIXTURES.customerBigId},`);
  });

  it('writes a top-level parentId as absent, "" or null, per account', async () => {
    const { text } = await simulatorGet(sim, `/account/v3/customer/${FIXTURES.corporateCustomer}`);
    const items = exact(text) as Json[];
    const byId = new Map(items.map((item) => [item.id as string, item]));
    expect(byId.get(FIXTURES.accountTopLevel)).not.toHaveProperty('parentId');
    expect(byId.get(FIXTURES.accountTopLevelEmptyParent)?.parentId).toBe('');
    expect(byId.get(FIXTURES.accountTopLevelNullParent)?.parentId).toBeNull();
    expect(text).toContain(`{"id":${FIXTURES.accountTopLevelEmptyParent},"parentId":"",`);
    expect(text).toContain(`{"id":${FIXTURES.accountTopLevelNullParent},"parentId":null,`);
  });

  it('writes the quoted-ids fixture with JSON strings', async () => {
    const { text } = await simulatorGet(sim, `/account/v4/${FIXTURES.accountStringIds}`);
    expect(text).toContain(`"id":"${FIXTURES.accountStringIds}"`);
    expect(text).toContain(`"customerId":"${FIXTURES.corporateCustomer}"`);
    expect(text).toContain(`"parentId":"${FIXTURES.accountTopLevelNullParent}"`);
  });

  it('has the v3 list fields, v4 adds name and template, the single records add the fields of §3', async () => {
    const v3 = exact(
      (await simulatorGet(sim, `/account/v3/customer/${FIXTURES.privateCustomer}`)).text,
    )[0];
    expect(Object.keys(v3)).toEqual([
      'id',
      'status',
      'available',
      'balance',
      'creditLimit',
      'currency',
      'customerId',
      'number',
      'paymentReference',
    ]);
    const v4 = exact(
      (await simulatorGet(sim, `/account/v4/customer/${FIXTURES.privateCustomer}`)).text,
    )[0];
    expect(Object.keys(v4)).toEqual([
      'available',
      'balance',
      'creditLimit',
      'currency',
      'customerId',
      'id',
      'name',
      'number',
      'paymentReference',
      'status',
      'template',
    ]);
    const record = sim.data.account(v4.id)!;
    expect(v4).toMatchObject({
      name: record.name,
      template: record.template,
      currency: record.currency,
    });

    const ownFields = {
      invoiceDeliveryMethod: expect.any(String),
      segment: expect.stringMatching(/^SEGMENT_[A-F]$/),
      minimumToPay: { amount: '61.73', percentage: '5' },
      usageLimits: expect.any(Array),
    };
    const one = sim.data.account(FIXTURES.accountExactAmounts)!;
    const single = exact(
      (await simulatorGet(sim, `/account/v4/${FIXTURES.accountExactAmounts}`)).text,
    );
    expect(single).toMatchObject({
      id: FIXTURES.accountExactAmounts,
      parentId: FIXTURES.accountTopLevel,
      customerId: FIXTURES.corporateCustomer,
      currency: 'EUR',
      name: one.name,
      template: one.template,
      ...ownFields,
    });
    // v4 writes its keys in alphabetical order, as its list does, with the
    // capital I of the issuer's own example first.
    expect(Object.keys(single)).toEqual(Object.keys(single).sort());
    expect(single).not.toHaveProperty('accountTemplate');
    expect(single).toMatchObject({
      InvoicePaymentMethod: expect.stringMatching(/^(DIRECT_DEBIT|PLUS_GIROT|BANK_GIROT)$/),
      accountCardBlocks: { hardblock: false, softblock: false },
      productCode: `${one.template}_EUR_FI`,
    });
    const limited = sim.data
      .accountsOf(FIXTURES.customerWith250)
      .find((account) => account.usageLimits.length > 0)!;
    const withLimits = exact((await simulatorGet(sim, `/account/v4/${limited.id}`)).text);
    const [atm] = withLimits.usageLimits[0].values;
    expect(Object.keys(atm)).toEqual([
      'availableAmount',
      'availableCount',
      'code',
      'count',
      'reset',
      'singleAmount',
      'sumAmount',
    ]);
    // Nothing spent yet: the whole limit is available.
    expect(atm.availableAmount).toBe(atm.sumAmount);
    expect(atm.availableCount).toBe(atm.count);

    // v3's record, deprecated upstream: `accountTemplate` and no `name`.
    const singleV3 = exact(
      (await simulatorGet(sim, `/account/v3/${FIXTURES.accountExactAmounts}`)).text,
    );
    expect(singleV3).toMatchObject({
      id: FIXTURES.accountExactAmounts,
      accountTemplate: one.template,
      ...ownFields,
    });
    expect(singleV3).not.toHaveProperty('name');
    expect(singleV3).not.toHaveProperty('template');
  });

  it('answers corporate and private customers with their own fields', async () => {
    const corporate = exact(
      (await simulatorGet(sim, `/customer/v3/${FIXTURES.corporateCustomer}`)).text,
    );
    expect(corporate).toMatchObject({
      id: FIXTURES.corporateCustomer,
      role: 'CORPORATE',
      name: expect.any(String),
      customerRepresentative: expect.any(String),
      registration: {
        authority: expect.any(String),
        registrationDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      },
      address: { country: 'FIN', city: expect.any(String) },
      screening: { status: expect.any(Boolean) },
    });
    expect(corporate).not.toHaveProperty('firstName');
    const person = exact(
      (await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}`)).text,
    );
    expect(person).toMatchObject({
      id: FIXTURES.privateCustomer,
      role: 'PRIVATE',
      salutation: 'Mr',
      firstName: 'Matti',
      middleName: 'Juha',
      lastName: 'Korhonen',
      dateOfBirth: '1935-01-08',
      nationality: ['FIN', 'SWE'],
      customerNumber: expect.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
    });
    expect(person).not.toHaveProperty('name');
  });
});

describe('payment references', () => {
  it('serves the fixture references', async () => {
    const mod10 = exact(
      (await simulatorGet(sim, `/account/v4/${FIXTURES.accountMod10Reference}`)).text,
    );
    expect(mod10.paymentReference).toEqual({ number: '1234567897', type: 'MOD10' });
    const finnish = exact(
      (await simulatorGet(sim, `/account/v4/${FIXTURES.accountFinnishReference}`)).text,
    );
    expect(finnish.paymentReference).toEqual({ number: '1234561', type: 'FINNISH_7_3_1' });
    const rf = await simulatorGet(
      sim,
      `/account/v4/${FIXTURES.accountUnknownPaymentReferenceType}`,
    );
    expect(rf.text).toContain('"paymentReference":{"number":"RF18539007547034","type":"RF"}');
  });

  it('gives every account a reference of account number + valid check digit', async () => {
    const listed = exact(
      (
        await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerWith250}`, {
          query: { size: '100' },
        })
      ).text,
    ) as any[];
    const generated = sim.data
      .customerIds()
      .slice(-300)
      .flatMap((id) => sim.data.accountsOf(id));
    expect(generated.length).toBeGreaterThan(300);
    const references = [
      ...listed.map((item) => ({
        number: item.number as string,
        reference: item.paymentReference,
      })),
      ...generated.map((account) => ({
        number: account.number,
        reference: account.paymentReference,
      })),
    ];
    const types = new Set<string>();
    for (const { number, reference } of references) {
      types.add(reference.type);
      expect(reference.number.slice(0, -1)).toBe(number);
      const valid = hasValidCheckDigit(reference.type, reference.number);
      expect(valid, `${reference.type} ${reference.number}`).toBe(true);
    }
    expect([...types].sort()).toEqual(['FINNISH_7_3_1', 'MOD10']);
  });
});

describe('the seeded dataset', () => {
  it('is the same for the same seed and different for another', () => {
    const a = createSimulatorData(7);
    const b = createSimulatorData(7);
    const c = createSimulatorData(8);
    const pick = (data: typeof a) =>
      data
        .customerIds()
        .slice(-50)
        .map((id) => [data.customer(id), data.accountsOf(id)]);
    expect(pick(b)).toEqual(pick(a));
    expect(pick(c)).not.toEqual(pick(a));
    expect(c.account(FIXTURES.accountExactAmounts)?.balance).toBe('1234.50');
  });

  it('keeps at most maxEntries log entries with exact counts, and refuses a maximum under 1', () => {
    const log = new RequestLog({ maxEntries: 10 });
    for (let i = 0; i < 25; i++) {
      log.start({
        method: 'GET',
        path: `/account/v4/${i}`,
        route: 'accountV4',
        id: String(i),
        query: {},
        headers: {},
        authorized: true,
        connection: 1,
        startedAt: 0,
      });
    }
    expect(log.entries().length).toBeLessThanOrEqual(10);
    expect(log.entries().at(-1)?.id).toBe('24');
    expect(log.count('accountV4')).toBe(25);
    expect(() => new RequestLog({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('keeps nothing for ids it does not have: any caller may ask for any number of them', () => {
    const data = createSimulatorData(3);
    const unknown = ['9'.repeat(32), '8'.repeat(32)];
    expect(data.accountsOf(unknown[0]!)).toEqual([]);
    // One shared empty list, not one kept per id asked for.
    expect(data.accountsOf(unknown[1]!)).toBe(data.accountsOf(unknown[0]!));
    expect(data.subAccountsOf(unknown[1]!)).toBe(data.accountsOf(unknown[0]!));
  });

  it('has thousands of customers of both roles and hierarchies across pages and customers', () => {
    const { data } = sim;
    expect(data.customerCount).toBeGreaterThanOrEqual(2000);
    const roles = new Set(data.customerIds().map((id) => data.customer(id)?.role));
    expect(roles).toEqual(new Set(['CORPORATE', 'PRIVATE']));
    const position = (id: string) =>
      data.accountsOf(FIXTURES.customerWith75).findIndex((account) => account.id === id);
    const parentOf = (id: string) => data.account(id)!.parentId!;
    const page = (id: string) => Math.floor(position(id) / 30);
    expect(page(parentOf(FIXTURES.accountWithParentSamePage))).toBe(
      page(FIXTURES.accountWithParentSamePage),
    );
    expect(position(parentOf(FIXTURES.accountWithParentLaterOnPage))).toBeGreaterThan(
      position(FIXTURES.accountWithParentLaterOnPage),
    );
    expect(page(parentOf(FIXTURES.accountWithParentLaterPage))).toBeGreaterThan(
      page(FIXTURES.accountWithParentLaterPage),
    );
    expect(page(parentOf(FIXTURES.accountWithParentEarlierPage))).toBeLessThan(
      page(FIXTURES.accountWithParentEarlierPage),
    );
    expect(data.account(parentOf(FIXTURES.accountWithParentOtherCustomer))?.customerId).toBe(
      FIXTURES.corporateCustomer,
    );
    expect(
      data.account(parentOf(parentOf(FIXTURES.accountWithGrandparent)))?.parentId,
    ).toBeUndefined();
    expect(data.account(FIXTURES.missingParentId)).toBeUndefined();
    expect(data.account(FIXTURES.accountWithMissingParent)?.parentId).toBe(
      FIXTURES.missingParentId,
    );

    const generated = data
      .customerIds()
      .slice(-1000)
      .flatMap((id) => data.accountsOf(id));
    const crossCustomer = generated.filter(
      (account) =>
        account.parentId && data.account(account.parentId)?.customerId !== account.customerId,
    );
    expect(crossCustomer.length).toBeGreaterThan(0);
    expect(new Set(generated.filter((a) => !a.parentId).map((a) => a.topLevelStyle))).toEqual(
      new Set(['omit', 'empty', 'null']),
    );
    // Named as ENFUCE_API.md has them: MULTICURR_<CCY>_<alpha-2 country>.
    const multicurrency = new Set(
      generated.flatMap(({ template }) => (template.startsWith('MULTICURR_') ? [template] : [])),
    );
    expect(multicurrency).toEqual(
      new Set([
        'MULTICURR_EUR_FI',
        'MULTICURR_SEK_SE',
        'MULTICURR_NOK_NO',
        'MULTICURR_DKK_DK',
        'MULTICURR_PLN_PL',
        'MULTICURR_EUR_EE',
        'MULTICURR_GBP_GB',
      ]),
    );
  });

  it('builds each record on first read, the same whichever is read first', async () => {
    const started = await startSimulator({ seed: 99 });
    try {
      const ids = started.data.customerIds().slice(-3);
      // Over HTTP from last to first here, in list order below in a fresh dataset.
      for (const id of [...ids].reverse()) {
        const response = await simulatorGet(started, `/account/v3/customer/${id}`);
        expect((exact(response.text) as Json[]).map((item) => item.id)).toEqual(
          started.data.accountsOf(id).map((account) => account.id),
        );
      }
      const fresh = createSimulatorData(99);
      const records = (data: typeof fresh) =>
        ids.map((id) => [data.customer(id), data.accountsOf(id)]);
      expect(records(started.data)).toEqual(records(fresh));
    } finally {
      await started.close();
    }
  });
});

describe('faults', () => {
  const accountPath = `/account/v4/${FIXTURES.accountTopLevel}`;

  it('answers a status sequence, then normally', async () => {
    sim.faults.add({ route: 'accountV4', statuses: [503, 503, 200] });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await simulatorGet(sim, accountPath)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(sim.log.count('accountV4')).toBe(4);
    expect(sim.faults.list()[0]).toMatchObject({ hits: 3, remaining: 0 });
  });

  it('sends Retry-After with a fault status, limited by times', async () => {
    sim.faults.add({ route: 'accountV4', status: 429, retryAfter: '1', times: 2 });
    const first = await simulatorGet(sim, accountPath);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    expect(JSON.parse(first.text)).toMatchObject({ status: 429 });
    expect((await simulatorGet(sim, accountPath)).status).toBe(429);
    const third = await simulatorGet(sim, accountPath);
    expect(third.status).toBe(200);
    expect(third.headers['retry-after']).toBeUndefined();
  });

  it('matches by id and route, first matching rule wins', async () => {
    sim.faults.add({ id: FIXTURES.accountNegativeBalance, status: 500 });
    sim.faults.add({ route: 'accountV4', status: 502 });
    sim.faults.add({ route: 'accountV4', status: 504 });
    expect((await simulatorGet(sim, `/account/v4/${FIXTURES.accountNegativeBalance}`)).status).toBe(
      500,
    );
    expect((await simulatorGet(sim, accountPath)).status).toBe(502);
    expect((await simulatorGet(sim, `/customer/v3/${FIXTURES.corporateCustomer}`)).status).toBe(
      200,
    );
  });

  it('removes and clears rules', async () => {
    const id = sim.faults.add({ status: 500 });
    expect((await simulatorGet(sim, accountPath)).status).toBe(500);
    expect(sim.faults.remove(id)).toBe(true);
    expect(sim.faults.remove(id)).toBe(false);
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
    sim.faults.add({ status: 500 });
    sim.faults.clear();
    expect(sim.faults.list()).toEqual([]);
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
  });

  it('refuses an invalid rule with a clear message', () => {
    expect(() => sim.faults.add({ route: 'nope' as never })).toThrow(TypeError);
    expect(() => sim.faults.add({ status: 500, statuses: [500] })).toThrow(
      /either status or statuses/,
    );
    expect(() => sim.faults.add({ probability: 2 })).toThrow(/probability/);
  });

  it.each([
    // A longer timer fires after 1 ms.
    [{ latencyMs: 2 ** 31 }, /latencyMs/],
    [{ latencyMs: 1, jitterMs: 2 ** 31 }, /jitterMs/],
    [{ jitterMs: 5 }, /give latencyMs too/],
    [{ chunked: true as const, truncateBody: true as const }, /chunked leaves out/],
    // An interim status never ends the request.
    [{ status: 103 }, /status/],
    [{ statuses: [503, 101] }, /statuses\.1/],
    // Node would refuse to write them, answering 500 instead.
    [{ status: 429, retryAfter: '1\n' }, /retryAfter: must be a valid HTTP header value/],
    [{ body: 'x', contentType: 'text/plain\r\nx-injected: 1' }, /contentType/],
    [{ redirectTo: 'https://example.org/€' }, /redirectTo/],
    [{ oversizeBytes: 256 * 1024 * 1024 + 1 }, /oversizeBytes/],
  ])('refuses %j', (rule, message) => {
    expect(() => sim.faults.add(rule)).toThrow(message);
    expect(sim.faults.list()).toEqual([]);
  });

  it('answers a request without credentials 401, neither faulted nor spending a rule', async () => {
    sim.faults.add({ route: 'accountV4', status: 503, times: 1 });
    sim.faults.add({ route: 'customer', hang: true });
    const withoutCredentials = await simulatorGet(sim, accountPath, { credentials: null });
    expect(withoutCredentials.status).toBe(401);
    expect(withoutCredentials.headers['www-authenticate']).toBe('Basic realm="enfuce"');
    const path = `/customer/v3/${FIXTURES.privateCustomer}`;
    expect((await simulatorGet(sim, path, { credentials: null })).status).toBe(401);
    expect(sim.faults.list().map(({ hits }) => hits)).toEqual([0, 0]);
    expect((await simulatorGet(sim, accountPath)).status).toBe(503);
  });

  it('hangs until the simulator closes, and close still resolves', async () => {
    sim.faults.add({ route: 'accountV4', hang: true });
    const pending = request(simulatorUrl(sim, accountPath), {
      headers: { authorization: basicAuth(sim.username, sim.password) },
    });
    const outcome = pending.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await expect.poll(() => sim.stats.inFlight).toBe(1);
    const raced = await Promise.race([
      outcome,
      new Promise((resolve) => setTimeout(resolve, 300, 'still waiting')),
    ]);
    expect(raced).toBe('still waiting');
    await sim.close();
    expect(await outcome).toBe('UND_ERR_SOCKET');
    await expect.poll(() => sim.log.entries()[0]?.endedAt).toEqual(expect.any(Number));
    expect(sim.log.entries()[0]?.status).toBeUndefined();
  });

  it('drips the body slowly after sending headers at once', async () => {
    sim.faults.add({ route: 'accountV4', slowBodyBytesPerSecond: 1000 });
    const started = performance.now();
    const response = await request(simulatorUrl(sim, accountPath), {
      headers: { authorization: basicAuth(sim.username, sim.password) },
    });
    // The headers are here while the simulator is still sending the body.
    expect(sim.log.entries()[0]!.endedAt).toBeUndefined();
    const text = await response.body.text();
    const bodyAfter = performance.now() - started;
    expect(response.statusCode).toBe(200);
    const expectedMs = (Buffer.byteLength(text) / 1000) * 1000;
    expect(bodyAfter).toBeGreaterThan(expectedMs * 0.8);
    expect(exact(text).id).toBe(FIXTURES.accountTopLevel);
  });

  it('sends the headers of a dripped body before its first byte, even at 1 byte/s', async () => {
    sim.faults.add({ route: 'accountV4', slowBodyBytesPerSecond: 1 });
    const socket = connect(sim.port, '127.0.0.1');
    try {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.write(
        `GET ${accountPath}?auditUser=t HTTP/1.1\r\nHost: x\r\n` +
          `Authorization: ${basicAuth(sim.username, sim.password)}\r\n\r\n`,
      );
      await expect.poll(() => received).toContain('\r\n\r\n');
      // The first byte comes a second after the headers, not with them.
      expect(received).toMatch(/^HTTP\/1.1 200 OK\r\n[^]*\r\n\r\n$/);
    } finally {
      socket.destroy();
    }
  });

  it('sends invalid JSON, HTML and an overridden body', async () => {
    sim.faults.add({ route: 'accountV4', invalidJson: true, times: 1 });
    sim.faults.add({ route: 'accountV4', html: true, status: 502, times: 1 });
    sim.faults.add({
      route: 'accountV4',
      body: '{"__proto__":{"polluted":1},"id":12345678901234567890.5}',
      times: 1,
    });
    const invalid = await simulatorGet(sim, accountPath);
    expect(invalid.status).toBe(200);
    expect(invalid.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(invalid.text)).toThrow(SyntaxError);
    const html = await simulatorGet(sim, accountPath);
    expect(html.status).toBe(502);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    const override = await simulatorGet(sim, accountPath);
    expect(override.text).toBe('{"__proto__":{"polluted":1},"id":12345678901234567890.5}');
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
  });

  it('sends an oversize body of exactly N bytes of valid JSON', async () => {
    const bytes = 5 * 1024 * 1024 + 7;
    sim.faults.add({ route: 'accountV4', oversizeBytes: bytes });
    const response = await simulatorGet(sim, accountPath);
    expect(response.headers['content-length']).toBe(String(bytes));
    expect(Buffer.byteLength(response.text)).toBe(bytes);
    expect(Array.isArray(JSON.parse(response.text))).toBe(true);
  });

  it('sends a body chunked, without Content-Length, and logs the bytes it wrote', async () => {
    const bytes = 300 * 1024;
    sim.faults.add({ route: 'accountV4', oversizeBytes: bytes, chunked: true });
    const response = await simulatorGet(sim, accountPath);
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.byteLength(response.text)).toBe(bytes);
    // The body, its chunk framing and the headers, once the reply has closed.
    const written = await vi.waitFor(() => {
      const [entry] = sim.log.entries('accountV4').slice(-1);
      expect(entry!.bytesWritten).toBeDefined();
      return entry!.bytesWritten!;
    });
    expect(written).toBeGreaterThan(bytes);
    expect(written).toBeLessThan(bytes + 4096);
  });

  it('resets the connection', async () => {
    sim.faults.add({ route: 'accountV4', reset: true, times: 1 });
    const error = await simulatorGet(sim, accountPath).then(
      () => undefined,
      (reason: { code?: string }) => reason,
    );
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(error?.code);
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
  });

  it('cuts the body short of its Content-Length', async () => {
    sim.faults.add({ route: 'accountV4', truncateBody: true });
    const response = await request(simulatorUrl(sim, accountPath), {
      headers: { authorization: basicAuth(sim.username, sim.password) },
    });
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
    });
  });

  it('redirects', async () => {
    sim.faults.add({
      route: 'customer',
      redirectTo: 'http://127.0.0.1:9/elsewhere',
      retryAfter: '3',
    });
    const response = await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}`);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://127.0.0.1:9/elsewhere');
    expect(response.headers['retry-after']).toBe('3');
  });

  it('applies a rule with probability 0 never, 1 always, 0.2 to about a fifth', async () => {
    sim.faults.add({ route: 'accountV4', status: 500, probability: 0 });
    for (let i = 0; i < 10; i++) expect((await simulatorGet(sim, accountPath)).status).toBe(200);
    sim.faults.clear();
    sim.faults.add({ route: 'accountV4', status: 500, probability: 1 });
    for (let i = 0; i < 10; i++) expect((await simulatorGet(sim, accountPath)).status).toBe(500);
    sim.faults.clear();
    sim.faults.add({ route: 'accountV4', status: 500, probability: 0.2 });
    let failures = 0;
    for (let i = 0; i < 200; i++)
      if ((await simulatorGet(sim, accountPath)).status === 500) failures++;
    expect(failures).toBeGreaterThan(20);
    expect(failures).toBeLessThan(60);
    expect(sim.faults.list()[0]?.hits).toBe(failures);
  });

  it('draws the same faults after each clear, whatever jitter and earlier draws came first', async () => {
    const statuses = async () => {
      const seen: number[] = [];
      for (let i = 0; i < 24; i++) seen.push((await simulatorGet(sim, accountPath)).status);
      return seen.join();
    };
    sim.faults.add({ route: 'accountV4', status: 503, probability: 0.5 });
    const first = await statuses();
    sim.faults.clear();
    sim.faults.add({ route: 'accountV4', status: 503, probability: 0.5 });
    sim.setLatency({ jitterMs: 2 });
    expect(await statuses()).toBe(first);
    expect(first).toContain('503');
    expect(first).toContain('200');
  });

  it('adds latency globally, per rule, and with jitter', async () => {
    /** How long the simulator held the last request, by its own log. */
    const held = () => {
      const entry = sim.log.entries().at(-1)!;
      return entry.endedAt! - entry.startedAt;
    };
    sim.setLatency({ fixedMs: 250 });
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
    expect(held()).toBeGreaterThanOrEqual(245);

    sim.setLatency({ fixedMs: 0 });
    sim.faults.add({ id: FIXTURES.accountNegativeBalance, latencyMs: 300, jitterMs: 100 });
    const slow = simulatorGet(sim, `/account/v4/${FIXTURES.accountNegativeBalance}`);
    await expect.poll(() => sim.stats.inFlight).toBe(1);
    // Without latency, and with the rule on another id, an answer comes while the slow one waits.
    expect((await simulatorGet(sim, accountPath)).status).toBe(200);
    const [slowEntry, fastEntry] = sim.log.entries().slice(-2);
    expect(fastEntry!.path).toBe(accountPath);
    expect(slowEntry!.endedAt).toBeUndefined();
    expect((await slow).status).toBe(200);
    await expect.poll(() => slowEntry!.endedAt).toEqual(expect.any(Number));
    expect(slowEntry!.endedAt! - slowEntry!.startedAt).toBeGreaterThanOrEqual(295);
  });

  it('starts with the latency option', async () => {
    const slow = await startSimulator({ latency: { fixedMs: 120 } });
    try {
      const started = performance.now();
      await simulatorGet(slow, accountPath);
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      await slow.close();
    }
  });
});

describe('request log and concurrency gauge', () => {
  it('records method, path, route, id, query, headers, times and status', async () => {
    const before = Date.now();
    await simulatorGet(sim, `/account/v4/customer/${FIXTURES.customerWith75}`, {
      auditUser: 'alice@example',
      query: { page: '1', size: '20' },
      headers: { 'x-request-id': 'req-1' },
    });
    await simulatorGet(sim, '/unknown', { auditUser: null });
    const [list, unknown] = sim.log.entries();
    expect(list).toMatchObject({
      seq: 1,
      method: 'GET',
      path: `/account/v4/customer/${FIXTURES.customerWith75}`,
      route: 'accountsOfCustomerV4',
      id: FIXTURES.customerWith75,
      query: { auditUser: 'alice@example', page: '1', size: '20' },
      status: 200,
    });
    expect(list!.headers['x-request-id']).toBe('req-1');
    // Whether the credentials were right, never the credentials themselves.
    expect(list!.authorized).toBe(true);
    expect(list!.headers.authorization).toBeUndefined();
    expect(list!.startedAt).toBeGreaterThanOrEqual(before - 1);
    expect(list!.endedAt!).toBeGreaterThanOrEqual(list!.startedAt);
    expect(unknown).toMatchObject({ route: undefined, id: undefined, status: 404, query: {} });
    expect(sim.log.pageReads()).toEqual([
      { route: 'accountsOfCustomerV4', customerId: FIXTURES.customerWith75, page: 1, size: 20 },
    ]);
  });

  it('keeps repeated query parameters and counts per route', async () => {
    await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}?auditUser=a&auditUser=b`, {
      auditUser: null,
    });
    await simulatorGet(sim, `/account/v4/${FIXTURES.accountExactAmounts}`);
    await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`);
    await simulatorGet(sim, `/account/v3/customer/${FIXTURES.customerWith30}`);
    await simulatorGet(sim, `/customer/v3/${FIXTURES.privateCustomer}`);
    expect(sim.log.entries()[0]?.query.auditUser).toEqual(['a', 'b']);
    expect(sim.log.accountReads()).toEqual([
      FIXTURES.accountTopLevel,
      FIXTURES.accountTopLevel,
      FIXTURES.accountExactAmounts,
    ]);
    expect(sim.log.customerReads()).toEqual([FIXTURES.privateCustomer]);
    expect(sim.log.pageReads()).toEqual([
      { route: 'accountsOfCustomerV3', customerId: FIXTURES.customerWith30, page: 0, size: 30 },
    ]);
    expect(sim.log.count()).toBe(5);
    expect(sim.log.count('accountV4')).toBe(3);
    expect(sim.log.entries('customer')).toHaveLength(1);
    sim.log.clear();
    expect(sim.log.count()).toBe(0);
    expect(sim.log.entries()).toEqual([]);
  });

  it('counts concurrent requests: 5 parallel slow requests give maxInFlight 5', async () => {
    sim.setLatency({ fixedMs: 300 });
    const pending = Array.from({ length: 5 }, (_, i) =>
      simulatorGet(sim, `/account/v4/${String(1000000500 + i)}`),
    );
    await expect.poll(() => sim.stats.inFlight).toBe(5);
    const responses = await Promise.all(pending);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.stats.maxInFlight).toBe(5);
    await expect.poll(() => sim.stats.inFlight).toBe(0);
    sim.stats.reset();
    expect(sim.stats.maxInFlight).toBe(0);
  });

  it('closes idle keep-alive sockets after keepAliveTimeoutMs', async () => {
    const short = await startSimulator({ keepAliveTimeoutMs: 200 });
    try {
      // `sim` keeps Node's default of 5 s.
      const usual = await keepAliveRequest(sim);
      const brief = await keepAliveRequest(short);
      await brief.closed;
      // At the time set, not Node's 1 s later.
      expect(performance.now() - brief.sentAt).toBeGreaterThanOrEqual(190);
      expect(performance.now() - brief.sentAt).toBeLessThan(1000);
      // Node's default announces its timeout; a set one closes unannounced,
      // as a load balancer does, so a client cannot drop the socket first.
      expect(usual.head()).toMatch(/^Keep-Alive: timeout=5$/im);
      expect(brief.head()).toMatch(/^connection: keep-alive$/im);
      expect(brief.head()).not.toMatch(/^keep-alive:/im);
      // Idle for longer, the connection to the default simulator is still open.
      expect(usual.socket.readyState).toBe('open');
      usual.socket.destroy();
    } finally {
      await short.close();
    }
  });
});

describe('idle sockets', () => {
  it('keeps them open however long they idle with keepAliveTimeoutMs 0, as Node does', async () => {
    const never = await startSimulator({ keepAliveTimeoutMs: 0 });
    try {
      const kept = await keepAliveRequest(never);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(kept.socket.readyState).toBe('open');
      expect(kept.head()).not.toMatch(/^keep-alive:/im);
      kept.socket.destroy();
    } finally {
      await never.close();
    }
  });

  it('counts a pipelined socket idle only once its last request is answered', async () => {
    const short = await startSimulator({ keepAliveTimeoutMs: 100 });
    const socket = connect(short.port, '127.0.0.1');
    try {
      // The second request waits 400 ms, past the idle time after the first's answer.
      short.faults.add({ route: 'customer', id: FIXTURES.corporateCustomer, latencyMs: 400 });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      const get = (id: string) =>
        `GET /customer/v3/${id}?auditUser=t HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: ${basicAuth(short.username, short.password)}\r\n\r\n`;
      socket.write(get(FIXTURES.privateCustomer) + get(FIXTURES.corporateCustomer));
      await once(socket, 'close');
      expect(received.match(/HTTP\/1.1 200 OK/g)).toHaveLength(2);
    } finally {
      socket.destroy();
      await short.close();
    }
  });
});

describe('admin endpoint', () => {
  const basic = () => `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`;
  const admin = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    authorization: string | null = basic(),
  ) => {
    const response = await request(`${sim.url}/__admin/${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(authorization === null ? {} : { authorization }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
  };

  it('takes nothing without the Basic credentials of the API', async () => {
    const wrong = `Basic ${Buffer.from(`${sim.username}:not-it`).toString('base64')}`;
    for (const authorization of [null, wrong]) {
      const refused = await admin('POST', 'faults', { status: 500 }, authorization);
      expect(refused.status).toBe(401);
      expect((await admin('PUT', 'latency', { fixedMs: 30_000 }, authorization)).status).toBe(401);
    }
    expect(sim.faults.list()).toEqual([]);
    expect((await admin('GET', 'latency')).body).not.toMatchObject({ fixedMs: 30_000 });
  });

  it('adds, lists and removes fault rules', async () => {
    const added = await admin('POST', 'faults', { route: 'accountV4', statuses: [503, 200] });
    expect(added).toEqual({ status: 201, body: { id: expect.any(String) } });
    expect((await admin('GET', 'faults')).body.faults).toEqual([
      {
        id: added.body.id,
        rule: { route: 'accountV4', statuses: [503, 200] },
        hits: 0,
        remaining: 2,
      },
    ]);
    expect((await simulatorGet(sim, `/account/v4/${FIXTURES.accountTopLevel}`)).status).toBe(503);
    expect((await admin('DELETE', `faults/${added.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `faults/${added.body.id}`)).status).toBe(404);
    await admin('POST', 'faults', { status: 500 });
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect(sim.faults.list()).toEqual([]);
  });

  it('answers 413 to a body over 64 KiB rather than dropping the connection', async () => {
    const response = await admin('POST', 'faults', { body: 'x'.repeat(64 * 1024) });
    expect(response).toEqual({
      status: 413,
      body: { status: 413, message: 'The request body must be at most 65536 bytes.' },
    });
    expect(sim.faults.list()).toEqual([]);
  });

  it('refuses a latency a timer cannot wait for', async () => {
    const response = await admin('PUT', 'latency', { fixedMs: 2 ** 31 });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(
      'fixedMs must be a number from 0 to 2147483647 (got 2147483648).',
    );
    expect(() => sim.setLatency({ jitterMs: -1 })).toThrow(/jitterMs/);
    expect((await admin('GET', 'latency')).body).toEqual({ fixedMs: 0, jitterMs: 0 });
  });

  it('refuses an invalid rule with 400', async () => {
    const response = await admin('POST', 'faults', { statuses: 'many' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Invalid fault rule: statuses/);
  });

  it('refuses a rule for a route it does not serve, such as the unversioned account', async () => {
    const response = await admin('POST', 'faults', { route: 'account', status: 500 });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Invalid fault rule: route/);
    expect(sim.faults.list()).toEqual([]);
  });

  it('shows the log and stats without counting itself, and sets latency', async () => {
    await simulatorGet(sim, `/customer/v3/${FIXTURES.corporateCustomer}`);
    const log = await admin('GET', 'log?route=customer');
    expect(log.body.entries).toHaveLength(1);
    expect(log.body.entries[0]).toMatchObject({
      route: 'customer',
      id: FIXTURES.corporateCustomer,
      status: 200,
    });
    expect((await admin('GET', 'stats')).body).toEqual({
      inFlight: 0,
      maxInFlight: 1,
      requests: 1,
    });
    expect((await admin('PUT', 'latency', { fixedMs: 100 })).status).toBe(204);
    expect((await admin('GET', 'latency')).body).toEqual({ fixedMs: 100, jitterMs: 0 });
    const started = performance.now();
    await simulatorGet(sim, `/customer/v3/${FIXTURES.corporateCustomer}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect((await admin('PUT', 'latency', { fixedMs: -1 })).status).toBe(400);
    expect((await admin('DELETE', 'log')).status).toBe(204);
    expect(sim.log.count()).toBe(0);
  });

  it('resets everything', async () => {
    sim.faults.add({ status: 500 });
    sim.setLatency({ fixedMs: 50 });
    await simulatorGet(sim, `/customer/v3/${FIXTURES.corporateCustomer}`);
    expect((await admin('POST', 'reset')).status).toBe(204);
    expect(sim.faults.list()).toEqual([]);
    expect(sim.log.count()).toBe(0);
    expect((await admin('GET', 'latency')).body).toEqual({ fixedMs: 0, jitterMs: 0 });
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});

describe('npm run simulator', () => {
  it('starts from the environment and prints where it listens', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      env: {
        ...process.env,
        SIMULATOR_PORT: '0',
        SIMULATOR_SEED: '3',
        SIMULATOR_USERNAME: 'u',
        SIMULATOR_PASSWORD: 'p',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await expect
        .poll(() => output, { timeout: 10_000 })
        .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      expect(output).toContain('seed 3');
      expect(output).not.toContain('"p"');
      const response = await request(`${url}/customer/v3/${FIXTURES.privateCustomer}?auditUser=t`, {
        headers: { authorization: basicAuth('u', 'p') },
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it.each([
    ['ten', 'SIMULATOR_PORT must be a whole number from 0 to 65535 (got "ten").'],
    ['70000', 'SIMULATOR_PORT must be a whole number from 0 to 65535 (got "70000").'],
  ])('exits 1 with one line for SIMULATOR_PORT=%s', async (port, line) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      env: { ...process.env, SIMULATOR_PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(errors.trim()).toBe(line);
  });
});
