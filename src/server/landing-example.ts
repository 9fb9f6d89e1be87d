/**
 * The operation Apollo Sandbox opens with outside production: the `_entities` query a
 * gateway sends, for a few known merchants, so a developer sees data on the first click.
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

export function exampleOperation(merchantIds: readonly string[]): { document: string; variables: Record<string, unknown> } {
  return {
    document: DOCUMENT,
    variables: { representations: merchantIds.map((id) => ({ __typename: 'Merchant', id })) },
  };
}
