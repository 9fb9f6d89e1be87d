/**
 * The operation Apollo Sandbox opens with outside production: the `_entities` query a
 * gateway sends, for a few known merchants, so a developer sees data on the first click;
 * under MERCHANT_AUTHORIZER_FIELD each representation carries the appid, as a gateway's does.
 */
const DOCUMENT = `# What a gateway asks this subgraph for: Merchant entities, by id.
query MerchantCloudEnvironments($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Merchant {
      id
      cloudEnvironments {
        env
        alias
        status
        createTime
        updateTime
        packageId
        packageName
      }
    }
  }
}
`;

/** A Merchant representation as a gateway sends it. */
export type MerchantRepresentation = Readonly<Record<string, string>>;

/** The representations of `merchants`, with `authorizerField` (MERCHANT_AUTHORIZER_FIELD) holding each one's appid when set. */
export function exampleRepresentations(
  merchants: readonly { readonly merchantId: string; readonly authorizerAppId: string }[],
  authorizerField: string | undefined,
): MerchantRepresentation[] {
  return merchants.map(({ merchantId, authorizerAppId }) => ({
    __typename: 'Merchant',
    id: merchantId,
    ...(authorizerField === undefined ? {} : { [authorizerField]: authorizerAppId }),
  }));
}

export function exampleOperation(representations: readonly MerchantRepresentation[]): { document: string; variables: Record<string, unknown> } {
  return { document: DOCUMENT, variables: { representations } };
}
