/** What every resolver of one operation shares: its loaders, its logger, its request id. */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Authorizer, AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { CloudEnvironmentLoaders, type CloudEnvironmentSources } from './loaders/cloud-environment-loaders.js';

export interface Context {
  readonly requestId: string;
  readonly logger: Logger;
  /** Merchant id → authorizer, one registry lookup per operation for all its merchants. */
  readonly authorizers: DataLoader<string, Authorizer | undefined>;
  readonly cloudEnvironments: CloudEnvironmentLoaders;
}

export interface ContextSources extends CloudEnvironmentSources {
  readonly registry: AuthorizerRegistry;
  readonly logger: Logger;
}

export function createContext(sources: ContextSources, requestId: string): Context {
  return {
    requestId,
    logger: sources.logger.child({ requestId }),
    authorizers: new DataLoader((merchantIds) => sources.registry.findByMerchantIds(merchantIds)),
    cloudEnvironments: new CloudEnvironmentLoaders(sources),
  };
}
