/** The WeChat API simulator's public surface. */
export { WechatSimulator, type RecordedCall, type WechatSimulatorOptions } from './wechat-simulator.js';
export type { SimulatedAuthorizer, SimulatedEnvironment } from './simulated-authorizers.js';
export type { SimulatedComponent } from './component-account.js';
export type { TokenKind } from './token-issuer.js';
export type { SimulatedFault } from './fault-queue.js';
export type { RandomFaultOptions } from './random-faults.js';
export { seededRandom } from './seeded-random.js';
export { AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, GET_ENV_INFO_PATH } from './routes.js';
export { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, demoAuthorizers, demoSimulatorOptions } from './demo-seed.js';
