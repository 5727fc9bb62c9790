/**
 * Turns the issuer's response bodies into records without losing a digit.
 *
 * Every JSON number is kept as its source text (exactJson.ts), so an id of
 * 20 digits or an amount of 100000000000000000.01 survives exactly, and the
 * issuer may send ids as numbers or strings alike. The shape is then checked
 * with zod; anything unexpected becomes an UpstreamResponseError whose message
 * names the problem but never echoes the body.
 */
import { z } from 'zod';
import { DECIMAL_PATTERN } from '../domain/decimal.js';
import { UpstreamResponseError } from './errors.js';
import { parseJsonKeepingDigits } from './exactJson.js';
import { sameIssuerId } from './ids.js';
import {
  UNREADABLE,
  type AccountDetails,
  type AccountRecord,
  type AddressRecord,
  type CustomerRecord,
  type Detail,
  type UnreadableDetail,
  type UsageLimitRecord,
} from './records.js';

/** Parses JSON keeping every number as the exact text the issuer sent. */
export function parseExactJson(text: string): unknown {
  try {
    return parseJsonKeepingDigits(text);
  } catch (error) {
    throw new UpstreamResponseError('the body is not valid JSON', { cause: error });
  }
}

/**
 * A value the issuer sent that the gateway cannot read, and that costs less
 * than the whole record: read as `null` (a role or payment-reference shape
 * new to it, a count GraphQL's Int cannot hold) or failing its own field (a
 * detail of the single-account record, UnreadableDetail). Told to the caller
 * of a decode function, so such reads show in the metrics instead of
 * passing unseen.
 */
export type UnreadableField =
  | UnreadableDetail
  | UnreadableAmount
  | 'role'
  | 'paymentReference'
  | 'usageLimits.count'
  | 'usageLimits.availableCount';
export type UnreadableNotice = (field: UnreadableField) => void;

/** The amounts of an account: one the gateway cannot read fails its own field. */
export type UnreadableAmount = 'available' | 'balance' | 'creditLimit';

/**
 * `schema`, or UNREADABLE for a value it refuses: kept apart from a null the
 * issuer sent, so that only the first is noticed (and a detail fails).
 */
function lenient<T extends z.ZodType>(schema: T) {
  // zod types a caught value as the schema's own output; the sentinel is
  // the one other value it can take. A `.transform` to widen the type would
  // cost a pipe per value read.
  return schema.catch(UNREADABLE as never) as unknown as z.ZodType<z.output<T> | typeof UNREADABLE>;
}

/** The value, or null (noticed as `field`) for one that could not be read. */
function readable<T>(
  value: T | typeof UNREADABLE | null | undefined,
  field: UnreadableField,
  notice: UnreadableNotice | undefined,
): T | null {
  if (value !== UNREADABLE) return value ?? null;
  notice?.(field);
  return null;
}

const ID = z.string().regex(/^\d{1,32}$/, 'an id of 1 to 32 digits');
const DECIMAL = z.string().regex(DECIMAL_PATTERN, 'a decimal number');
const text = z.string().nullish();
const decimal = DECIMAL.nullish();

// The issuer marks a top-level account with an empty parentId, null, or no field at all.
const parentId = z
  .union([ID, z.literal('')])
  .nullish()
  .transform((value) => value || null);

// A reference without a number or a type (`{}`, `{"type":"NONE"}`) is none
// a payment can quote: it reads as no reference, and the account keeps the
// rest, as an account whose reference type is new to the gateway does.
const paymentReference = lenient(
  z.object({ number: z.string().min(1), type: z.string().min(1) }).nullish(),
);

const address = z
  .object({
    address1: text,
    address2: text,
    address3: text,
    address4: text,
    city: text,
    zipCode: text,
    region: text,
    country: text,
  })
  .nullish();

// GraphQL's Int is 32-bit; an odd count (negative, huge) must not cost the
// account its balance, so it reads as unknown, like an unknown role.
const count = lenient(
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .refine((n) => n <= 2 ** 31 - 1)
    .nullish(),
);

// Limits the gateway cannot read (a code missing, an amount that is not
// one) fail the field alone, as the other details do (accountFullLenient).
const usageLimits = z
  .array(
    z.object({
      code: z.string(),
      values: z
        .array(
          z.object({
            code: z.string(),
            singleAmount: decimal,
            sumAmount: decimal,
            count,
            reset: z.boolean().nullish(),
            // Not in v3's record, nor perhaps in every issuer release.
            availableAmount: decimal,
            availableCount: count,
          }),
        )
        .nullish(),
    }),
  )
  .nullish();

const accountSummary = z.object({
  id: ID,
  customerId: ID,
  parentId,
  number: text,
  name: text,
  status: text,
  currency: text,
  available: decimal,
  balance: decimal,
  creditLimit: decimal,
  paymentReference,
  template: text,
});

// Tried when the strict schema refuses a record or a list: an amount that
// is not a decimal number (`""`, `"1 000,00"`) then fails its own field,
// not every account of the customer's page.
const lenientAmounts = {
  available: lenient(decimal),
  balance: lenient(decimal),
  creditLimit: lenient(decimal),
} satisfies Record<UnreadableAmount, z.ZodType>;
const accountSummaryLenient = accountSummary.extend(lenientAmounts);

// The fields only the single-account record has.
const details = {
  segment: text,
  reason: text,
  address,
  minimumToPay: z.object({ amount: decimal, percentage: decimal }).nullish(),
  usageLimits,
} satisfies Record<UnreadableDetail, z.ZodType>;

const accountFull = accountSummary.extend(details);

// Tried when accountFull refuses a record: the details are then read
// leniently, and one in a shape new to the gateway fails its own field
// (toDetails), as an unknown status does, not an account read for its
// balance. Second, because zod's catch costs every record.
const accountFullLenient = accountSummaryLenient.extend({
  segment: lenient(details.segment),
  reason: lenient(details.reason),
  address: lenient(details.address),
  minimumToPay: lenient(details.minimumToPay),
  usageLimits: lenient(details.usageLimits),
} satisfies Record<UnreadableDetail, z.ZodType>);

// The v4 list container is not documented; a bare array is what v3 sends and
// what the issuer most likely still sends, a Spring-style page is the other
// plausible shape.
const listOf = <T extends z.ZodType>(account: T) =>
  z.union([
    z.array(account),
    z.object({ content: z.array(account) }).transform((page) => page.content),
  ]);
const accountList = listOf(accountSummary);
const accountListLenient = listOf(accountSummaryLenient);

const customer = z.object({
  id: ID,
  role: lenient(z.enum(['CORPORATE', 'PRIVATE']).nullish()),
  customerNumber: text,
  locale: text,
  name: text,
  firstName: text,
  lastName: text,
});

type AccountSummaryShape = z.infer<typeof accountSummary> | z.infer<typeof accountSummaryLenient>;
type AccountFullShape = z.infer<typeof accountFull> | z.infer<typeof accountFullLenient>;

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw unexpectedShape(what, result.error);
  return result.data;
}

function unexpectedShape(what: string, error: z.ZodError, owner?: string): UpstreamResponseError {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return new UpstreamResponseError(`${what} has an unexpected shape${where}`, {
    cause: error,
    owner,
  });
}

/** A list of accounts from `GET /account/v4/customer/{customerId}`. */
export function decodeAccountList(body: unknown, notice?: UnreadableNotice): AccountRecord[] {
  const strict = accountList.safeParse(body);
  const shapes = strict.success ? strict.data : check(accountListLenient, body, 'the account list');
  return shapes.map((shape) => toAccountRecord(shape, notice));
}

// All that must be readable to tell who may learn that a record is unusable.
const accountOwner = z.object({ id: ID, customerId: ID });

/**
 * One full account from `GET /account/v4/{id}`, asked for as `id`. An
 * unusable record names its owner only when it is the record asked for: one
 * that is not says nothing about who owns `id`.
 */
export function decodeAccount(
  body: unknown,
  notice?: UnreadableNotice,
  id?: string,
): AccountRecord {
  let result: z.ZodSafeParseResult<AccountFullShape> = accountFull.safeParse(body);
  if (!result.success) result = accountFullLenient.safeParse(body);
  if (!result.success) {
    // Only its owner may learn that the record exists (auth/policy.ts).
    const owner = accountOwner.safeParse(body);
    const named = owner.success && id !== undefined && sameIssuerId(owner.data.id, id);
    throw unexpectedShape('the account', result.error, named ? owner.data.customerId : undefined);
  }
  const shape = result.data;
  return { ...toAccountRecord(shape, notice), details: toDetails(shape, notice) };
}

/** One customer from `GET /customer/v3/{id}`. */
export function decodeCustomer(body: unknown, notice?: UnreadableNotice): CustomerRecord {
  const shape = check(customer, body, 'the customer');
  const personal = [shape.firstName, shape.lastName].filter(Boolean).join(' ');
  return {
    id: shape.id,
    role: readable(shape.role, 'role', notice),
    customerNumber: shape.customerNumber ?? null,
    // A private customer may come with an empty company `name`.
    displayName: shape.name || personal || null,
    locale: shape.locale ?? null,
  };
}

function toAccountRecord(shape: AccountSummaryShape, notice?: UnreadableNotice): AccountRecord {
  return {
    id: shape.id,
    customerId: shape.customerId,
    parentId: shape.parentId,
    number: shape.number ?? null,
    name: shape.name ?? null,
    status: shape.status ?? null,
    currency: shape.currency ?? null,
    available: amount(shape.available, 'available', notice),
    balance: amount(shape.balance, 'balance', notice),
    creditLimit: amount(shape.creditLimit, 'creditLimit', notice),
    paymentReference: readable(shape.paymentReference, 'paymentReference', notice),
    template: shape.template ?? null,
  };
}

function toDetails(shape: AccountFullShape, notice?: UnreadableNotice): AccountDetails {
  return {
    segment: detail(shape.segment, 'segment', notice),
    reason: detail(shape.reason, 'reason', notice),
    address: mapDetail(detail(shape.address, 'address', notice), toAddress),
    minimumToPay: mapDetail(detail(shape.minimumToPay, 'minimumToPay', notice), (minimum) => ({
      amount: minimum.amount ?? null,
      percentage: minimum.percentage ?? null,
    })),
    usageLimits: mapDetail(detail(shape.usageLimits, 'usageLimits', notice), (limits) =>
      limits.map((limit) => toUsageLimit(limit, notice)),
    ),
  };
}

/** A detail or an amount as the record holds it: UNREADABLE kept (and noticed), none as null. */
function detail<T>(
  value: T | typeof UNREADABLE | null | undefined,
  field: UnreadableDetail | UnreadableAmount,
  notice: UnreadableNotice | undefined,
): Detail<T> {
  if (value === UNREADABLE) notice?.(field);
  return value ?? null;
}

const amount = detail<string>;

function mapDetail<T, R>(value: Detail<T>, read: (value: T) => R): Detail<R> {
  if (value === null) return null;
  if (value === UNREADABLE) return UNREADABLE;
  return read(value);
}

function toAddress(shape: NonNullable<z.infer<typeof address>>): AddressRecord {
  return {
    address1: shape.address1 ?? null,
    address2: shape.address2 ?? null,
    address3: shape.address3 ?? null,
    address4: shape.address4 ?? null,
    city: shape.city ?? null,
    zipCode: shape.zipCode ?? null,
    region: shape.region ?? null,
    country: shape.country ?? null,
  };
}

type UsageLimitShape = Exclude<NonNullable<AccountFullShape['usageLimits']>, symbol>[number];

function toUsageLimit(shape: UsageLimitShape, notice?: UnreadableNotice): UsageLimitRecord {
  return {
    code: shape.code,
    values: (shape.values ?? []).map((value) => ({
      code: value.code,
      singleAmount: value.singleAmount ?? null,
      sumAmount: value.sumAmount ?? null,
      count: readable(value.count, 'usageLimits.count', notice),
      reset: value.reset ?? null,
      availableAmount: value.availableAmount ?? null,
      availableCount: readable(value.availableCount, 'usageLimits.availableCount', notice),
    })),
  };
}
