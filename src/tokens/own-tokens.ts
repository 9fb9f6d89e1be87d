/**
 * The own-token mode assembled: the token cache over the token records, the component and
 * authorizer tokens, what the event receiver writes, and what keeps the records whole:
 * the ticket keeper (when WeChat can push a ticket here and none is configured) and the
 * refresh-token recovery (whenever the component is configured), both told when the store
 * lost its records (store-recovery.ts). app.ts builds it once; tests start it through app.ts.
 */
import type { Logger } from 'pino';
import type { TokenTimings } from '../config/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { ComponentApi } from '../wechat/component-api.js';
import { AuthorizerTokens } from './authorizer-tokens.js';
import { ComponentTokens } from './component-tokens.js';
import { ReceivedTokens } from './received-tokens.js';
import { RefreshTokenRecovery } from './refresh-token-recovery.js';
import { SharedTokenCache } from './shared-token-cache.js';
import { TicketKeeper } from './ticket-keeper.js';
import type { TokenRecords } from './token-records.js';

export interface OwnTokensOptions {
  readonly records: TokenRecords;
  readonly timings: TokenTimings;
  /** Undefined when no component credentials are configured: only fixed tokens work. */
  readonly componentApi: ComponentApi | undefined;
  /** WECHAT_COMPONENT_VERIFY_TICKET (development): with it, no ticket is asked for. */
  readonly fallbackTicket: string | undefined;
  /** Authorizer appid → fixed access token, from AUTHORIZERS_FILE. */
  readonly fixedTokens: ReadonlyMap<string, string>;
  /** Whether the event receiver is on, so a ticket WeChat is asked to push can arrive. */
  readonly receiving: boolean;
  readonly mappedAuthorizers: () => Promise<ReadonlySet<string>>;
  /** False while the store has lost its records (the store's marker is gone). */
  readonly storeIntact: () => Promise<boolean>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface OwnTokens {
  readonly tokens: AuthorizerTokens;
  /** What the event receiver hands the token layer. */
  readonly received: ReceivedTokens;
  /** Starts the ticket keeper; resolves after its first look at the ticket, and the ask it may have made. */
  start(): Promise<void>;
  /** The store lost its records: the ticket is asked for, and a list pass may run at once. */
  storeLost(): void;
  close(): void;
}

export function ownTokens(options: OwnTokensOptions): OwnTokens {
  const { records, timings, componentApi, logger, metrics } = options;
  const cache = new SharedTokenCache({ records, logger, metrics, timings });
  const keeper =
    componentApi && options.receiving && options.fallbackTicket === undefined
      ? new TicketKeeper({ records, componentApi, timings: timings.recovery, logger, metrics })
      : undefined;
  const componentTokens = new ComponentTokens({
    records,
    cache,
    componentApi,
    fallbackTicket: options.fallbackTicket,
    ticketExpiresAfterMs: timings.recovery.ticketExpiresAfterMs,
    ...(keeper ? { ticketWatcher: keeper } : {}),
  });
  const recovery = componentApi
    ? new RefreshTokenRecovery({
        records,
        componentTokens,
        mappedAuthorizers: options.mappedAuthorizers,
        storeIntact: options.storeIntact,
        timings: { ...timings.recovery, lockTtlMs: timings.lock.ttlMs, pollMs: timings.lock.pollMs },
        logger,
        metrics,
      })
    : undefined;
  const tokens = new AuthorizerTokens({ records, cache, componentTokens, fixedTokens: options.fixedTokens, ...(recovery ? { recovery } : {}) });
  const received = new ReceivedTokens({ records, cache, componentTokens, ...(keeper ? { onTicket: () => keeper.ticketArrived() } : {}) });
  return {
    tokens,
    received,
    async start() {
      await keeper?.start();
    },
    storeLost() {
      recovery?.storeLost();
      keeper?.storeLost();
    },
    close() {
      keeper?.close();
    },
  };
}
