/**
 * What every HTTP listener of the subgraph shares (the GraphQL one and the event
 * receiver's own): fastify on the subgraph's logger without per-request lines, a request
 * id (the caller's x-request-id, or one made here) bound to the request's logger and sent
 * back with the answer, a body limit; and a graceful close that lets requests in flight
 * finish, for at most SHUTDOWN_TIMEOUT_MS.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';

/** How a listener answers the refusals fastify makes itself, before any route runs. */
export type RequestRefusal = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => unknown;

/** `refuse` also answers what fastify refuses before routing (a malformed URL), so nothing is quoted back unscrubbed. */
export function createHttpListener(logger: Logger, bodyLimit: number, refuse?: RequestRefusal): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's per-request lines would double the per-operation logging.
    // Its per-request child logger (bound as requestId) is the operation's logger too.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // A larger body is refused (413) before it is buffered in full or parsed.
    bodyLimit,
    ...(refuse ? { frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void refuse(error, request, reply) } : {}),
  });
  if (refuse) app.setErrorHandler(refuse);
  // The request id goes back with the answer, to match log lines.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  return app;
}

/** Stops accepting, closes each keep-alive connection as it goes idle, and cuts the rest after `timeoutMs`. */
export async function closeGracefully(app: FastifyInstance, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = app.close();
  const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
  const timer = setTimeout(() => {
    logger.warn({ shutdownTimeoutMs: timeoutMs }, 'requests in flight did not finish in time; closing their connections');
    app.server.closeAllConnections();
  }, timeoutMs);
  await closed;
  clearInterval(reaper);
  clearTimeout(timer);
}
