/**
 * What an accepted push changes: the verify ticket is stored for the component token
 * flow; an authorization code is exchanged once through api_query_auth and the
 * authorizer's refresh token and first access token stored; a revocation marks the
 * authorizer revoked, so its merchants answer MERCHANT_NOT_AUTHORIZED without a token mint
 * or a WeChat call. Logs name the authorizer, never a ticket, code or token.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuthorizerRegistry } from '../authorizers/authorizer-registry.js';
import { type KeyValueStore, acceptUnacknowledged } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import { encodeTokenRecord, newTokenRecord } from '../tokens/token-record.js';
import type { ComponentApi } from '../wechat/component-api.js';
import type { ComponentEvent } from './component-event.js';

/** Long enough to outlast WeChat's retries of one push; an authorization code lives 1 hour at most. */
const EXCHANGED_CODE_TTL_MS = 60 * 60 * 1000;

export interface ComponentEventHandlerOptions {
  readonly store: KeyValueStore;
  readonly keys: StoreKeys;
  readonly registry: AuthorizerRegistry;
  readonly componentApi: ComponentApi;
  /** Runs a call with the component access token, healing a rejected one (AuthorizerTokens). */
  readonly withComponentToken: <T>(call: (componentToken: string) => Promise<T>) => Promise<T>;
  /** When the access token an authorization brings is refreshed ahead, as for minted ones (config's tokens.refreshAtFraction). */
  readonly refreshAtFraction: number;
}

export class ComponentEventHandler {
  constructor(private readonly options: ComponentEventHandlerOptions) {}

  /**
   * Handles a push once: the same push again (a replay within the timestamp window, or a
   * copy captured on its way) is acknowledged and changes nothing. A push whose handling
   * failed is not remembered, so WeChat's own retry of it still counts.
   */
  async handleOnce(signature: string, event: ComponentEvent, logger: Logger, rememberMs: number): Promise<'handled' | 'repeat'> {
    const { store, keys } = this.options;
    const marker = keys.handledPush(createHash('sha256').update(signature).digest('hex').slice(0, 32));
    if ((await store.get(marker)) !== undefined) {
      logger.info({ infoType: event.infoType }, 'WeChat push already handled; acknowledged, nothing changed');
      return 'repeat';
    }
    await this.handle(event, logger);
    await store.set(marker, '1', { ttlMs: rememberMs });
    return 'handled';
  }

  async handle(event: ComponentEvent, logger: Logger): Promise<void> {
    switch (event.infoType) {
      case 'component_verify_ticket':
        return this.storeTicket(event.ticket, logger);
      case 'authorized':
      case 'updateauthorized':
        return this.exchangeAuthorizationCode(event.infoType, event.authorizerAppId, event.authorizationCode, logger);
      case 'unauthorized':
        return this.revoke(event.authorizerAppId, logger);
      case 'other':
        logger.info({ infoType: event.name }, 'WeChat push of a kind this service does not act on; acknowledged');
    }
  }

  private async storeTicket(ticket: string, logger: Logger): Promise<void> {
    const { store, keys } = this.options;
    await store.set(keys.componentTicket, ticket);
    // A mint refused for the previous ticket is backing off; the new ticket deserves a try at once.
    await store.delete(keys.failure(keys.componentToken));
    logger.info({ infoType: 'component_verify_ticket' }, 'component_verify_ticket received and stored');
  }

  private async exchangeAuthorizationCode(infoType: string, authorizerAppId: string, code: string, logger: Logger): Promise<void> {
    const { store, keys, registry, componentApi } = this.options;
    const marker = keys.authorizationCode(createHash('sha256').update(code).digest('hex').slice(0, 32));
    if (!(await store.set(marker, new Date().toISOString(), { ttlMs: EXCHANGED_CODE_TTL_MS, onlyIfAbsent: true }))) {
      if ((await store.get(marker))?.startsWith('spent')) {
        logger.error({ infoType, authorizerAppId }, `authorizer ${authorizerAppId}: this push's code was spent without its refresh token being stored; the merchant must authorize again`);
      } else {
        logger.info({ infoType, authorizerAppId }, 'authorization code already exchanged (WeChat repeated the push); nothing to do');
      }
      return;
    }
    let authorization;
    try {
      authorization = await this.options.withComponentToken((componentToken) => componentApi.queryAuth(componentToken, code));
    } catch (error) {
      // Not exchanged: let WeChat's retry of this push try again.
      await store.delete(marker).catch(() => undefined);
      throw error;
    }
    if (authorization.authorizerAppId !== authorizerAppId) {
      throw new Error(`api_query_auth answered for authorizer ${authorization.authorizerAppId}, but the push named ${authorizerAppId}; nothing stored`);
    }
    const refreshKey = keys.refreshToken(authorizerAppId);
    let previous: string | undefined;
    try {
      previous = await store.get(refreshKey);
      // Unacknowledged by a replica, it is still stored (and logged): the code is not lost.
      await store.set(refreshKey, authorization.refreshToken).catch(acceptUnacknowledged);
    } catch (error) {
      // The code is spent: WeChat's retry of this push cannot exchange it again, so say plainly what was lost.
      await store.set(marker, 'spent: refresh token not stored', { ttlMs: EXCHANGED_CODE_TTL_MS }).catch(() => undefined);
      logger.error(
        { infoType, authorizerAppId, err: (error as Error).message },
        `authorizer ${authorizerAppId}: the authorization code was exchanged but its refresh token could not be stored; the merchant must authorize again`,
      );
      throw error;
    }
    if (previous !== undefined && previous !== authorization.refreshToken) {
      logger.info({ infoType, authorizerAppId }, `the authorization replaced the refresh token stored for ${authorizerAppId}`);
    }
    const record = newTokenRecord(authorization.token, authorization.expiresInSeconds, this.options.refreshAtFraction);
    const accessKey = keys.authorizerToken(authorizerAppId);
    await store.set(accessKey, encodeTokenRecord(record), { ttlMs: record.expiresAt - Date.now() });
    await store.delete(keys.failure(accessKey));
    const wasRevoked = await registry.reinstate(authorizerAppId);
    const merchants = await registry.merchantsOf(authorizerAppId);
    logger.info(
      { infoType, authorizerAppId, wasRevoked, merchants: merchants.length },
      merchants.length > 0
        ? `authorizer ${authorizerAppId} authorized: refresh token and access token stored; serving ${merchants.length} merchant(s) mapped to it`
        : `authorizer ${authorizerAppId} authorized: refresh token and access token stored; no merchant is mapped to it yet (npm run authorizers -- add <merchantId> ${authorizerAppId}, or AUTHORIZERS_FILE)`,
    );
  }

  private async revoke(authorizerAppId: string, logger: Logger): Promise<void> {
    const { store, keys, registry } = this.options;
    await registry.revoke(authorizerAppId);
    // WeChat no longer accepts it; nobody should try.
    await store.delete(keys.authorizerToken(authorizerAppId));
    logger.info({ infoType: 'unauthorized', authorizerAppId }, `authorizer ${authorizerAppId} revoked the authorization: its merchants answer MERCHANT_NOT_AUTHORIZED`);
  }
}
