/**
 * The trust boundary between the router and this subgraph: when ROUTER_SECRET is set,
 * a /graphql request must carry it in `router-authorization` (the header Apollo's subgraph
 * templates use), or it is answered 401 before any GraphQL (and so any WeChat call) runs.
 * Both sides are hashed before the constant-time comparison, so neither the secret's
 * content nor its length shows in the response time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { JSON_CONTENT_TYPE, errorBody } from './request-errors.js';

export const ROUTER_SECRET_HEADER = 'router-authorization';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether `sent` is the secret; constant time over the SHA-256 digests. */
export function matchesRouterSecret(expectedDigest: Buffer, sent: unknown): boolean {
  return typeof sent === 'string' && timingSafeEqual(digest(sent), expectedDigest);
}

/** A fastify onRequest hook refusing requests that lack the router's shared secret. */
export function requireRouterSecret(secret: string): onRequestAsyncHookHandler {
  const expectedDigest = digest(secret);
  return async (request, reply) => {
    const sent = request.headers[ROUTER_SECRET_HEADER];
    if (matchesRouterSecret(expectedDigest, sent)) return;
    const missing = sent === undefined;
    request.log.warn({ reason: missing ? 'missing' : 'mismatch', ip: request.ip }, 'refused a /graphql request without the router secret');
    const message = missing
      ? `This subgraph answers only its router: send the shared secret (ROUTER_SECRET) in the ${ROUTER_SECRET_HEADER} header.`
      : `The ${ROUTER_SECRET_HEADER} header does not match this subgraph's ROUTER_SECRET; configure the router with the same secret.`;
    // Returning the reply tells fastify the request is answered: nothing after this hook runs.
    return reply.code(401).type(JSON_CONTENT_TYPE).send(errorBody(message, 'UNAUTHENTICATED'));
  };
}
