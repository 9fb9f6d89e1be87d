/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The state of a cloud environment as WeChat reports it. */
export type CloudEnvironmentStatus =
  /** Stopped: over its quota, or banned. */
  | 'HALTED'
  /** In service. */
  | 'NORMAL'
  /** Not usable yet: not initialised, or initialising. */
  | 'UNAVAILABLE'
  /** A state WeChat reported that this subgraph does not know yet. */
  | 'UNKNOWN';

export type MerchantsWithCloudEnvironmentsQueryVariables = Exact<{ [key: string]: never; }>;


export type MerchantsWithCloudEnvironmentsQuery = { merchants: Array<{ id: string, name: string, cloudEnvironments: Array<{ env: string, alias: string, status: CloudEnvironmentStatus, createTime: string, updateTime: string, packageId: string, packageName: string }> | null }> };

export type MerchantCloudEnvironmentQueryVariables = Exact<{
  id: string | number;
  env?: string | null | undefined;
}>;


export type MerchantCloudEnvironmentQuery = { merchant: { id: string, name: string, cloudEnvironments: Array<{ env: string, status: CloudEnvironmentStatus, createTime: string }> | null } | null };

export type MerchantsAliasedEnvironmentsQueryVariables = Exact<{
  env: string;
}>;


export type MerchantsAliasedEnvironmentsQuery = { merchants: Array<{ id: string, all: Array<{ env: string }> | null, one: Array<{ env: string, status: CloudEnvironmentStatus }> | null, again: Array<{ alias: string }> | null }> };

export type MerchantsWithCloudEnvironmentsAgeQueryVariables = Exact<{ [key: string]: never; }>;


export type MerchantsWithCloudEnvironmentsAgeQuery = { merchants: Array<{ id: string, cloudEnvironments: Array<{ env: string, status: CloudEnvironmentStatus, fetchedAt: string }> | null }> };


export const MerchantsWithCloudEnvironmentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MerchantsWithCloudEnvironments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"merchants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"cloudEnvironments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createTime"}},{"kind":"Field","name":{"kind":"Name","value":"updateTime"}},{"kind":"Field","name":{"kind":"Name","value":"packageId"}},{"kind":"Field","name":{"kind":"Name","value":"packageName"}}]}}]}}]}}]} as unknown as DocumentNode<MerchantsWithCloudEnvironmentsQuery, MerchantsWithCloudEnvironmentsQueryVariables>;
export const MerchantCloudEnvironmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MerchantCloudEnvironment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"env"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"merchant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"cloudEnvironments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"env"},"value":{"kind":"Variable","name":{"kind":"Name","value":"env"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createTime"}}]}}]}}]}}]} as unknown as DocumentNode<MerchantCloudEnvironmentQuery, MerchantCloudEnvironmentQueryVariables>;
export const MerchantsAliasedEnvironmentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MerchantsAliasedEnvironments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"env"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"merchants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","alias":{"kind":"Name","value":"all"},"name":{"kind":"Name","value":"cloudEnvironments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"env"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"one"},"name":{"kind":"Name","value":"cloudEnvironments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"env"},"value":{"kind":"Variable","name":{"kind":"Name","value":"env"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"again"},"name":{"kind":"Name","value":"cloudEnvironments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alias"}}]}}]}}]}}]} as unknown as DocumentNode<MerchantsAliasedEnvironmentsQuery, MerchantsAliasedEnvironmentsQueryVariables>;
export const MerchantsWithCloudEnvironmentsAgeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MerchantsWithCloudEnvironmentsAge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"merchants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cloudEnvironments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}}]}}]}}]} as unknown as DocumentNode<MerchantsWithCloudEnvironmentsAgeQuery, MerchantsWithCloudEnvironmentsAgeQueryVariables>;