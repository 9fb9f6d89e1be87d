/**
 * `POST /wechat/component/events`: the third-party platform's authorization event URL,
 * where WeChat pushes the component_verify_ticket every 10 minutes and the authorization
 * events. Every push is checked before anything is stored: body size, a fresh timestamp
 * (a replayed push is refused), msg_signature in constant time, the ciphertext decrypted
 * with our EncodingAESKey, our component appid inside, XML without DOCTYPE or entities.
 * A refusal is a 4xx that stores nothing and logs why (never the body, ticket or key);
 * an accepted push is answered `success`, as WeChat expects.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ComponentEventHandler } from './component-event-handler.js';
import { readComponentEvent } from './component-event.js';
import { EventXmlError, parseEventXml } from './event-xml.js';
import { type MessageCrypto, MessageCryptoError } from './message-crypto.js';

export const COMPONENT_EVENTS_PATH = '/wechat/component/events';
/** WeChat's pushes are well under 2 KB; anything near this is not from WeChat. */
export const MAX_EVENT_BYTES = 16 * 1024;
/** How far a push's timestamp may be from our clock: older is a replay, newer a forgery or a broken clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface ComponentEventsRouteOptions {
  readonly crypto: MessageCrypto;
  readonly componentAppId: string;
  readonly handler: ComponentEventHandler;
  readonly now?: () => number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

const signatureOf = (request: FastifyRequest) => queryField(request.query, 'msg_signature');

function queryField(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || value === '' || value.length > 128) throw new Refusal(400, `the query has no usable ${name}`);
  return value;
}

function refuseOnXml(error: unknown): never {
  if (error instanceof EventXmlError || error instanceof MessageCryptoError) throw new Refusal(400, error.message);
  throw error;
}

export function componentEventsRoute(options: ComponentEventsRouteOptions) {
  const now = options.now ?? Date.now;

  /** The push's event, or a Refusal saying why it is not accepted. */
  function open(request: FastifyRequest) {
    const msgSignature = queryField(request.query, 'msg_signature');
    const timestamp = queryField(request.query, 'timestamp');
    const nonce = queryField(request.query, 'nonce');
    if (!/^\d{1,12}$/.test(timestamp)) throw new Refusal(400, 'timestamp is not a number of seconds');
    const skew = Math.abs(now() / 1000 - Number(timestamp));
    if (skew > MAX_CLOCK_SKEW_SECONDS) {
      throw new Refusal(403, `timestamp is ${Math.round(skew)} s away from our clock (at most ${MAX_CLOCK_SKEW_SECONDS}): a replayed or forged push`);
    }
    if (typeof request.body !== 'string' || request.body === '') throw new Refusal(400, 'the body is not an XML text');
    let envelope;
    try {
      envelope = parseEventXml(request.body);
    } catch (error) {
      refuseOnXml(error);
    }
    const encrypted = envelope['Encrypt'];
    if (encrypted === undefined || encrypted === '') throw new Refusal(400, 'the XML has no Encrypt field (is the platform set to safe mode?)');
    if (!options.crypto.verify(msgSignature, timestamp, nonce, encrypted)) {
      throw new Refusal(401, 'msg_signature does not match: not signed with our message token');
    }
    let fields;
    try {
      const decrypted = options.crypto.decrypt(encrypted);
      if (decrypted.appId !== options.componentAppId) throw new Refusal(403, `the push is for another appid, not our component ${options.componentAppId}`);
      fields = parseEventXml(decrypted.message);
      if (fields['AppId'] !== undefined && fields['AppId'] !== options.componentAppId) {
        throw new Refusal(403, `the message names another AppId, not our component ${options.componentAppId}`);
      }
      return readComponentEvent(fields);
    } catch (error) {
      if (error instanceof Refusal) throw error;
      refuseOnXml(error);
    }
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, status: number, reason: string) {
    request.log.warn({ push: 'refused', status, reason }, `WeChat push refused: ${reason}`);
    return reply.code(status).type('text/plain; charset=utf-8').send(`refused: ${reason}\n`);
  }

  return async (app: FastifyInstance) => {
    // Only this route's parsers: the raw text, whatever content type the sender claims.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413) return refuse(request, reply, 413, `the body is larger than ${MAX_EVENT_BYTES} bytes`);
      if (status >= 400 && status < 500) return refuse(request, reply, status, error.message);
      request.log.error({ err: error }, 'unexpected error in the WeChat push receiver');
      return reply.code(500).type('text/plain; charset=utf-8').send('internal error\n');
    });

    app.post(COMPONENT_EVENTS_PATH, { bodyLimit: MAX_EVENT_BYTES }, async (request, reply) => {
      let event;
      try {
        event = open(request);
      } catch (error) {
        if (error instanceof Refusal) return refuse(request, reply, error.status, error.message);
        throw error;
      }
      try {
        // Remembered past both ends of the timestamp window, so no copy of it is ever handled twice.
        await options.handler.handleOnce(signatureOf(request), event, request.log as unknown as Logger, 2 * MAX_CLOCK_SKEW_SECONDS * 1000);
      } catch (error) {
        // Not refused, just not done: a 5xx makes WeChat push again.
        request.log.error({ push: 'failed', infoType: event.infoType, err: error }, 'WeChat push accepted but could not be processed; WeChat will push it again');
        return reply.code(503).type('text/plain; charset=utf-8').send('try again\n');
      }
      return reply.code(200).type('text/plain; charset=utf-8').send('success');
    });
  };
}
