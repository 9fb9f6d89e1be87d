/**
 * Merchant.cloudEnvironments: resolves the merchant's authorizer (the registry's, or the
 * one the gateway sends: merchant-authorizer.ts), then asks the operation's loader, so all
 * of an authorizer's fields share one WeChat call. A failure nulls this field only, with
 * one structured error; other fields and merchants keep theirs.
 * Each field is counted once where it settles (cloudenv_fields_total by outcome: data,
 * stale or error; cloudenv_field_errors_total by code; cloudenv_stale_answers_total by
 * reason): the shares operators alert on. A stale field also marks its operation, whose
 * Cache-Control then says so.
 * The field is merchant-private: under AUTHORIZATION=subgraph the operation's caller is
 * checked first (once per operation); under AUTHORIZATION=router the SDL asks the router
 * for the scope (requires-scopes.ts).
 */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import type { FieldAnswer } from '../loaders/cloud-environment-loaders.js';
import { toCloudEnvironmentError } from './cloud-environment-error.js';
import { CloudEnvironment } from './cloud-environment.js';
import { assertEnvArgument } from './env-argument.js';
import { authorizerOf } from './merchant-authorizer.js';
import { Merchant } from './merchant.js';

@Resolver(() => Merchant)
export class MerchantResolver {
  @FieldResolver(() => [CloudEnvironment], {
    nullable: true,
    description:
      "The merchant's WeChat Cloud environments; with `env`, at most that one (empty when it does not exist). When WeChat cannot be read, its last good answer (each environment's fetchedAt says when it was read); null when there is none to serve, and the error says why.",
  })
  cloudEnvironments(
    @Root() merchant: Merchant,
    @Arg('env', () => String, { nullable: true, description: 'Only this environment id, e.g. test2-4a89da.' }) env: string | null,
    @Ctx() context: Context,
  ): Promise<CloudEnvironment[]> {
    context.stats.merchants.add(merchant.id);
    const access = context.caller?.check();
    // Nothing is asked of WeChat, nor the env argument checked, for a caller who may not read the field.
    const answer = access === undefined ? environmentsOf(merchant, env, context) : access.then(() => environmentsOf(merchant, env, context));
    return settled(answer, merchant.id, context);
  }
}

/** A promise chain rather than async/await: this runs for every merchant and alias of an operation. */
function environmentsOf(merchant: Merchant, env: string | null, context: Context): Promise<FieldAnswer> {
  let envFilter: string | undefined;
  try {
    envFilter = assertEnvArgument(env);
  } catch (error) {
    return Promise.reject(error);
  }
  return authorizerOf(merchant, context).then((authorizerAppId) => context.cloudEnvironments.load(authorizerAppId, envFilter));
}

const DATA = { outcome: 'data' } as const;
const STALE = { outcome: 'stale' } as const;
const ERROR = { outcome: 'error' } as const;

/** The field's answer counted once, its failure made the field's one structured error. */
function settled(answer: Promise<FieldAnswer>, merchantId: string, { metrics, stats }: Context): Promise<CloudEnvironment[]> {
  return answer.then(
    ({ environments, stale }) => {
      if (stale === undefined) metrics.fields.inc(DATA);
      else {
        metrics.fields.inc(STALE);
        metrics.staleAnswers.inc({ reason: stale });
        stats.staleFields += 1;
      }
      return environments;
    },
    (error: unknown) => {
      let failure = error;
      try {
        failure = toCloudEnvironmentError(error, merchantId);
      } finally {
        // An error of no kind the table knows (a bug) is thrown on as it is, and counted as what its client sees.
        metrics.fields.inc(ERROR);
        metrics.fieldErrors.inc({ code: failure instanceof GraphQLError && typeof failure.extensions['code'] === 'string' ? failure.extensions['code'] : 'INTERNAL_SERVER_ERROR' });
      }
      throw failure;
    },
  );
}
