/**
 * The simulator's in-memory records. Ids, account numbers and amounts are
 * strings holding exactly the digits the simulator writes on the wire (see
 * json.ts); nothing here ever passes through a JS number.
 */

export type AccountStatus =
  | 'ACCOUNT_BLOCKED'
  | 'ACCOUNT_COLLECTION'
  | 'ACCOUNT_OK'
  | 'ACCOUNT_TO_CLOSE'
  | 'ACCOUNT_CLOSED'
  | 'ACCOUNT_AUTO_CLOSED';

export type InvoiceDeliveryMethod =
  | 'REGULAR_MAIL'
  | 'EMAIL'
  | 'E_INVOICE'
  | 'CUSTOM_1'
  | 'CUSTOM_2'
  | 'CUSTOM_3'
  | 'CUSTOM_4'
  | 'CUSTOM_5';

export type Segment =
  'SEGMENT_A' | 'SEGMENT_B' | 'SEGMENT_C' | 'SEGMENT_D' | 'SEGMENT_E' | 'SEGMENT_F';

/**
 * How a top-level account says it has no parent. The docs only say "empty";
 * the simulator rotates through all three spellings so clients cope with each.
 */
export type TopLevelStyle = 'omit' | 'empty' | 'null';

export interface PaymentReferenceRecord {
  /** Account number + check digit for MOD10 / FINNISH_7_3_1; free text otherwise. */
  number: string;
  /** MOD10, FINNISH_7_3_1, or (for one fixture) a value the docs do not list. */
  type: string;
}

export interface AddressRecord {
  address1: string;
  address2?: string;
  address3?: string;
  address4?: string;
  city: string;
  /** ISO 3166-1 alpha-3. */
  country: string;
  region?: string;
  zipCode: string;
}

export interface UsageLimitValueRecord {
  code: string;
  reset: boolean;
  singleAmount: string;
  count: number;
  sumAmount: string;
}

export interface UsageLimitRecord {
  /** Period code such as `24H`; starts with a digit, so never an enum name. */
  code: string;
  values: UsageLimitValueRecord[];
}

export interface AccountRecord {
  id: string;
  customerId: string;
  /** The parent account's id; `undefined` for a top-level account. */
  parentId?: string;
  /** How `parentId` is written when `parentId` is undefined. */
  topLevelStyle: TopLevelStyle;
  status: AccountStatus;
  available: string;
  balance: string;
  creditLimit: string;
  /** ISO 4217. */
  currency: string;
  number: string;
  paymentReference: PaymentReferenceRecord;
  /** v4 only. */
  name: string;
  /** `template` in v4, `accountTemplate` in the v3 single record. */
  template: string;
  invoiceDeliveryMethod: InvoiceDeliveryMethod;
  minimumToPay: { amount: string; percentage: string };
  /** Account-level address override; most accounts have none. */
  address?: AddressRecord;
  /** Reason for the last status change; only on accounts that are not ACCOUNT_OK. */
  reason?: string;
  segment: Segment;
  eInvoice?: { address: string; operator: string; paymentInstruction: string };
  usageLimits: UsageLimitRecord[];
  /** Write ids and numbers as JSON strings (as the card examples do) instead of numbers. */
  idsAsStrings: boolean;
}

interface CustomerBase {
  id: string;
  customerNumber: string;
  locale: string;
  regNo: string;
  address: AddressRecord;
  email: string;
  phoneNumber: string;
  mobileNumber: string;
  screening: { status: boolean };
}

export interface CorporateCustomerRecord extends CustomerBase {
  role: 'CORPORATE';
  name: string;
  customerRepresentative: string;
  bankruptcyDate?: string;
  registration: { authority: string; registrationDate: string };
}

export interface PrivateCustomerRecord extends CustomerBase {
  role: 'PRIVATE';
  salutation: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  dateOfBirth: string;
  deceasedDate?: string;
  nationality: string[];
}

export type CustomerRecord = CorporateCustomerRecord | PrivateCustomerRecord;
