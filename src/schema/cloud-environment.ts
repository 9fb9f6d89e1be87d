/** The CloudEnvironment object type: one WeChat Cloud (TCB) environment of a merchant. */
// Decorators read design-time metadata: the polyfill must load before any class here.
import 'reflect-metadata';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CloudEnvironmentStatus } from '../wechat/env-info.js';
import { DateTimeScalar } from './date-time.js';

registerEnumType(CloudEnvironmentStatus, {
  name: 'CloudEnvironmentStatus',
  description: 'The state of a cloud environment as WeChat reports it.',
  valuesConfig: {
    NORMAL: { description: 'In service.' },
    HALTED: { description: 'Stopped: over its quota, or banned.' },
    UNAVAILABLE: { description: 'Not usable yet: not initialised, or initialising.' },
    UNKNOWN: { description: 'A state WeChat reported that this subgraph does not know yet.' },
  },
});

// simpleResolvers: its fields are plain reads, which graphql's default resolver does without
// type-graphql's middleware glue (an object and a closure per field, some 1,750 per W1 operation).
@ObjectType({ description: "A WeChat Cloud (TCB / CloudBase) environment of a merchant's mini program.", simpleResolvers: true })
export class CloudEnvironment {
  @Field(() => ID, { description: 'The environment id, e.g. test2-4a89da; stable.' })
  env!: string;

  @Field(() => String, { description: 'The environment alias set by the merchant; may be empty.' })
  alias!: string;

  @Field(() => DateTimeScalar, { description: 'When the environment was opened.' })
  createTime!: Date;

  @Field(() => DateTimeScalar, { description: 'When the environment was last modified.' })
  updateTime!: Date;

  @Field(() => CloudEnvironmentStatus, { description: 'Whether the environment is in service.' })
  status!: CloudEnvironmentStatus;

  @Field(() => String, { description: 'The plan id, e.g. basic; an open set of values.' })
  packageId!: string;

  @Field(() => String, { description: 'The plan display name, in Chinese, e.g. 基础版 1.' })
  packageName!: string;

  @Field(() => DateTimeScalar, {
    description:
      'When this subgraph last read the environment from WeChat; the same instant for every environment of one answer. Seconds old when fresh; older when WeChat could not be read and the last good answer was served instead.',
  })
  fetchedAt!: Date;
}
