/** Merchant, the entity another subgraph owns; this subgraph adds its cloud environments. */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
// simpleResolvers: `id` is a plain read; cloudEnvironments keeps its type-graphql field resolver.
@ObjectType({ description: 'A merchant of the company. Its other fields come from the subgraph that owns it.', simpleResolvers: true })
export class Merchant {
  @Field(() => ID, { description: "The merchant's id, shared by every subgraph." })
  id!: string;
}
