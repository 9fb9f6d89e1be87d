/**
 * Raw HTTP for the hardening tests: requests a well-behaved client would never send
 * (broken JSON, odd content types, huge bodies), read back as status, headers and text,
 * and the check that the subgraph still serves a normal entity fetch afterwards.
 */
import { expect } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: { data?: any; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> } | undefined;
}

export async function send(url: string | URL, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs a GraphQL request body as JSON, with any extra headers. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The only error of a refused request, asserting there is exactly one and no data. */
export function onlyError(response: RawResponse) {
  expect(response.json?.data).toBeUndefined();
  expect(response.json?.errors).toHaveLength(1);
  return response.json!.errors![0]!;
}

/** A normal gateway entity fetch (m_1003 of the demo world) still gets its data. */
export async function expectStillServing(url: string, headers: Record<string, string> = {}): Promise<void> {
  const { status, body } = await postGraphQL(url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1003') }, headers);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data?._entities[0].cloudEnvironments[0].env).toBe('shop-3a7c1e');
}
