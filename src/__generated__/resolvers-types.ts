/* eslint-disable */
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerRef, AccountParent, AccountConnectionModel, AccountEdgeModel, PaymentReferenceRecord } from '../upstream/records.js';
import type { GatewayContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * A decimal number sent as a JSON string, holding exactly the digits it was
   * written with (`"1234.50"` stays `"1234.50"`), an exponent too when it had one
   * (`"1.5E+3"`). Never passes through binary floating point.
   */
  Decimal: { input: string; output: string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/**
 * A card account at the issuer: a credit, debit, prepaid or multi-currency
 * contract. Accounts form hierarchies: a sub-account points at its parent.
 */
export type Account = {
  __typename?: 'Account';
  /** The account's own postal address, overriding the customer's. Fetched from the full account record when selected. */
  address?: Maybe<Address>;
  /**
   * The amount the customer can spend now. Null when the issuer sent none; an
   * amount that is not a decimal number, or one without the account's
   * currency, fails this field alone with `UPSTREAM_ERROR`. As are `balance`
   * and `creditLimit`.
   */
  available?: Maybe<Money>;
  /** The account balance, with the issuer's sign. */
  balance?: Maybe<Money>;
  /** The credit limit. */
  creditLimit?: Maybe<Money>;
  /** ISO 4217 currency code of the account's amounts. */
  currency?: Maybe<Scalars['String']['output']>;
  /** The customer who owns the account. Needs no upstream call unless details are selected. */
  customer: Customer;
  /** The id of the customer who owns the account. */
  customerId: Scalars['ID']['output'];
  /** The issuer's account id, exactly as the issuer sent it. */
  id: Scalars['ID']['output'];
  /** What the customer must pay at least on the next invoice. Fetched from the full account record when selected. */
  minimumToPay?: Maybe<MinimumToPay>;
  /** A human-readable account name, when the issuer has one. */
  name?: Maybe<Scalars['String']['output']>;
  /** The account number (digits for the MOD10 and FINNISH_7_3_1 reference types). */
  number?: Maybe<Scalars['String']['output']>;
  /** The parent account, fetched only when selected; null for a top-level account. */
  parent?: Maybe<Account>;
  /** The parent account's id; null for a top-level account. */
  parentId?: Maybe<Scalars['ID']['output']>;
  /**
   * The number incoming payments must quote to be mapped to this account. Null
   * when the issuer sent none, or one this gateway cannot read (counted in
   * `gateway_upstream_unreadable_values_total`).
   */
  paymentReference?: Maybe<PaymentReference>;
  /**
   * The issuer's customer segment (exported only). This and the four fields
   * below come from the full account record: one upstream call per account,
   * shared by them, unless the account was read by id.
   */
  segment?: Maybe<Scalars['String']['output']>;
  /**
   * The account's status at the issuer. A status this gateway does not know
   * fails this field alone with `UPSTREAM_ERROR`, rather than read as none.
   */
  status?: Maybe<AccountStatus>;
  /** The reason for the last status change. Fetched from the full account record when selected. */
  statusReason?: Maybe<Scalars['String']['output']>;
  /** The account template, e.g. `CREDIT` or `MULTICURR_EUR_FI`. */
  template?: Maybe<Scalars['String']['output']>;
  /** Spending limits by period and channel. Fetched from the full account record when selected. */
  usageLimits?: Maybe<Array<UsageLimit>>;
};

/** A page of a customer's accounts. */
export type AccountConnection = {
  __typename?: 'AccountConnection';
  /** The accounts of this page, each with its cursor. */
  edges: Array<AccountEdge>;
  /** The accounts of this page, without cursors. */
  nodes: Array<Account>;
  /** Where this page sits in the whole list. `hasNextPage` is exact: the gateway reads one account ahead. */
  pageInfo: PageInfo;
};

/** An account in a connection, with the cursor that points at it. */
export type AccountEdge = {
  __typename?: 'AccountEdge';
  /** Pass as `after` to continue after this account. */
  cursor: Scalars['String']['output'];
  /** The account. */
  node: Account;
};

/** The status of an account at the issuer. */
export type AccountStatus =
  /** Closed automatically 32 days after ACCOUNT_TO_CLOSE once the balance was zero; final. */
  | 'ACCOUNT_AUTO_CLOSED'
  /** Temporarily blocked: authorisations are declined, card statuses untouched. */
  | 'ACCOUNT_BLOCKED'
  /** Closed. */
  | 'ACCOUNT_CLOSED'
  /** A credit account moved to collection. */
  | 'ACCOUNT_COLLECTION'
  /** Open and in normal use. */
  | 'ACCOUNT_OK'
  /** Closing has started; cards in use become blocked. */
  | 'ACCOUNT_TO_CLOSE';

/** A postal address. */
export type Address = {
  __typename?: 'Address';
  /** First address line. */
  address1?: Maybe<Scalars['String']['output']>;
  /** Second address line. */
  address2?: Maybe<Scalars['String']['output']>;
  /** Third address line. */
  address3?: Maybe<Scalars['String']['output']>;
  /** Fourth address line. */
  address4?: Maybe<Scalars['String']['output']>;
  /** City. */
  city?: Maybe<Scalars['String']['output']>;
  /** ISO 3166-1 alpha-3 country code, e.g. `FIN`. */
  country?: Maybe<Scalars['String']['output']>;
  /** Region or province. */
  region?: Maybe<Scalars['String']['output']>;
  /** Postal code. */
  zipCode?: Maybe<Scalars['String']['output']>;
};

/**
 * A customer of the card programme: a private person or a company. Identified by
 * the issuer's customer id; details and accounts are fetched only when selected.
 */
export type Customer = {
  __typename?: 'Customer';
  /**
   * The customer's card accounts, in the issuer's order, as a Relay-style
   * connection. One upstream call per page in the common case, never more than
   * two. Non-null: when the page cannot be read, the error nulls this customer
   * (or, under `Account.customer`, that account), its other fields with it.
   */
  accounts: AccountConnection;
  /** The issuer's customer number (letters, digits and dashes). */
  customerNumber?: Maybe<Scalars['String']['output']>;
  /** The display name: the company name, or the person's first and last name. */
  displayName?: Maybe<Scalars['String']['output']>;
  /**
   * The issuer's customer id: as the issuer sent it, or, where no issuer
   * record was read (`customer(id:)`, `_entities`), as asked for without
   * leading zeros.
   */
  id: Scalars['ID']['output'];
  /** The customer's locale, e.g. `fi_FI`. */
  locale?: Maybe<Scalars['String']['output']>;
  /**
   * Whether the customer is a company or a private person. Null when the
   * issuer sent none, or a role this gateway does not know (counted in
   * `gateway_upstream_unreadable_values_total`).
   */
  role?: Maybe<CustomerRole>;
};


/**
 * A customer of the card programme: a private person or a company. Identified by
 * the issuer's customer id; details and accounts are fetched only when selected.
 */
export type CustomerAccountsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Whether a customer is a company or a private person. */
export type CustomerRole =
  /** A company. */
  | 'CORPORATE'
  /** A private person. */
  | 'PRIVATE';

/** The least the customer must pay on the next invoice. */
export type MinimumToPay = {
  __typename?: 'MinimumToPay';
  /** A fixed minimum amount, in the account currency. */
  amount?: Maybe<Scalars['Decimal']['output']>;
  /** A minimum as a percentage of the invoiced balance. */
  percentage?: Maybe<Scalars['Decimal']['output']>;
};

/** An amount of money, exact to the last digit. */
export type Money = {
  __typename?: 'Money';
  /** The amount, as a decimal string. */
  amount: Scalars['Decimal']['output'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
};

/** Where a page sits in the whole list (Relay's connection spec). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items come before this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the first item of this page; null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** The number an incoming payment must quote to be credited to an account. */
export type PaymentReference = {
  __typename?: 'PaymentReference';
  /**
   * The number grouped for display: in groups of five from the right (as on
   * Finnish and Nordic invoices), or, for an ISO 11649 creditor reference
   * (`RF` and two check digits), in groups of four from the left, as the
   * standard prints it.
   */
  formatted: Scalars['String']['output'];
  /** The reference number exactly as the issuer sent it. */
  number: Scalars['String']['output'];
  /** The type exactly as the issuer sent it. */
  rawType: Scalars['String']['output'];
  /**
   * How the number is built. `UNKNOWN` when the issuer sends a type this gateway
   * does not know yet; `rawType` then holds what it sent.
   */
  type: PaymentReferenceType;
  /**
   * Whether the check digits are right: by the type's rule for `MOD10` and
   * `FINNISH_7_3_1`; for a type this gateway does not know, by ISO 11649
   * (mod 97, check digits 02 to 98) when the number is a creditor reference
   * (`RF` and two check digits), and null otherwise. The spaces of a printed
   * number are read past.
   */
  valid?: Maybe<Scalars['Boolean']['output']>;
};

/** How a payment reference number is built (the issuer's documented types). */
export type PaymentReferenceType =
  /** Finnish domestic reference (viitenumero): base number plus a 7-3-1 weighted check digit. */
  | 'FINNISH_7_3_1'
  /** Base number plus a Luhn (mod 10) check digit, as in Nordic OCR and KID numbers. */
  | 'MOD10'
  /** A type the issuer sent that this gateway does not know yet; see `rawType`. */
  | 'UNKNOWN';

export type Query = {
  __typename?: 'Query';
  /**
   * One card account by the issuer's account id; null when the issuer has no
   * such account. A caller limited to one customer gets null with `FORBIDDEN`
   * for another customer's account and for a missing one alike.
   */
  account?: Maybe<Account>;
  /**
   * Several accounts at once, in the order of `ids`, with null where the issuer
   * has no such account. Each distinct id is fetched once, however often it is
   * repeated.
   */
  accounts: Array<Maybe<Account>>;
  /**
   * A customer of the card programme, by the issuer's customer id. Makes no
   * upstream call by itself: the customer's accounts are fetched only when
   * selected. So it is never null for an id the caller may read: a customer
   * the issuer does not know reads as one with no accounts and null details.
   */
  customer?: Maybe<Customer>;
};


export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAccountsArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryCustomerArgs = {
  id: Scalars['ID']['input'];
};

/** A set of spending limits for one period, such as `24H`. */
export type UsageLimit = {
  __typename?: 'UsageLimit';
  /** The period code, e.g. `24H` (kept as a string: it may start with a digit). */
  code: Scalars['String']['output'];
  /** The limits for each channel in this period. */
  values: Array<UsageLimitValue>;
};

/** A spending limit for one channel, such as `ATM`. */
export type UsageLimitValue = {
  __typename?: 'UsageLimitValue';
  /**
   * What the issuer reports as still available of this limit's `sumAmount`,
   * exactly as it sent it. Null when the issuer did not say.
   */
  availableAmount?: Maybe<Scalars['Decimal']['output']>;
  /**
   * What the issuer reports as still available of this limit's `count`. Null
   * when the issuer did not say, or sent a number GraphQL's Int cannot hold.
   */
  availableCount?: Maybe<Scalars['Int']['output']>;
  /** The channel code, e.g. `ATM`. */
  code: Scalars['String']['output'];
  /**
   * The largest number of transactions allowed in the period. Null when the
   * issuer did not say, or sent a number GraphQL's Int cannot hold.
   */
  count?: Maybe<Scalars['Int']['output']>;
  /** Whether the counter resets at the end of the period. */
  reset?: Maybe<Scalars['Boolean']['output']>;
  /** The largest single transaction allowed. */
  singleAmount?: Maybe<Scalars['Decimal']['output']>;
  /** The largest total allowed in the period. */
  sumAmount?: Maybe<Scalars['Decimal']['output']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Account: Account;
  Customer: Customer;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  Customer:
    ( { __typename: 'Customer' }
    & GraphQLRecursivePick<FederationTypes['Customer'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<AccountParent>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AccountConnection: ResolverTypeWrapper<AccountConnectionModel>;
  AccountEdge: ResolverTypeWrapper<AccountEdgeModel>;
  AccountStatus: AccountStatus;
  Address: ResolverTypeWrapper<Address>;
  Customer: ResolverTypeWrapper<CustomerRef>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CustomerRole: CustomerRole;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  MinimumToPay: ResolverTypeWrapper<MinimumToPay>;
  Money: ResolverTypeWrapper<Money>;
  PageInfo: ResolverTypeWrapper<AccountConnectionModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PaymentReference: ResolverTypeWrapper<PaymentReferenceRecord>;
  PaymentReferenceType: PaymentReferenceType;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UsageLimit: ResolverTypeWrapper<UsageLimit>;
  UsageLimitValue: ResolverTypeWrapper<UsageLimitValue>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: AccountParent;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  AccountConnection: AccountConnectionModel;
  AccountEdge: AccountEdgeModel;
  Address: Address;
  Customer: CustomerRef;
  Int: Scalars['Int']['output'];
  Decimal: Scalars['Decimal']['output'];
  MinimumToPay: MinimumToPay;
  Money: Money;
  PageInfo: AccountConnectionModel;
  Boolean: Scalars['Boolean']['output'];
  PaymentReference: PaymentReferenceRecord;
  Query: Record<PropertyKey, never>;
  UsageLimit: UsageLimit;
  UsageLimitValue: UsageLimitValue;
}>;

export type AccountResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  available?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  balance?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  creditLimit?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  currency?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  customer?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
  customerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  minimumToPay?: Resolver<Maybe<ResolversTypes['MinimumToPay']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  number?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  parent?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  parentId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  paymentReference?: Resolver<Maybe<ResolversTypes['PaymentReference']>, ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<Maybe<ResolversTypes['AccountStatus']>, ParentType, ContextType>;
  statusReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  template?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  usageLimits?: Resolver<Maybe<Array<ResolversTypes['UsageLimit']>>, ParentType, ContextType>;
}>;

export type AccountConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AccountConnection'] = ResolversParentTypes['AccountConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AccountEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AccountEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AccountEdge'] = ResolversParentTypes['AccountEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
}>;

export type AddressResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = ResolversObject<{
  address1?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  address2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  address3?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  address4?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  city?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  country?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  zipCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type CustomerResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer'], FederationReferenceType extends FederationReferenceTypes['Customer'] = FederationReferenceTypes['Customer']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Customer']> | FederationReferenceType, FederationReferenceType, ContextType>;
  accounts?: Resolver<ResolversTypes['AccountConnection'], ParentType, ContextType, RequireFields<CustomerAccountsArgs, 'first'>>;
  customerNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  displayName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  locale?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['CustomerRole']>, ParentType, ContextType>;
}>;

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type MinimumToPayResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['MinimumToPay'] = ResolversParentTypes['MinimumToPay']> = ResolversObject<{
  amount?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  percentage?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
}>;

export type MoneyResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type PaymentReferenceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PaymentReference'] = ResolversParentTypes['PaymentReference']> = ResolversObject<{
  formatted?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rawType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['PaymentReferenceType'], ParentType, ContextType>;
  valid?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'id'>>;
  accounts?: Resolver<Array<Maybe<ResolversTypes['Account']>>, ParentType, ContextType, RequireFields<QueryAccountsArgs, 'ids'>>;
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType, RequireFields<QueryCustomerArgs, 'id'>>;
}>;

export type UsageLimitResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UsageLimit'] = ResolversParentTypes['UsageLimit']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  values?: Resolver<Array<ResolversTypes['UsageLimitValue']>, ParentType, ContextType>;
}>;

export type UsageLimitValueResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UsageLimitValue'] = ResolversParentTypes['UsageLimitValue']> = ResolversObject<{
  availableAmount?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  availableCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  reset?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  singleAmount?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  sumAmount?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = GatewayContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  AccountConnection?: AccountConnectionResolvers<ContextType>;
  AccountEdge?: AccountEdgeResolvers<ContextType>;
  Address?: AddressResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  Decimal?: GraphQLScalarType;
  MinimumToPay?: MinimumToPayResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PaymentReference?: PaymentReferenceResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  UsageLimit?: UsageLimitResolvers<ContextType>;
  UsageLimitValue?: UsageLimitValueResolvers<ContextType>;
}>;

