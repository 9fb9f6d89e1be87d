/**
 * Merchant.cloudEnvironments: resolves the merchant's authorizer, then asks the
 * operation's loader, so all of an authorizer's fields share one WeChat call. A failure
 * nulls this field only, with one structured error; other fields and merchants keep theirs.
 * The field is merchant-private: under AUTHORIZATION=subgraph the operation's caller is
 * checked first (once per operation); under AUTHORIZATION=router the SDL asks the router
 * for the scope (requires-scopes.ts).
 */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { MerchantNotAuthorizedError, toCloudEnvironmentError } from './cloud-environment-error.js';
import { CloudEnvironment } from './cloud-environment.js';
import { assertEnvArgument } from './env-argument.js';
import { Merchant } from './merchant.js';

@Resolver(() => Merchant)
export class MerchantResolver {
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
    const access = context.caller?.check();
    if (access === undefined) return environmentsOf(merchant.id, env, context);
    // Nothing is asked of WeChat, nor the env argument checked, for a caller who may not read the field.
    return access.then(
      () => environmentsOf(merchant.id, env, context),
      (error: unknown) => {
        throw toCloudEnvironmentError(error, merchant.id);
      },
    );
  }
}

/** A promise chain rather than async/await: this runs for every merchant and alias of an operation. */
function environmentsOf(merchantId: string, env: string | null, context: Context): Promise<CloudEnvironment[]> {
  const envFilter = assertEnvArgument(env);
  return context.authorizers
    .load(merchantId)
    .then((authorizer) => {
      if (!authorizer) throw new MerchantNotAuthorizedError(merchantId);
      return context.cloudEnvironments.load(authorizer.authorizerAppId, envFilter);
    })
    .catch((error: unknown) => {
      throw toCloudEnvironmentError(error, merchantId);
    });
}
