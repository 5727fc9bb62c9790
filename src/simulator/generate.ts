/**
 * Plausible random customers and accounts. Everything is drawn from the
 * seeded generator, so one seed always yields the same records; the fixtures
 * then override the fields tests rely on.
 */
import { finnishCheckDigit, luhnCheckDigit } from '../domain/checkDigits.js';
import type { Random } from './random.js';
import {
  AUTHORITIES,
  COMPANY_FORMS,
  COMPANY_KINDS,
  COMPANY_WORDS,
  COUNTRIES,
  FIRST_NAMES,
  LAST_NAMES,
  MIDDLE_NAMES,
  STREETS,
  type Country,
} from './vocabulary.js';
import type {
  AccountRecord,
  AccountStatus,
  AddressRecord,
  CustomerRecord,
  InvoiceDeliveryMethod,
  PaymentReferenceRecord,
  Segment,
  TopLevelStyle,
} from './records.js';

const STATUSES: readonly AccountStatus[] = [
  'ACCOUNT_BLOCKED',
  'ACCOUNT_COLLECTION',
  'ACCOUNT_TO_CLOSE',
  'ACCOUNT_CLOSED',
  'ACCOUNT_AUTO_CLOSED',
];
const REASONS = [
  'Customer request',
  'Overdue payments',
  'Suspected fraud',
  'Card lost',
  'Contract ended',
];
const DELIVERY: readonly InvoiceDeliveryMethod[] = [
  'REGULAR_MAIL',
  'EMAIL',
  'EMAIL',
  'E_INVOICE',
  'CUSTOM_1',
];
const SEGMENTS: readonly Segment[] = [
  'SEGMENT_A',
  'SEGMENT_B',
  'SEGMENT_C',
  'SEGMENT_D',
  'SEGMENT_E',
  'SEGMENT_F',
];
const CREDIT_LIMITS = [500, 1000, 2000, 3000, 5000, 10000, 25000, 50000];
const TOP_LEVEL_STYLES: readonly TopLevelStyle[] = ['omit', 'empty', 'null'];

/** Picks a country (and with it locale and currency) for a new customer. */
export function pickCountry(rng: Random): Country {
  // Most of the issuer's book is Finnish; the rest is spread over the region.
  return rng.chance(0.5) ? (COUNTRIES[0] as Country) : rng.pick(COUNTRIES);
}

/** The country record for an ISO alpha-3 code the generator knows. */
export function countryByCode(code: string): Country {
  const country = COUNTRIES.find((candidate) => candidate.code === code);
  if (!country) throw new RangeError(`Unknown country code ${JSON.stringify(code)}.`);
  return country;
}

/** Writes an amount held in minor units (cents) as decimal text, e.g. 123450 → "1234.50". */
export function formatCents(cents: number, wholeUnitsOnly = false): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  if (wholeUnitsOnly) return `${sign}${units}`;
  return `${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}

/** A payment reference of the given type for an all-digit account number. */
export function paymentReferenceFor(
  number: string,
  type: 'MOD10' | 'FINNISH_7_3_1',
): PaymentReferenceRecord {
  const check = type === 'MOD10' ? luhnCheckDigit(number) : finnishCheckDigit(number);
  return { number: `${number}${check}`, type };
}

/** The style a top-level account uses, rotated by its position in the dataset. */
export function topLevelStyleFor(sequence: number): TopLevelStyle {
  return TOP_LEVEL_STYLES[sequence % TOP_LEVEL_STYLES.length] as TopLevelStyle;
}

function date(rng: Random, fromYear: number, toYear: number): string {
  const year = rng.int(fromYear, toYear);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function digits(rng: Random, count: number): string {
  let text = String(rng.int(1, 9));
  while (text.length < count) text += String(rng.int(0, 9));
  return text;
}

function address(rng: Random, country: Country): AddressRecord {
  const record: AddressRecord = {
    address1: `${rng.pick(STREETS)} ${rng.int(1, 120)}`,
    city: rng.pick(country.cities),
    country: country.code,
    // Leading zeros are real (Helsinki is 00100), one reason zip codes stay strings.
    zipCode: String(rng.int(100, 99999)).padStart(5, '0'),
  };
  if (rng.chance(0.2)) record.address2 = `c/o ${rng.pick(LAST_NAMES)}`;
  if (record.city === 'Mariehamn') record.region = 'Åland Islands';
  return record;
}

/** A customer of the given role living in `country`. */
export function generateCustomer(
  rng: Random,
  id: string,
  role: 'CORPORATE' | 'PRIVATE',
  country: Country,
): CustomerRecord {
  const base = {
    id,
    customerNumber: `CUST-${id}`,
    locale: rng.pick(country.locales),
    address: address(rng, country),
    phoneNumber: `${country.phonePrefix}${digits(rng, 7)}`,
    mobileNumber: `${country.phonePrefix}${digits(rng, 7)}`,
    screening: { status: rng.chance(0.03) },
  };
  if (role === 'CORPORATE') {
    const name = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_KINDS)} ${COMPANY_FORMS[country.code] ?? 'Ltd'}`;
    return {
      ...base,
      role,
      regNo: `${digits(rng, 7)}-${rng.int(0, 9)}`,
      email: `billing@${name.split(' ')[0]?.toLowerCase() ?? 'company'}.example`,
      name,
      customerRepresentative: `${rng.pick(['Mrs', 'Mr', 'Ms'])} ${rng.pick(LAST_NAMES)}`,
      bankruptcyDate: rng.chance(0.02) ? date(rng, 2015, 2024) : undefined,
      registration: {
        authority: AUTHORITIES[country.code] ?? 'Registry',
        registrationDate: date(rng, 1980, 2023),
      },
    };
  }
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const dateOfBirth = date(rng, 1935, 2005);
  return {
    ...base,
    role,
    regNo: `${dateOfBirth.slice(8, 10)}${dateOfBirth.slice(5, 7)}${dateOfBirth.slice(2, 4)}-${digits(rng, 3)}${rng.pick(['A', 'B', 'C', 'X', '1', '7'])}`,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@mail.example`,
    salutation: rng.pick(['Mr', 'Mrs', 'Ms', 'Dr']),
    firstName,
    middleName: rng.chance(0.4) ? rng.pick(MIDDLE_NAMES) : undefined,
    lastName,
    dateOfBirth,
    deceasedDate: rng.chance(0.01) ? date(rng, 2020, 2024) : undefined,
    nationality: rng.chance(0.1) ? [country.code, rng.pick(COUNTRIES).code] : [country.code],
  };
}

/** What a caller fixes about a new account; the rest is drawn. */
export interface AccountSeed {
  id: string;
  customerId: string;
  parentId?: string;
  /** Position of the account in the dataset; drives the top-level style. */
  sequence: number;
  country: Country;
  /** Printed in the account name, e.g. the holder or company. */
  holder: string;
}

/** A random account; `overrides` replace drawn fields. */
export function generateAccount(
  rng: Random,
  seed: AccountSeed,
  overrides: Partial<AccountRecord> = {},
): AccountRecord {
  const { country } = seed;
  const status: AccountStatus = rng.chance(0.85) ? 'ACCOUNT_OK' : rng.pick(STATUSES);
  const kind = rng.chance(0.75)
    ? 'CREDIT'
    : rng.pick(['DEBIT', 'PREPAID', `MULTICURR_${country.currency}_${country.alpha2}`]);
  const limitCents = kind === 'CREDIT' ? rng.pick(CREDIT_LIMITS) * 100 : 0;
  const balanceCents = kind === 'CREDIT' ? rng.int(-5000, limitCents) : -rng.int(0, 300000); // prepaid money shows as a negative balance
  // Whole amounts are sometimes printed without decimals, as in the issuer's examples ("available": 1000).
  const whole = rng.chance(0.1);
  const fmt = (cents: number): string => formatCents(whole ? cents - (cents % 100) : cents, whole);
  const percentage = rng.pick(['3', '5', '10', '2.5']);
  const minimumCents = Math.max(0, Math.floor((balanceCents * Number(percentage)) / 100));
  const number = `${rng.int(1, 9)}${seed.id.slice(-8).padStart(8, '0')}`;
  const referenceType = country.code === 'FIN' && rng.chance(0.6) ? 'FINNISH_7_3_1' : 'MOD10';
  const delivery = rng.pick(DELIVERY);
  const record: AccountRecord = {
    id: seed.id,
    customerId: seed.customerId,
    parentId: seed.parentId,
    topLevelStyle: topLevelStyleFor(seed.sequence),
    status,
    available: fmt(limitCents - balanceCents),
    balance: fmt(balanceCents),
    creditLimit: fmt(limitCents),
    currency: country.currency,
    number,
    paymentReference: paymentReferenceFor(number, referenceType),
    name: `${seed.holder} ${kind.toLowerCase().replace(/_.*/, '')} account`.slice(0, 64),
    template: kind,
    invoiceDeliveryMethod: delivery,
    minimumToPay: { amount: formatCents(minimumCents), percentage },
    address: rng.chance(0.3) ? address(rng, country) : undefined,
    reason: status === 'ACCOUNT_OK' ? undefined : rng.pick(REASONS),
    segment: rng.pick(SEGMENTS),
    eInvoice:
      delivery === 'E_INVOICE'
        ? {
            address: `FI${digits(rng, 16)}`,
            operator: rng.pick(['NDEAFIHH', 'OKOYFIHH', 'DABAFIHH']),
            paymentInstruction: 'AA',
          }
        : undefined,
    usageLimits: rng.chance(0.7)
      ? [
          {
            code: '24H',
            values: [
              {
                code: 'ATM',
                reset: false,
                singleAmount: '1000',
                count: rng.int(3, 10),
                sumAmount: '1200',
              },
              {
                code: 'POS',
                reset: rng.chance(0.2),
                singleAmount: '5000.00',
                count: rng.int(10, 50),
                sumAmount: '10000.00',
              },
            ],
          },
        ]
      : [],
    idsAsStrings: false,
  };
  return { ...record, ...overrides };
}
