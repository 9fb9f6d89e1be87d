/**
 * Merchant.cloudEnvironments: resolves the merchant's authorizer, then asks the
 * operation's loader, so all of an authorizer's fields share one WeChat call. A failure
 * nulls this field only, with one structured error; other fields and merchants keep theirs.
 * The field is merchant-private: the supergraph's router enforces its @requiresScopes.
 */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { Arg, Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { MerchantNotAuthorizedError, toCloudEnvironmentError } from '../errors/cloud-environment-error.js';
import { CloudEnvironment } from './cloud-environment.js';
import { assertEnvArgument } from './env-argument.js';
import { Merchant } from './merchant.js';

/** The scope a client's token must carry for the router to resolve Merchant.cloudEnvironments. */
export const CLOUD_ENVIRONMENTS_READ_SCOPE = 'merchant:cloud-environments:read';

@Resolver(() => Merchant)
export class MerchantResolver {
  @Directive(`@requiresScopes(scopes: [["${CLOUD_ENVIRONMENTS_READ_SCOPE}"]])`)
  @FieldResolver(() => [CloudEnvironment], {
    nullable: true,
    description:
      "The merchant's WeChat Cloud environments; with `env`, at most that one (empty when it does not exist). Null when WeChat could not be read; the error says why.",
  })
  cloudEnvironments(
    @Root() merchant: Merchant,
    @Arg('env', () => String, { nullable: true, description: 'Only this environment id, e.g. test2-4a89da.' }) env: string | null,
    @Ctx() context: Context,
  ): Promise<CloudEnvironment[]> {
    context.stats.merchants.add(merchant.id);
    const envFilter = assertEnvArgument(env);
    // A promise chain rather than async/await: this runs for every merchant and alias of an operation.
    return context.authorizers
      .load(merchant.id)
      .then((authorizer) => {
        if (!authorizer) throw new MerchantNotAuthorizedError(merchant.id);
        return context.cloudEnvironments.load(authorizer.authorizerAppId, envFilter);
      })
      .catch((error: unknown) => {
        throw toCloudEnvironmentError(error, merchant.id);
      });
  }
}
