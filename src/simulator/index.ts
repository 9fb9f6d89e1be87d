/** The WeChat API simulator's public surface. */
export { WechatSimulator, type RecordedCall, type WechatSimulatorOptions } from './wechat-simulator.js';
export type { ListedAuthorizer, SimulatedAuthorizer, SimulatedEnvironment } from './simulated-authorizers.js';
export type { SimulatedComponent } from './component-account.js';
export type { TokenKind } from './token-issuer.js';
export type { SimulatedFault } from './fault-queue.js';
export type { RandomFaultOptions } from './random-faults.js';
export { seededRandom } from './seeded-random.js';
export { AUTHORIZER_LIST_PATH, AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, GET_ENV_INFO_PATH, QUERY_AUTH_PATH, START_PUSH_TICKET_PATH } from './routes.js';
export { type PushAnswer, type PushTarget, eventXml, pushComponentEvent } from './component-push.js';
export type { ComponentPushes } from './component-pushes.js';
export type { PushAttempt, PushDelivery } from './push-delivery.js';
export { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, DEMO_COMPONENT_EVENTS, DEMO_TICKET_PUSH_INTERVAL_MS, demoAuthorizers, demoSimulatorOptions } from './demo-seed.js';
