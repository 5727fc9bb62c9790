import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAccount,
  decodeAccountList,
  decodeCustomer,
  parseExactJson,
} from '../../src/upstream/decode.js';
import { UNREADABLE } from '../../src/upstream/records.js';

const id = fc.stringMatching(/^[1-9][0-9]{0,31}$/);
const decimal = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^(0|[1-9][0-9]{0,24})$/),
    fc.option(fc.stringMatching(/^[0-9]{1,12}$/)),
  )
  .map(
    ([negative, whole, fraction]) =>
      `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`,
  );

// What the issuer writes: ids and amounts as bare JSON number literals.
function accountJson(fields: { id: string; customerId: string; balance: string }): string {
  return `{"id":${fields.id},"customerId":${fields.customerId},"parentId":"","balance":${fields.balance},"currency":"EUR","status":"ACCOUNT_OK"}`;
}

describe('exact decoding', () => {
  it('keeps ids of up to 32 digits and decimal amounts byte-exact', () => {
    fc.assert(
      fc.property(id, id, decimal, (accountId, customerId, balance) => {
        const json = accountJson({ id: accountId, customerId, balance });
        const [account] = decodeAccountList(parseExactJson(`[${json}]`));
        expect(account?.id).toBe(accountId);
        expect(account?.customerId).toBe(customerId);
        expect(account?.balance).toBe(balance);
      }),
    );
  });

  it.each(['1234.50', '0.10', '-12.30', '100000000000000000.01', '1E+3'])(
    'keeps %s as sent',
    (balance) => {
      const [account] = decodeAccountList(
        parseExactJson(`[${accountJson({ id: '9007199254740993', customerId: '1', balance })}]`),
      );
      expect(account?.balance).toBe(balance);
      expect(account?.id).toBe('9007199254740993');
    },
  );

  it('takes ids sent as strings as well as numbers', () => {
    const [account] = decodeAccountList(
      parseExactJson('[{"id":"12345678901234567890","customerId":"7","parentId":42}]'),
    );
    expect(account).toMatchObject({ id: '12345678901234567890', customerId: '7', parentId: '42' });
  });

  it.each([
    ['an omitted parentId', '{"id":1,"customerId":2}'],
    ['an empty parentId', '{"id":1,"customerId":2,"parentId":""}'],
    ['a null parentId', '{"id":1,"customerId":2,"parentId":null}'],
  ])('reads %s as a top-level account', (_what, json) => {
    expect(decodeAccountList(parseExactJson(`[${json}]`))[0]?.parentId).toBeNull();
  });

  it('accepts a Spring-style page as the list container', () => {
    const list = decodeAccountList(parseExactJson('{"content":[{"id":1,"customerId":2}]}'));
    expect(list.map((account) => account.id)).toEqual(['1']);
  });

  it("reads v4's single-account record as its example shows it, fields of its own and drift included", () => {
    // ENFUCE_API.md §3b: the current example, with the older snapshot's
    // statementBalance/due/totalDue beside it, as a drifting issuer may send.
    const account = decodeAccount(
      parseExactJson(`{
        "InvoicePaymentMethod": "DIRECT_DEBIT",
        "accountCardBlocks": {"hardblock": false, "softblock": true},
        "accountsCardStatuses": "OK",
        "additionalValues": [{"key": "BALC", "value": "true"}],
        "address": {"address1": "Kings street 12", "city": "Mariehamn", "country": "FIN", "zipCode": "22100"},
        "available": 1000.10, "balance": -12.30, "creditLimit": 10000,
        "closureReason": "CLOSED1", "currency": "EUR", "customerId": "55667788990",
        "dueDate": "2026-12-31",
        "eInvoice": {"address": "FI7165429021331431", "operator": "NDEAFIHH", "paymentInstruction": "AA"},
        "id": "12345678901234567890",
        "interestPostingEnabled": true,
        "interestRates": [{"interestRate": 12.5, "interestType": "PURCHASE"}],
        "invoiceDayOfMonth": 31, "invoiceDeliveryMethod": "EMAIL", "invoicedBalance": 10.5,
        "minimumToPay": {"amount": 123, "percentage": 50}, "minimumToPayBalance": 3.10,
        "name": "Travel card", "number": "600000545", "overdueBalance": 0,
        "parentId": "", "paymentReference": {"number": "1234561", "type": "FINNISH_7_3_1"},
        "paymentTerms": 14, "productCode": "CREDIT_EUR_FI", "reason": "FRAUD",
        "reminders": {"reminderStatus": "WAIT", "disableReminderProcess": false},
        "segment": "SEGMENT_B", "status": "ACCOUNT_BLOCKED", "template": "CREDIT",
        "underInvestigation": false,
        "statementBalance": 1.00, "due": 2.00, "totalDue": 3.00,
        "usageLimits": [{"code": "24H", "values": [{"availableAmount": 1200, "availableCount": 1200,
          "code": "ATM", "count": 5, "reset": false, "singleAmount": 200.00, "sumAmount": 1200}]}]
      }`),
    );
    expect(account).toEqual({
      id: '12345678901234567890',
      customerId: '55667788990',
      parentId: null,
      number: '600000545',
      name: 'Travel card',
      status: 'ACCOUNT_BLOCKED',
      currency: 'EUR',
      available: '1000.10',
      balance: '-12.30',
      creditLimit: '10000',
      paymentReference: { number: '1234561', type: 'FINNISH_7_3_1' },
      template: 'CREDIT',
      details: {
        segment: 'SEGMENT_B',
        reason: 'FRAUD',
        address: {
          address1: 'Kings street 12',
          address2: null,
          address3: null,
          address4: null,
          city: 'Mariehamn',
          zipCode: '22100',
          region: null,
          country: 'FIN',
        },
        minimumToPay: { amount: '123', percentage: '50' },
        usageLimits: [
          {
            code: '24H',
            values: [
              {
                code: 'ATM',
                singleAmount: '200.00',
                sumAmount: '1200',
                count: 5,
                reset: false,
                availableAmount: '1200',
                availableCount: 1200,
              },
            ],
          },
        ],
      },
    });
  });

  it('reads the single-account details, a number where the docs print a string included', () => {
    const account = decodeAccount(
      parseExactJson(
        '{"id":5,"customerId":6,"template":"CREDIT","segment":"SEGMENT_A","address":{"city":"Mariehamn","zipCode":22100},"minimumToPay":{"amount":123,"percentage":50.5},"usageLimits":[{"code":"24H","values":[{"code":"ATM","singleAmount":200.00,"count":5,"reset":true}]}]}',
      ),
    );
    expect(account.template).toBe('CREDIT');
    expect(account.details).toMatchObject({
      segment: 'SEGMENT_A',
      address: { city: 'Mariehamn', zipCode: '22100' },
      minimumToPay: { amount: '123', percentage: '50.5' },
      usageLimits: [{ code: '24H', values: [{ code: 'ATM', singleAmount: '200.00', count: 5 }] }],
    });
  });

  it.each([
    ['{}', 'paymentReference'],
    ['{"type":"NONE"}', 'paymentReference'],
    ['{"number":"","type":""}', 'paymentReference'],
    ['[{"values":[{"code":"ATM"}]}]', 'usageLimits'],
    ['[{"code":"24H","values":[{"singleAmount":10}]}]', 'usageLimits'],
    ['[{"code":"24H","values":[{"code":"ATM","sumAmount":"ten"}]}]', 'usageLimits'],
    ['""', 'address'],
    ['{"city":["Espoo"]}', 'address'],
    ['{"amount":10.00,"percentage":"50%"}', 'minimumToPay'],
    ['{"code":"GOLD"}', 'segment'],
    ['[]', 'reason'],
  ] as const)(
    'reads a %s it cannot use as unreadable %s, and keeps the account',
    (value, field) => {
      const noticed: string[] = [];
      const account = decodeAccount(
        parseExactJson(`{"id":5,"customerId":6,"balance":10.00,"${field}":${value}}`),
        (unreadable) => noticed.push(unreadable),
      );
      expect(account.balance).toBe('10.00');
      expect(noticed).toEqual([field]);
      // A reference reads as none; a detail of its own is marked, and fails its
      // field as it is asked for (resolvers/Account.ts).
      if (field === 'paymentReference') expect(account.paymentReference).toBeNull();
      else expect(account.details?.[field]).toBe(UNREADABLE);
    },
  );

  it('reads the other details as usual beside one it cannot use', () => {
    const noticed: string[] = [];
    const account = decodeAccount(
      parseExactJson(
        '{"id":5,"customerId":6,"segment":"SEGMENT_A","reason":"LOST","address":"","minimumToPay":{"amount":123,"percentage":50.5},"usageLimits":[{"code":"24H","values":[{"code":"ATM","count":5}]}]}',
      ),
      (field) => noticed.push(field),
    );
    expect(noticed).toEqual(['address']);
    expect(account.details).toEqual({
      segment: 'SEGMENT_A',
      reason: 'LOST',
      address: UNREADABLE,
      minimumToPay: { amount: '123', percentage: '50.5' },
      usageLimits: [{ code: '24H', values: [expect.objectContaining({ code: 'ATM', count: 5 })] }],
    });
  });

  it('tells which values it read as null, and not the nulls the issuer sent', () => {
    const noticed: string[] = [];
    const notice = (field: string) => noticed.push(field);
    decodeAccount(
      parseExactJson(
        '{"id":5,"customerId":6,"paymentReference":{},"usageLimits":[{"code":"24H","values":[{"code":"ATM","count":-1},{"code":"POS","count":null}]}]}',
      ),
      notice,
    );
    decodeAccount(parseExactJson('{"id":5,"customerId":6,"usageLimits":[{"values":[]}]}'), notice);
    decodeAccount(
      parseExactJson(
        '{"id":5,"customerId":6,"usageLimits":[{"code":"24H","values":[{"code":"ATM","availableCount":-3,"availableAmount":null}]}]}',
      ),
      notice,
    );
    decodeAccountList(
      parseExactJson('[{"id":1,"customerId":2,"paymentReference":null},{"id":3,"customerId":2}]'),
      notice,
    );
    decodeCustomer({ id: '1', role: 'SOLE_TRADER' }, notice);
    decodeCustomer({ id: '1', role: null }, notice);
    expect(noticed).toEqual([
      'paymentReference',
      'usageLimits.count',
      'usageLimits',
      'usageLimits.availableCount',
      'role',
    ]);
  });

  it.each([
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['0', 0],
  ])('reads a usage-limit count of %s, at the edge of GraphQL Int, as %s', (count, read) => {
    const account = decodeAccount(
      parseExactJson(
        `{"id":5,"customerId":6,"usageLimits":[{"code":"24H","values":[{"code":"ATM","count":${count}}]}]}`,
      ),
    );
    expect(account.details?.usageLimits).toEqual([
      { code: '24H', values: [expect.objectContaining({ count: read })] },
    ]);
  });

  it.each(['-1', '3000000000', '1.5'])(
    'reads a usage-limit count of %s, which GraphQL Int cannot hold, as unknown',
    (count) => {
      const account = decodeAccount(
        parseExactJson(
          `{"id":5,"customerId":6,"balance":10.00,"usageLimits":[{"code":"24H","values":[{"code":"ATM","count":${count}}]}]}`,
        ),
      );
      expect(account.balance).toBe('10.00');
      expect(account.details?.usageLimits).toEqual([
        { code: '24H', values: [expect.objectContaining({ code: 'ATM', count: null })] },
      ]);
    },
  );

  it('names the display name of private and corporate customers', () => {
    expect(
      decodeCustomer({ id: '1', role: 'PRIVATE', firstName: 'Matti', lastName: 'Korhonen' }),
    ).toMatchObject({ displayName: 'Matti Korhonen', role: 'PRIVATE' });
    expect(
      decodeCustomer({ id: '1', name: '', firstName: 'Matti', lastName: 'Korhonen' }),
    ).toMatchObject({ displayName: 'Matti Korhonen' });
    expect(
      decodeCustomer({ id: '2', role: 'CORPORATE', name: 'Enfuce Financial Services Oy' }),
    ).toMatchObject({ displayName: 'Enfuce Financial Services Oy' });
  });

  it.each([
    ['invalid JSON', '{"id":', /not valid JSON/],
    ['an HTML page', '<html>oops</html>', /not valid JSON/],
    ['a non-digit id', '[{"id":"../1","customerId":2}]', /unexpected shape at 0\.id/],
    ['an object instead of a list', '{"id":1}', /unexpected shape/],
  ])('refuses %s with UPSTREAM_ERROR and no body in the message', (_what, body, message) => {
    let caught: unknown;
    try {
      decodeAccountList(parseExactJson(body));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'UPSTREAM_ERROR', message });
    expect((caught as Error).message).not.toContain(body);
  });

  it('names the field that fails a single-account record, not a detail it could have read around', () => {
    let caught: unknown;
    try {
      decodeAccount(
        parseExactJson('{"id":5,"customerId":6,"name":{},"address":"","segment":{}}'),
        undefined,
        '5',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'UPSTREAM_ERROR', owner: '6' });
    expect((caught as Error).message).toMatch(/unexpected shape at name/);
  });

  it.each([
    ['another record', '7'],
    ['no record asked for', undefined],
  ])('names no owner of an unusable record when it is %s', (_case, asked) => {
    const unusable = parseExactJson('{"id":5,"customerId":6,"name":{}}');
    let caught: unknown;
    try {
      decodeAccount(unusable, undefined, asked);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'UPSTREAM_ERROR', owner: undefined });
  });

  it.each([
    ['trailing text', '"12.50abc"', 'balance'],
    ['leading text', '"EUR 12.50"', 'balance'],
    ['two points', '"1.2.3"', 'balance'],
    ['a sign alone', '"-"', 'available'],
    ['an empty string', '""', 'creditLimit'],
    ['a decimal comma', '"1 000,00"', 'balance'],
  ] as const)(
    'reads an amount with %s as unreadable, and keeps the page and the record',
    (_what, value, field) => {
      const noticed: string[] = [];
      const notice = (unreadable: string) => noticed.push(unreadable);
      const [odd, plain] = decodeAccountList(
        parseExactJson(
          `[{"id":1,"customerId":2,"available":1.00,"balance":2.00,"creditLimit":3.00,"${field}":${value}},{"id":3,"customerId":2,"balance":12.50}]`,
        ),
        notice,
      );
      expect(odd).toMatchObject({ id: '1', [field]: UNREADABLE });
      // The other amounts of the account, and every other account, as sent.
      const others = (['available', 'balance', 'creditLimit'] as const).filter((f) => f !== field);
      for (const other of others) expect(odd![other]).toMatch(/^\d\.00$/);
      expect(plain).toMatchObject({ id: '3', balance: '12.50' });
      const account = decodeAccount(
        parseExactJson(`{"id":5,"customerId":6,"${field}":${value}}`),
        notice,
      );
      expect(account[field]).toBe(UNREADABLE);
      expect(noticed).toEqual([field, field]);
    },
  );

  it('does not let "__proto__" in a body reach Object.prototype', () => {
    decodeAccountList(parseExactJson('[{"id":1,"customerId":2,"__proto__":{"polluted":1}}]'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
