/**
 * The issuer's JSON shapes (ENFUCE_API.md §1–§4) for the simulator's records.
 * Each record's text is built once and cached: list pages are then just
 * joins, which keeps the simulator cheap next to the gateway in benchmarks.
 */
import { isNumberLiteral, RawNumber, stringify, type JsonValue } from './json.js';
import type { AccountRecord, AddressRecord, CustomerRecord } from './records.js';

type View = 'summaryV3' | 'summaryV4' | 'accountV3' | 'accountV4';

const cache: Record<View, WeakMap<AccountRecord, string>> = {
  summaryV3: new WeakMap(),
  summaryV4: new WeakMap(),
  accountV3: new WeakMap(),
  accountV4: new WeakMap(),
};
const customerCache = new WeakMap<CustomerRecord, string>();

/** A v3 list item: the fields of §1, in the documented order. */
export function accountSummaryV3(account: AccountRecord): string {
  return cached('summaryV3', account, () => stringify(summaryV3Fields(account)));
}

/** A v4 list item (also used for sub-accounts): v3's fields plus `name` and `template`, alphabetical. */
export function accountSummaryV4(account: AccountRecord): string {
  return cached('summaryV4', account, () => stringify(alphabetical(summaryV4Fields(account))));
}

/**
 * The single-account record of `GET /account/v4/{id}` (§3b): the v4 list
 * item's fields, the single record's own and a few of v4's alone,
 * alphabetical. Those v4 alone has are derived from the account, not drawn,
 * so the seeded dataset stays the same. The simulator's accounts have spent
 * nothing of their usage limits yet: all of each limit is available.
 */
export function accountV4(account: AccountRecord): string {
  return cached('accountV4', account, () =>
    stringify(
      alphabetical({
        ...summaryV4Fields(account),
        ...detailFields(account),
        usageLimits: usageLimits(account, (value) =>
          alphabetical({
            ...value,
            availableAmount: value.sumAmount,
            availableCount: value.count,
          }),
        ),
        // The capital I is the issuer's own (ENFUCE_API.md §3b).
        InvoicePaymentMethod: INVOICE_PAYMENT_METHODS[Number(account.id.at(-1)) % 3],
        accountCardBlocks: { hardblock: false, softblock: account.status === 'ACCOUNT_BLOCKED' },
        accountsCardStatuses: 'OK',
        interestPostingEnabled: true,
        invoiceDayOfMonth: 1 + (Number(account.id.slice(-2)) % 28),
        paymentTerms: 14,
        productCode: `${account.template}_${account.currency}_FI`,
        underInvestigation: false,
      }),
    ),
  );
}

const INVOICE_PAYMENT_METHODS = ['DIRECT_DEBIT', 'PLUS_GIROT', 'BANK_GIROT'];

/** The single-account record of `GET /account/v3/{id}` (§3a), deprecated upstream. */
export function accountV3(account: AccountRecord): string {
  return cached('accountV3', account, () =>
    stringify({
      ...summaryV3Fields(account),
      accountTemplate: account.template,
      ...detailFields(account),
      usageLimits: usageLimits(account, (value) => value),
    }),
  );
}

/** The customer record of `GET /customer/v3/{id}` (§4), corporate or private fields by role. */
export function customerV3(customer: CustomerRecord): string {
  let text = customerCache.get(customer);
  if (text === undefined) {
    const common = {
      id: new RawNumber(customer.id),
      customerNumber: customer.customerNumber,
      locale: customer.locale,
      regNo: customer.regNo,
      role: customer.role,
      address: address(customer.address),
      email: customer.email,
      phoneNumber: customer.phoneNumber,
      mobileNumber: customer.mobileNumber,
      screening: customer.screening,
    };
    text = stringify(
      customer.role === 'CORPORATE'
        ? {
            ...common,
            name: customer.name,
            customerRepresentative: customer.customerRepresentative,
            bankruptcyDate: customer.bankruptcyDate,
            registration: customer.registration,
          }
        : {
            ...common,
            salutation: customer.salutation,
            firstName: customer.firstName,
            middleName: customer.middleName,
            lastName: customer.lastName,
            dateOfBirth: customer.dateOfBirth,
            deceasedDate: customer.deceasedDate,
            nationality: customer.nationality,
          },
    );
    customerCache.set(customer, text);
  }
  return text;
}

/** A JSON array of already serialised items. */
export function jsonArray(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}

function cached(view: View, account: AccountRecord, build: () => string): string {
  let text = cache[view].get(account);
  if (text === undefined) {
    text = build();
    cache[view].set(account, text);
  }
  return text;
}

function summaryV3Fields(account: AccountRecord): Record<string, JsonValue | undefined> {
  const ids = idFields(account);
  return {
    id: ids.id,
    parentId: ids.parentId,
    status: account.status,
    available: amount(account.available),
    balance: amount(account.balance),
    creditLimit: amount(account.creditLimit),
    currency: account.currency,
    customerId: ids.customerId,
    number: ids.number,
    paymentReference: ids.paymentReference,
  };
}

/** v3's list fields and `name` and `template`, in no particular order. */
function summaryV4Fields(account: AccountRecord): Record<string, JsonValue | undefined> {
  return { ...summaryV3Fields(account), name: account.name, template: account.template };
}

/** What only a single-account record holds but its usage limits, in v3's order. */
function detailFields(account: AccountRecord): Record<string, JsonValue | undefined> {
  return {
    invoiceDeliveryMethod: account.invoiceDeliveryMethod,
    minimumToPay: {
      amount: amount(account.minimumToPay.amount),
      percentage: amount(account.minimumToPay.percentage),
    },
    address: account.address && address(account.address),
    reason: account.reason,
    segment: account.segment,
    eInvoice: account.eInvoice,
  };
}

/** The account's usage limits, each value as v3 writes it, passed through `value`. */
function usageLimits(
  account: AccountRecord,
  value: (v3: Record<string, JsonValue | undefined>) => Record<string, JsonValue | undefined>,
): JsonValue {
  return account.usageLimits.map((limit) => ({
    code: limit.code,
    values: limit.values.map((each) =>
      value({
        code: each.code,
        reset: each.reset,
        singleAmount: amount(each.singleAmount),
        count: each.count,
        sumAmount: amount(each.sumAmount),
      }),
    ),
  }));
}

function alphabetical<T>(fields: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The account examples print ids and numbers bare; one fixture quotes them, as the card examples do.
function idFields(account: AccountRecord) {
  const id = (value: string): JsonValue =>
    account.idsAsStrings || !isNumberLiteral(value) ? value : new RawNumber(value);
  let parentId: JsonValue | undefined;
  if (account.parentId !== undefined) parentId = id(account.parentId);
  else if (account.topLevelStyle === 'empty') parentId = '';
  else if (account.topLevelStyle === 'null') parentId = null;
  return {
    id: id(account.id),
    customerId: id(account.customerId),
    parentId,
    number: id(account.number),
    paymentReference: {
      number: id(account.paymentReference.number),
      type: account.paymentReference.type,
    },
  };
}

function amount(text: string): RawNumber {
  return new RawNumber(text);
}

function address(record: AddressRecord): Record<string, JsonValue | undefined> {
  return {
    address1: record.address1,
    address2: record.address2,
    address3: record.address3,
    address4: record.address4,
    city: record.city,
    country: record.country,
    region: record.region,
    zipCode: record.zipCode,
  };
}
