/**
 * Hand-placed customers and accounts with fixed ids, present for every seed.
 * Tests of the simulator, the gateway and the benchmark refer to them through
 * `FIXTURES`; only the fields named in each comment are fixed, the rest is
 * drawn from the seed like any other record.
 */
import { creditorReference } from '../domain/checkDigits.js';
import {
  countryByCode,
  generateAccount,
  generateCustomer,
  paymentReferenceFor,
} from './generate.js';
import type { DatasetBuilder } from './datasetBuilder.js';
import type { Random } from './random.js';
import type { AccountRecord, CustomerRecord, TopLevelStyle } from './records.js';

/** Ids that tests rely on. Every value is a string of digits. */
export const FIXTURES = {
  /** CORPORATE customer owning the odd-value accounts below; parent of `accountWithParentOtherCustomer`. */
  corporateCustomer: '10000000001',
  /** PRIVATE customer (salutation, first/middle/last name, dateOfBirth, two nationalities); 3 accounts. */
  privateCustomer: '10000000002',
  /** A customer that exists (customer/v3 answers 200) but has no accounts: every list is `[]`. */
  customerNoAccounts: '10000000003',
  /** Exactly 30 accounts: page 0 at size 30 is full and page 1 is empty. */
  customerWith30: '10000000004',
  /**
   * Exactly 75 accounts (pages of 30: 30, 30, 15). Holds children whose parent is on the
   * same page (before and after them), on a later page, on an earlier page, and at
   * `corporateCustomer`, plus a three-level chain.
   */
  customerWith75: '10000000005',
  /** 250 accounts: several full pages even at the maximum size of 100. */
  customerWith250: '10000000006',
  /** Customer id beyond 2^53 (17 digits); its three account ids are beyond 2^53 too. */
  customerBigId: '90071992547409931',
  /** Top-level account of `customerBigId`, a 20-digit id. */
  accountBigIdParent: '12345678901234567890',
  /** 17-digit id that a double cannot hold (a double holds …936, printed as …940); child of `accountBigIdParent`. */
  accountBigId: '90071992547409933',
  /** 20-digit id beyond 2^64; child of `accountBigIdParent`. */
  accountBeyond64Bits: '98765432109876543210',
  /** Top-level account whose JSON omits `parentId`; at `corporateCustomer`. Has sub-accounts at two customers. */
  accountTopLevel: '1000000101',
  /** Top-level account written with `"parentId": ""`. */
  accountTopLevelEmptyParent: '1000000102',
  /** Top-level account written with `"parentId": null`. */
  accountTopLevelNullParent: '1000000103',
  /** balance 1234.50, available 0.10, creditLimit 100000000000000000.01 (EUR), minimumToPay 61.73 / 5. */
  accountExactAmounts: '1000000104',
  /** balance -12.30, available 1012.30, creditLimit 1000.00 (EUR). */
  accountNegativeBalance: '1000000105',
  /** The issuer's own example: number 123456789, paymentReference MOD10 1234567897. */
  accountMod10Reference: '1000000106',
  /** number 123456, paymentReference FINNISH_7_3_1 1234561. */
  accountFinnishReference: '1000000107',
  /** paymentReference type "RF" (not in the docs), number "RF18539007547034" written as a string. */
  accountUnknownPaymentReferenceType: '1000000108',
  /** Ids, customerId, parentId and number written as JSON strings instead of numbers. */
  accountStringIds: '1000000109',
  /** Its parentId (`missingParentId`) is not an account the simulator knows. */
  accountWithMissingParent: '1000000110',
  /** The dangling parent id of `accountWithMissingParent`; GET answers 404. */
  missingParentId: '1000000998',
  /** Child at `customerWith75` (page 0) whose parent (`accountWithSubAccounts`) is earlier on the same page. */
  accountWithParentSamePage: '1000000503',
  /** Child at `customerWith75` (page 0) whose parent sits later on the same page. */
  accountWithParentLaterOnPage: '1000000520',
  /** Child at `customerWith75` (page 0) whose parent (index 45) is on page 1 at size 30. */
  accountWithParentLaterPage: '1000000507',
  /** Child at `customerWith75` (page 1) whose parent is on page 0. */
  accountWithParentEarlierPage: '1000000533',
  /** Child at `customerWith75` whose parent is `accountTopLevel` at `corporateCustomer`. */
  accountWithParentOtherCustomer: '1000000512',
  /** Grandchild at `customerWith75`: parent index 71, grandparent index 70 (top level). */
  accountWithGrandparent: '1000000572',
  /** First account of `customerWith75`, top level, with more than 30 sub-accounts. */
  accountWithSubAccounts: '1000000500',
  /** An account id of valid shape that no record has: GET answers 404. */
  unknownAccountId: '1000000999',
  /** A customer id of valid shape that no record has: customer/v3 answers 404, lists answer []. */
  unknownCustomerId: '10000000999',
} as const;

/** The names in `FIXTURES`. */
export type FixtureName = keyof typeof FIXTURES;

const FIN = countryByCode('FIN');

/** Adds every fixture to `builder`, drawing unfixed fields from `rng`. */
export function addFixtures(builder: DatasetBuilder, rng: Random): void {
  const customer = (
    id: string,
    role: 'CORPORATE' | 'PRIVATE',
    patch: Partial<CustomerRecord> = {},
  ): string => {
    const record = { ...generateCustomer(rng, id, role, FIN), ...patch } as CustomerRecord;
    builder.addCustomer(id, () => record);
    return record.role === 'CORPORATE' ? record.name : `${record.firstName} ${record.lastName}`;
  };
  const account = (
    customerId: string,
    holder: string,
    id: string,
    parentId: string | undefined,
    overrides: Partial<AccountRecord> = {},
  ): void => {
    const seed = {
      id,
      customerId,
      parentId,
      sequence: builder.nextSequence(),
      country: FIN,
      holder,
    };
    const record = generateAccount(rng, seed, overrides);
    builder.addAccount(id, customerId, parentId, () => record);
  };
  const top = (style: TopLevelStyle): Partial<AccountRecord> => ({ topLevelStyle: style });

  const corporate = customer(FIXTURES.corporateCustomer, 'CORPORATE', {
    bankruptcyDate: undefined,
  });
  const owner = FIXTURES.corporateCustomer;
  account(owner, corporate, FIXTURES.accountTopLevel, undefined, top('omit'));
  account(owner, corporate, FIXTURES.accountTopLevelEmptyParent, undefined, top('empty'));
  account(owner, corporate, FIXTURES.accountTopLevelNullParent, undefined, top('null'));
  account(owner, corporate, FIXTURES.accountExactAmounts, FIXTURES.accountTopLevel, {
    currency: 'EUR',
    status: 'ACCOUNT_OK',
    reason: undefined,
    balance: '1234.50',
    available: '0.10',
    creditLimit: '100000000000000000.01',
    minimumToPay: { amount: '61.73', percentage: '5' },
  });
  account(owner, corporate, FIXTURES.accountNegativeBalance, FIXTURES.accountTopLevel, {
    currency: 'EUR',
    balance: '-12.30',
    available: '1012.30',
    creditLimit: '1000.00',
    minimumToPay: { amount: '0.00', percentage: '3' },
  });
  account(owner, corporate, FIXTURES.accountMod10Reference, FIXTURES.accountTopLevelEmptyParent, {
    number: '123456789',
    paymentReference: paymentReferenceFor('123456789', 'MOD10'),
  });
  account(owner, corporate, FIXTURES.accountFinnishReference, FIXTURES.accountTopLevelEmptyParent, {
    number: '123456',
    paymentReference: paymentReferenceFor('123456', 'FINNISH_7_3_1'),
  });
  account(
    owner,
    corporate,
    FIXTURES.accountUnknownPaymentReferenceType,
    FIXTURES.accountTopLevelNullParent,
    {
      number: '539007547034',
      paymentReference: { number: creditorReference('539007547034'), type: 'RF' },
    },
  );
  account(owner, corporate, FIXTURES.accountStringIds, FIXTURES.accountTopLevelNullParent, {
    idsAsStrings: true,
  });
  account(owner, corporate, FIXTURES.accountWithMissingParent, FIXTURES.missingParentId);

  const privateHolder = customer(FIXTURES.privateCustomer, 'PRIVATE', {
    salutation: 'Mr',
    firstName: 'Matti',
    middleName: 'Juha',
    lastName: 'Korhonen',
    email: 'matti.korhonen@mail.example',
    dateOfBirth: '1935-01-08',
    deceasedDate: undefined,
    nationality: ['FIN', 'SWE'],
  });
  account(FIXTURES.privateCustomer, privateHolder, '1000000201', undefined, top('omit'));
  account(FIXTURES.privateCustomer, privateHolder, '1000000202', '1000000201');
  account(FIXTURES.privateCustomer, privateHolder, '1000000203', undefined, top('null'));

  customer(FIXTURES.customerNoAccounts, 'PRIVATE');

  const with30 = customer(FIXTURES.customerWith30, 'CORPORATE');
  for (let i = 0; i < 30; i++) {
    const blockTop = String(1000000600 + i - (i % 10));
    account(
      FIXTURES.customerWith30,
      with30,
      String(1000000600 + i),
      i % 10 === 0 ? undefined : blockTop,
    );
  }

  const with75 = customer(FIXTURES.customerWith75, 'CORPORATE');
  const special: Record<number, string | TopLevelStyle> = {
    0: 'omit',
    45: 'empty',
    70: 'null',
    3: '0',
    7: '45',
    12: FIXTURES.accountTopLevel,
    20: '25',
    25: '0',
    33: '0',
    71: '70',
    72: '71',
  };
  for (let i = 0; i < 75; i++) {
    const rule = special[i] ?? (i % 2 === 0 ? '0' : '45');
    const id = String(1000000500 + i);
    if (rule === 'omit' || rule === 'empty' || rule === 'null') {
      account(FIXTURES.customerWith75, with75, id, undefined, top(rule));
    } else {
      const parentId = rule.length > 2 ? rule : String(1000000500 + Number(rule));
      account(FIXTURES.customerWith75, with75, id, parentId);
    }
  }

  const with250 = customer(FIXTURES.customerWith250, 'CORPORATE');
  for (let i = 0; i < 250; i++) {
    const blockTop = String(1000001000 + i - (i % 25));
    account(
      FIXTURES.customerWith250,
      with250,
      String(1000001000 + i),
      i % 25 === 0 ? undefined : blockTop,
    );
  }

  const big = customer(FIXTURES.customerBigId, 'CORPORATE');
  account(FIXTURES.customerBigId, big, FIXTURES.accountBigIdParent, undefined, top('omit'));
  account(FIXTURES.customerBigId, big, FIXTURES.accountBigId, FIXTURES.accountBigIdParent);
  account(FIXTURES.customerBigId, big, FIXTURES.accountBeyond64Bits, FIXTURES.accountBigIdParent);
}
