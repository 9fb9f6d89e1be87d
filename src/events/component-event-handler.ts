/**
 * What an accepted push changes: the verify ticket is stored for the component token
 * flow; an authorization code is exchanged once through api_query_auth and the
 * authorizer's refresh token and first access token stored; a revocation marks the
 * authorizer revoked, so its merchants answer MERCHANT_NOT_AUTHORIZED without a token mint
 * or a WeChat call, and deletes its last good getEnvInfo answer, which is never served
 * again. The token records are the token layer's (ReceivedTokens writes them); this module
 * keeps only what the receiver itself remembers: the pushes and codes already handled.
 * Logs name the authorizer, never a ticket, code or token.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuthorizerRegistry } from '../authorizers/authorizer-registry.js';
import type { SharedEnvInfo } from '../loaders/shared-env-info.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import { AuthorizerMismatchError, type ReceivedTokens, SpentAuthorizationError } from '../tokens/received-tokens.js';
import type { ComponentEvent } from './component-event.js';

/** Long enough to outlast WeChat's retries of one push; an authorization code lives 1 hour at most. */
const EXCHANGED_CODE_TTL_MS = 60 * 60 * 1000;

export interface ComponentEventHandlerOptions {
  readonly store: KeyValueStore;
  readonly keys: StoreKeys;
  readonly registry: AuthorizerRegistry;
  /** The token layer's side of a push: the ticket, an authorization's tokens, a revocation. */
  readonly tokens: ReceivedTokens;
  /** The getEnvInfo answers kept for authorizers: a revoked one's are deleted. */
  readonly answers?: Pick<SharedEnvInfo, 'forget'>;
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
    await this.options.tokens.acceptTicket(ticket);
    logger.info({ infoType: 'component_verify_ticket' }, 'component_verify_ticket received and stored');
  }

  private async exchangeAuthorizationCode(infoType: string, authorizerAppId: string, code: string, logger: Logger): Promise<void> {
    const { store, keys, registry, tokens } = this.options;
    const marker = keys.authorizationCode(createHash('sha256').update(code).digest('hex').slice(0, 32));
    if (!(await store.set(marker, new Date().toISOString(), { ttlMs: EXCHANGED_CODE_TTL_MS, onlyIfAbsent: true }))) {
      if ((await store.get(marker))?.startsWith('spent')) {
        logger.error({ infoType, authorizerAppId }, `authorizer ${authorizerAppId}: this push's code was spent without its refresh token being stored; the merchant must authorize again`);
      } else {
        logger.info({ infoType, authorizerAppId }, 'authorization code already exchanged (WeChat repeated the push); nothing to do');
      }
      return;
    }
    let accepted;
    try {
      accepted = await tokens.acceptAuthorization(authorizerAppId, code);
    } catch (error) {
      if (error instanceof SpentAuthorizationError) {
        // The code is spent: WeChat's retry of this push cannot exchange it again, so say plainly what was lost.
        await store.set(marker, 'spent: refresh token not stored', { ttlMs: EXCHANGED_CODE_TTL_MS }).catch(() => undefined);
        logger.error(
          { infoType, authorizerAppId, err: (error.cause as Error).message },
          `authorizer ${authorizerAppId}: the authorization code was exchanged but its refresh token could not be stored; the merchant must authorize again`,
        );
      } else if (!(error instanceof AuthorizerMismatchError)) {
        // Not exchanged: let WeChat's retry of this push try again.
        await store.delete(marker).catch(() => undefined);
      }
      throw error;
    }
    if (accepted.refreshToken === 'replaced') {
      logger.info({ infoType, authorizerAppId }, `the authorization replaced the refresh token stored for ${authorizerAppId}`);
    }
    const wasRevoked = await registry.reinstate(authorizerAppId);
    const merchants = await registry.merchantsOf(authorizerAppId);
    const stored = accepted.accessTokenStored ? 'refresh token and access token stored' : 'refresh token stored (the access token is minted on first use)';
    logger.info(
      { infoType, authorizerAppId, wasRevoked, merchants: merchants.length },
      merchants.length > 0
        ? `authorizer ${authorizerAppId} authorized: ${stored}; serving ${merchants.length} merchant(s) mapped to it`
        : `authorizer ${authorizerAppId} authorized: ${stored}; no merchant is mapped to it yet (npm run authorizers -- add <merchantId> ${authorizerAppId}, or AUTHORIZERS_FILE)`,
    );
  }

  private async revoke(authorizerAppId: string, logger: Logger): Promise<void> {
    await this.options.registry.revoke(authorizerAppId);
    // WeChat no longer accepts its token; nobody should try.
    await this.options.tokens.revokeAuthorizer(authorizerAppId);
    // Nor serve what it allowed us to read: not even while WeChat is down, nor after a later re-authorization.
    await this.options.answers?.forget(authorizerAppId, 'the authorization was revoked');
    logger.info({ infoType: 'unauthorized', authorizerAppId }, `authorizer ${authorizerAppId} revoked the authorization: its merchants answer MERCHANT_NOT_AUTHORIZED`);
  }
}
