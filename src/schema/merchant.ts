/** Merchant, the entity another subgraph owns; this subgraph adds its cloud environments. */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** MERCHANT_AUTHORIZER_FIELD's value as the gateway sent it in the representation: not checked yet (merchant-authorizer.ts checks it). */
export interface RepresentedAuthorizer {
  /** The field's name, e.g. wechatAppId. */
  readonly field: string;
  /** Undefined when the representation lacks the field. */
  readonly value: unknown;
}

@Directive('@key(fields: "id")')
// simpleResolvers: `id` is a plain read; cloudEnvironments keeps its type-graphql field resolver.
@ObjectType({ description: 'A merchant of the company. Its other fields come from the subgraph that owns it.', simpleResolvers: true })
export class Merchant {
  @Field(() => ID, { description: "The merchant's id, shared by every subgraph." })
  id!: string;

  /** Set under MERCHANT_AUTHORIZER_FIELD only (the gateway names the authorizer); unset, the registry does. Not a GraphQL field. */
  representedAuthorizer?: RepresentedAuthorizer;
}
