/**
 * Which authorizer (mini-program appid) a merchant's cloudEnvironments asks WeChat for:
 * the registry's, or under MERCHANT_AUTHORIZER_FIELD the one the gateway sent with the
 * merchant's representation, read from no store. There, a representation without the
 * field or with null means the merchants subgraph knows no mini program for the merchant
 * (MERCHANT_NOT_AUTHORIZED), and a malformed one is BAD_USER_INPUT naming the field; neither
 * costs a store read or a WeChat call. A good one still meets the revocations the event
 * receiver records (own tokens, with the receiver on): the merchants subgraph cannot know
 * that an authorizer withdrew our platform's access, and minting for it would only fail.
 */
import { authorizerAppIdModel } from '../authorizers/authorizers-file.js';
import type { Context } from '../context.js';
import { INPUT_RULES } from '../errors/error-codes.js';
import { CloudEnvironmentError, MerchantNotAuthorizedError } from './cloud-environment-error.js';
import type { Merchant, RepresentedAuthorizer } from './merchant.js';

/** The merchant's authorizer appid; rejects with the field's error when it has none or a malformed one. */
export function authorizerOf(merchant: Merchant, context: Context): Promise<string> {
  const represented = merchant.representedAuthorizer;
  if (represented === undefined) {
    return context.authorizers.load(merchant.id).then((authorizer) => {
      if (!authorizer) throw new MerchantNotAuthorizedError(merchant.id);
      return authorizer.authorizerAppId;
    });
  }
  const problem = problemOf(merchant.id, represented);
  if (problem) return Promise.reject(problem);
  const appId = represented.value as string;
  return context.revokedAuthorizers.load(appId).then((revoked) => {
    if (revoked) throw new MerchantNotAuthorizedError(merchant.id, `merchant ${merchant.id}'s mini program ${appId} revoked the authorization (an unauthorized push)`);
    return appId;
  });
}

function problemOf(merchantId: string, { field, value }: RepresentedAuthorizer): CloudEnvironmentError | undefined {
  if (value === undefined || value === null) {
    return new MerchantNotAuthorizedError(merchantId, `the subgraph that owns Merchant gives no ${field} for merchant ${merchantId}: it knows no mini program of the merchant`);
  }
  if (authorizerAppIdModel.safeParse(value).success) return undefined;
  // The value is not echoed: it came from another subgraph, and may be anything.
  const rule = INPUT_RULES['authorizer-field'];
  return new CloudEnvironmentError(rule.message, { code: rule.code, retryable: rule.retryable, merchantId, field }, false, {
    failure: `merchant ${merchantId}'s ${field} from the subgraph that owns Merchant is not a mini-program appid`,
  });
}
