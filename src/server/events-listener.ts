/**
 * The event receiver's own listener (EVENTS_PORT), the one port that faces the internet,
 * where WeChat pushes the component_verify_ticket and the authorization events. It serves
 * POST /wechat/component/events and nothing else: no GraphQL, metrics, health or
 * readiness, and the same bare 404 for every other path, so it tells a scanner nothing.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { MAX_EVENT_BYTES } from '../events/component-events-route.js';
import { createHttpListener } from './http-listener.js';

export async function createEventsListener(logger: Logger, receiver: FastifyPluginAsync): Promise<FastifyInstance> {
  const app = createHttpListener(logger, MAX_EVENT_BYTES);
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('not found\n'));
  await app.register(receiver);
  return app;
}
