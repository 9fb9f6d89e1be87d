/**
 * The event receiver's own listener (EVENTS_PORT), the one port that faces the internet,
 * where WeChat pushes the component_verify_ticket and the authorization events. It serves
 * POST /wechat/component/events and nothing else: no GraphQL, metrics, health or
 * readiness, and the same bare 404 for every other path, so it tells a scanner nothing.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { MAX_EVENT_BYTES } from '../events/component-events-route.js';
import { createHttpListener } from './http-listener.js';

/** What fastify refuses before any route runs (a malformed URL): a bare status, logged, quoting nothing back. */
function refuse(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'unexpected error on the events listener');
  else request.log.info({ code: error.code, status }, 'request refused on the events listener');
  return reply.code(status).type('text/plain; charset=utf-8').send(status === 500 ? 'internal error\n' : 'refused\n');
}

export async function createEventsListener(logger: Logger, receiver: FastifyPluginAsync): Promise<FastifyInstance> {
  const app = createHttpListener(logger, MAX_EVENT_BYTES, refuse);
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('not found\n'));
  await app.register(receiver);
  return app;
}
