/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Account($id: ID!) {\n  account(id: $id) {\n    ...AccountSummary\n    parent {\n      id\n      number\n    }\n  }\n}": typeof types.AccountDocument,
    "fragment AccountSummary on Account {\n  id\n  number\n  status\n  currency\n  balance {\n    amount\n    currency\n  }\n  available {\n    amount\n    currency\n  }\n  paymentReference {\n    type\n    formatted\n  }\n}": typeof types.AccountSummaryFragmentDoc,
    "query CustomerAccounts($customerId: ID!, $first: Int = 10, $after: String) {\n  customer(id: $customerId) {\n    id\n    accounts(first: $first, after: $after) {\n      nodes {\n        ...AccountSummary\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.CustomerAccountsDocument,
};
const documents: Documents = {
    "query Account($id: ID!) {\n  account(id: $id) {\n    ...AccountSummary\n    parent {\n      id\n      number\n    }\n  }\n}": types.AccountDocument,
    "fragment AccountSummary on Account {\n  id\n  number\n  status\n  currency\n  balance {\n    amount\n    currency\n  }\n  available {\n    amount\n    currency\n  }\n  paymentReference {\n    type\n    formatted\n  }\n}": types.AccountSummaryFragmentDoc,
    "query CustomerAccounts($customerId: ID!, $first: Int = 10, $after: String) {\n  customer(id: $customerId) {\n    id\n    accounts(first: $first, after: $after) {\n      nodes {\n        ...AccountSummary\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.CustomerAccountsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Account($id: ID!) {\n  account(id: $id) {\n    ...AccountSummary\n    parent {\n      id\n      number\n    }\n  }\n}"): (typeof documents)["query Account($id: ID!) {\n  account(id: $id) {\n    ...AccountSummary\n    parent {\n      id\n      number\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AccountSummary on Account {\n  id\n  number\n  status\n  currency\n  balance {\n    amount\n    currency\n  }\n  available {\n    amount\n    currency\n  }\n  paymentReference {\n    type\n    formatted\n  }\n}"): (typeof documents)["fragment AccountSummary on Account {\n  id\n  number\n  status\n  currency\n  balance {\n    amount\n    currency\n  }\n  available {\n    amount\n    currency\n  }\n  paymentReference {\n    type\n    formatted\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomerAccounts($customerId: ID!, $first: Int = 10, $after: String) {\n  customer(id: $customerId) {\n    id\n    accounts(first: $first, after: $after) {\n      nodes {\n        ...AccountSummary\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query CustomerAccounts($customerId: ID!, $first: Int = 10, $after: String) {\n  customer(id: $customerId) {\n    id\n    accounts(first: $first, after: $after) {\n      nodes {\n        ...AccountSummary\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;