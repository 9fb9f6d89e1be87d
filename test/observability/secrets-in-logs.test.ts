/**
 * Every path that logs an error, fed one carrying every secret the subgraph holds (in its
 * message, stack, causes and fields: test/support/secret-error.ts), writes none of them:
 * the HTTP layer's refusals and unexpected errors, unexpected errors in resolvers and in
 * plugins (the latter logged by Apollo Server itself), the event receiver's failures,
 * fastify's own error log, and a logger called in any of the ways code calls it. The
 * failures are injected where the real code meets them; everything that logs is the real
 * subgraph's. (Start-up's last words, from a spawned process: start-up-secrets.slow.test.ts.)
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthorizerRegistry } from '../../src/authorizers/authorizer-registry.js';
import { ComponentEventHandler } from '../../src/events/component-event-handler.js';
import { MessageCrypto } from '../../src/events/message-crypto.js';
import { Metrics } from '../../src/observability/metrics.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { testMerchants } from '../support/merchants.js';
import { TestTokenService, startPlatformStack, stopPlatformStacks } from '../support/platform.js';
import { ALL_SECRETS, CONFIGURED_SECRETS, DYNAMIC_SECRETS, PLATFORM_SECRET, secretError, secretsIn } from '../support/secret-error.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';
import { buildPush, postPush } from '../support/wechat-push.js';

const COMPONENT = { appId: 'wx00d0d0d0d0d0d0d0', appSecret: CONFIGURED_SECRETS.WECHAT_COMPONENT_APPSECRET, verifyTicket: CONFIGURED_SECRETS.WECHAT_COMPONENT_VERIFY_TICKET };
const PUSH_KEYS = { messageToken: CONFIGURED_SECRETS.WECHAT_COMPONENT_MESSAGE_TOKEN, encodingAesKey: CONFIGURED_SECRETS.WECHAT_COMPONENT_ENCODING_AES_KEY };
const ROUTER = { 'router-authorization': CONFIGURED_SECRETS.ROUTER_SECRET };
const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'a0' }]);
registerSecrets(...ALL_SECRETS);

let stack: SubgraphStack;
let origin: string;
beforeAll(async () => {
  stack = await startSubgraphStack({
    simulator: { authorizers, component: COMPONENT },
    merchants: entries,
    env: { WECHAT_COMPONENT_MESSAGE_TOKEN: PUSH_KEYS.messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: PUSH_KEYS.encodingAesKey, ROUTER_SECRET: CONFIGURED_SECRETS.ROUTER_SECRET },
  });
  origin = new URL(stack.subgraph.url).origin;
});
afterAll(() => stack?.stop());
afterEach(() => vi.restoreAllMocks());

/** The log lines written while `act` ran, checked to hold no secret; `act`'s answer too. */
async function loggedWhile(act: () => Promise<string>): Promise<Array<Record<string, any>>> {
  const from = stack.logs.lines.length;
  const answer = await act();
  const lines = stack.logs.lines.slice(from);
  expect(secretsIn(answer), 'the answer').toEqual([]);
  expect(secretsIn(lines.join('\n')), 'the log').toEqual([]);
  return lines.map((line) => JSON.parse(line) as Record<string, any>);
}

const query = async (merchantId = 'm_0') => (await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) }, ROUTER)).text;

describe('no secret reaches the log, whatever path logs an error that carries them', () => {
  it('a request the HTTP layer refuses (4xx), whose error quotes what was sent', async () => {
    const lines = await loggedWhile(async () => {
      const response = await fetch(`${origin}/graphql/%E0%A4%A?access_token=${DYNAMIC_SECRETS.accessToken}`, { headers: ROUTER });
      expect(response.status).toBe(400);
      return response.text();
    });
    expect(lines.some((line) => line['status'] === 400)).toBe(true);
  });

  it('an unexpected error outside GraphQL execution (5xx)', async () => {
    vi.spyOn(Registry.prototype, 'metrics').mockRejectedValueOnce(secretError());
    const lines = await loggedWhile(async () => {
      const response = await fetch(`${origin}/metrics`);
      expect(response.status).toBe(500);
      return response.text();
    });
    expect(lines.find((line) => line['msg'] === 'unexpected error outside GraphQL execution')?.err).toMatchObject({ message: expect.stringContaining('[REDACTED]'), stack: expect.stringContaining('caused by') });
  });

  it('an unexpected error in a resolver, logged with its stack and causes', async () => {
    vi.spyOn(AuthorizerRegistry.prototype, 'findByMerchantIds').mockRejectedValueOnce(secretError());
    const lines = await loggedWhile(query);
    const line = lines.find((entry) => entry['level'] === 50 && entry['err']);
    expect(line?.err).toMatchObject({ componentVerifyTicket: '[REDACTED]', request: { headers: { authorization: '[REDACTED]' } }, platform: { secret: '[REDACTED]' } });
  });

  it('an unexpected error in a plugin, logged by Apollo Server itself', async () => {
    vi.spyOn(Metrics.prototype, 'operationLabel').mockImplementationOnce(() => {
      throw secretError();
    });
    const lines = await loggedWhile(query);
    expect(lines.some((line) => String(line['msg']).startsWith('Unexpected error processing request'))).toBe(true);
  });

  it('the event receiver: a push it could not process, and an unexpected error while opening one', async () => {
    const eventsUrl = `${origin}/wechat/component/events`;
    const push = () => buildPush(PUSH_KEYS, COMPONENT.appId, { InfoType: 'component_verify_ticket', ComponentVerifyTicket: DYNAMIC_SECRETS.pushedTicket });
    vi.spyOn(ComponentEventHandler.prototype, 'handleOnce').mockRejectedValueOnce(secretError());
    const failed = await loggedWhile(async () => {
      const answer = await postPush(eventsUrl, push());
      expect(answer.status).toBe(503);
      return answer.text;
    });
    expect(failed.some((line) => line['push'] === 'failed' && line['err'])).toBe(true);

    vi.spyOn(MessageCrypto.prototype, 'decrypt').mockImplementationOnce(() => {
      throw secretError();
    });
    const unexpected = await loggedWhile(async () => {
      const answer = await postPush(eventsUrl, push());
      expect(answer.status).toBe(500);
      return answer.text;
    });
    expect(unexpected.some((line) => line['msg'] === 'unexpected error in the WeChat push receiver')).toBe(true);
  });

  it('fastify’s own error log ({ req, res, err }), on the subgraph’s logger', async () => {
    const logs = captureLogs('info');
    const app = Fastify({ loggerInstance: logs.logger as FastifyBaseLogger });
    app.get('/fails', async () => {
      throw secretError();
    });
    try {
      // fastify's own answer (its default error handler, which the subgraph replaces) is not the point: its log line is.
      expect((await app.inject({ method: 'GET', url: '/fails' })).statusCode).toBe(500);
      expect(logs.lines.some((line) => /"level":50/.test(line))).toBe(true);
      expect(secretsIn(logs.lines.join('\n'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('a logger called any way code calls it: an error alone, under err, under another field, interpolated, in a child’s bindings', () => {
    const logs = captureLogs('info');
    const error = secretError();
    logs.logger.error(error);
    logs.logger.error({ err: error }, 'failed');
    logs.logger.warn({ failure: error, detail: error.message }, 'failed: %s', error.message);
    logs.logger.info({ err: error.message }, error.stack!);
    logs.logger.child({ push: { ComponentVerifyTicket: DYNAMIC_SECRETS.pushedTicket }, cause: error.cause }).error({ nested: [{ deeper: { refresh_token: DYNAMIC_SECRETS.refreshToken } }] }, 'child');
    expect(logs.lines).toHaveLength(5);
    expect(secretsIn(logs.lines.join('\n'))).toEqual([]);
    // What an operator needs of the error stays: its type, the text around the secrets, its causes.
    expect(JSON.parse(logs.lines[0]!).err).toMatchObject({ type: 'Error', message: expect.stringMatching(/^GET \/tcb\/getenvinfo\?access_token=\[REDACTED\] failed .*: POST \/cgi-bin/) });
  });
});

describe('the platform’s secret', () => {
  const service = new TestTokenService(PLATFORM_SECRET);
  beforeAll(() => service.start());
  afterAll(async () => {
    await stopPlatformStacks();
    await service.stop();
  });

  it('is scrubbed by value from anything logged once TOKEN_SOURCE=platform has it', async () => {
    const { stack: platformStack } = await startPlatformStack({ PLATFORM_TOKEN_URL: service.urlTemplate, PLATFORM_TOKEN_SECRET: PLATFORM_SECRET });
    const from = platformStack.logs.lines.length;
    platformStack.logs.logger.error(`the platform answered for ${PLATFORM_SECRET}`);
    const line = platformStack.logs.lines.slice(from).join('\n');
    expect(line).toContain('the platform answered for [REDACTED]');
  });
});
