/** What every resolver of one operation shares: its loaders, its logger, its request id. */
import type { Logger } from 'pino';
import type { AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { CloudEnvironmentLoaders, type CloudEnvironmentSources } from './loaders/cloud-environment-loaders.js';

export interface Context {
  readonly requestId: string;
  readonly logger: Logger;
  readonly authorizers: AuthorizerRegistry;
  readonly cloudEnvironments: CloudEnvironmentLoaders;
}

export interface ContextSources extends CloudEnvironmentSources {
  readonly authorizers: AuthorizerRegistry;
  readonly logger: Logger;
}

export function createContext(sources: ContextSources, requestId: string): Context {
  return {
    requestId,
    logger: sources.logger.child({ requestId }),
    authorizers: sources.authorizers,
    cloudEnvironments: new CloudEnvironmentLoaders(sources),
  };
}
