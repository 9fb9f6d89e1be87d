/** The WeChat API simulator's public surface. */
export { WechatSimulator, type RecordedCall } from './wechat-simulator.js';
export type { SimulatedAuthorizer, SimulatedEnvironment } from './authorizer-registry.js';
export type { SimulatedFault } from './fault-queue.js';
export { DEMO_AUTHORIZERS_FILE, demoAuthorizers } from './demo-seed.js';
