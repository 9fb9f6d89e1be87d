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
    "query MerchantsWithCloudEnvironments {\n  merchants {\n    id\n    name\n    cloudEnvironments {\n      env\n      alias\n      status\n      createTime\n      updateTime\n      packageId\n      packageName\n    }\n  }\n}\n\nquery MerchantCloudEnvironment($id: ID!, $env: String) {\n  merchant(id: $id) {\n    id\n    name\n    cloudEnvironments(env: $env) {\n      env\n      status\n      createTime\n    }\n  }\n}\n\nquery MerchantsAliasedEnvironments($env: String!) {\n  merchants {\n    id\n    all: cloudEnvironments {\n      env\n    }\n    one: cloudEnvironments(env: $env) {\n      env\n      status\n    }\n    again: cloudEnvironments {\n      alias\n    }\n  }\n}\n\nquery MerchantsWithCloudEnvironmentsAge {\n  merchants {\n    id\n    cloudEnvironments {\n      env\n      status\n      fetchedAt\n    }\n  }\n}": typeof types.MerchantsWithCloudEnvironmentsDocument,
};
const documents: Documents = {
    "query MerchantsWithCloudEnvironments {\n  merchants {\n    id\n    name\n    cloudEnvironments {\n      env\n      alias\n      status\n      createTime\n      updateTime\n      packageId\n      packageName\n    }\n  }\n}\n\nquery MerchantCloudEnvironment($id: ID!, $env: String) {\n  merchant(id: $id) {\n    id\n    name\n    cloudEnvironments(env: $env) {\n      env\n      status\n      createTime\n    }\n  }\n}\n\nquery MerchantsAliasedEnvironments($env: String!) {\n  merchants {\n    id\n    all: cloudEnvironments {\n      env\n    }\n    one: cloudEnvironments(env: $env) {\n      env\n      status\n    }\n    again: cloudEnvironments {\n      alias\n    }\n  }\n}\n\nquery MerchantsWithCloudEnvironmentsAge {\n  merchants {\n    id\n    cloudEnvironments {\n      env\n      status\n      fetchedAt\n    }\n  }\n}": types.MerchantsWithCloudEnvironmentsDocument,
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
export function graphql(source: "query MerchantsWithCloudEnvironments {\n  merchants {\n    id\n    name\n    cloudEnvironments {\n      env\n      alias\n      status\n      createTime\n      updateTime\n      packageId\n      packageName\n    }\n  }\n}\n\nquery MerchantCloudEnvironment($id: ID!, $env: String) {\n  merchant(id: $id) {\n    id\n    name\n    cloudEnvironments(env: $env) {\n      env\n      status\n      createTime\n    }\n  }\n}\n\nquery MerchantsAliasedEnvironments($env: String!) {\n  merchants {\n    id\n    all: cloudEnvironments {\n      env\n    }\n    one: cloudEnvironments(env: $env) {\n      env\n      status\n    }\n    again: cloudEnvironments {\n      alias\n    }\n  }\n}\n\nquery MerchantsWithCloudEnvironmentsAge {\n  merchants {\n    id\n    cloudEnvironments {\n      env\n      status\n      fetchedAt\n    }\n  }\n}"): (typeof documents)["query MerchantsWithCloudEnvironments {\n  merchants {\n    id\n    name\n    cloudEnvironments {\n      env\n      alias\n      status\n      createTime\n      updateTime\n      packageId\n      packageName\n    }\n  }\n}\n\nquery MerchantCloudEnvironment($id: ID!, $env: String) {\n  merchant(id: $id) {\n    id\n    name\n    cloudEnvironments(env: $env) {\n      env\n      status\n      createTime\n    }\n  }\n}\n\nquery MerchantsAliasedEnvironments($env: String!) {\n  merchants {\n    id\n    all: cloudEnvironments {\n      env\n    }\n    one: cloudEnvironments(env: $env) {\n      env\n      status\n    }\n    again: cloudEnvironments {\n      alias\n    }\n  }\n}\n\nquery MerchantsWithCloudEnvironmentsAge {\n  merchants {\n    id\n    cloudEnvironments {\n      env\n      status\n      fetchedAt\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;