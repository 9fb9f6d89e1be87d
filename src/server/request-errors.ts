/**
 * Requests refused by the HTTP layer before Apollo Server sees them (unparseable JSON, a
 * body over MAX_BODY_BYTES, a content type no parser accepts) get a 4xx with a
 * GraphQL-shaped body saying what to send instead. Anything else that escapes a route is
 * our bug: logged with its stack, answered 500 without details.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { scrubSecrets } from '../observability/scrub-secrets.js';

/**
 * The body of a refusal made before GraphQL runs (router secret, malformed or oversized
 * request): shaped like a GraphQL response, so a gateway relays the message and code to
 * its client the same way it relays any subgraph error.
 */
export interface ErrorBody {
  readonly errors: ReadonlyArray<{ readonly message: string; readonly extensions: { readonly code: string } }>;
}

export function errorBody(message: string, code: string): ErrorBody {
  return { errors: [{ message, extensions: { code } }] };
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What the client should be told for the refusals fastify makes itself, by fastify error code. */
function messageFor(error: FastifyError, maxBodyBytes: number): { message: string; code: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        message: `The request body is larger than ${maxBodyBytes} bytes (MAX_BODY_BYTES). Send fewer representations per request.`,
        code: 'PAYLOAD_TOO_LARGE',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        message: 'Unsupported content type: send GraphQL as POST with content-type: application/json, or as GET with the query in the URL.',
        code: 'BAD_REQUEST',
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { message: `${error.message}: send a JSON object such as {"query": "{ __typename }"}.`, code: 'BAD_REQUEST' };
    default:
      // fastify's own text, which may quote what the client sent (a URL, a header): scrubbed as a log line is.
      return { message: scrubSecrets(error.message), code: 'BAD_REQUEST' };
  }
}

export function requestErrorHandler(maxBodyBytes: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ code: error.code, status }, error.message);
      const { message, code } = messageFor(error, maxBodyBytes);
      return reply.code(status).type(JSON_CONTENT_TYPE).send(errorBody(message, code));
    }
    request.log.error({ err: error }, 'unexpected error outside GraphQL execution');
    return reply.code(500).type(JSON_CONTENT_TYPE).send(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
  };
}
