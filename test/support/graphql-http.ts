/** Sends GraphQL over real HTTP, as a gateway or a client app would. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { captureOutput } from './suite-capture.js';

export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: {
    data?: TData | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  };
}

export async function postGraphQL<TData = any, TVariables = Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TData, TVariables> | DocumentNode | string,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  captureOutput(text);
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

export const ENTITIES_QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Merchant {
      id
      cloudEnvironments { env alias status createTime updateTime packageId packageName }
    }
  }
}`;

export const merchantRepresentations = (...ids: string[]) => ids.map((id) => ({ __typename: 'Merchant', id }));
