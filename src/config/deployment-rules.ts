/**
 * What a deployment must get right before it serves anyone, across concerns: production is
 * closed by default (a guard, or ALLOW_OPEN_ACCESS=true on purpose); WeChat's pushes come
 * in on a listener of their own (EVENTS_PORT), so the GraphQL port need not face the
 * internet; and credentials travel only over TLS, unless to a loopback sidecar.
 */
import type { AuthorizationVariables } from './authorization.js';
import type { ComponentVariables } from './component.js';
import { rulesOver } from './model.js';
import type { PlatformVariables } from './platform.js';
import { type ServerVariables, isProduction } from './server.js';
import { originOf, tlsOrLoopback } from './variables.js';
import type { WechatVariables } from './wechat.js';

type Variables = ServerVariables & AuthorizationVariables & ComponentVariables & PlatformVariables & WechatVariables;

const rule = rulesOver<Variables>();

const GUARDS =
  'Set ROUTER_SECRET (the shared secret the router sends in router-authorization), or AUTHORIZATION=subgraph (every caller\'s token checked here; docs/authorization.md)';
const OPT_OUT = 'or, if something else keeps every other caller away (a NetworkPolicy, a sidecar), ALLOW_OPEN_ACCESS=true to run open on purpose';

/** The receiver is on: WeChat's pushes are received here. */
const receiverOn = (values: Pick<Variables, 'WECHAT_COMPONENT_MESSAGE_TOKEN'>) => values.WECHAT_COMPONENT_MESSAGE_TOKEN !== undefined;

/** A credential-bearing URL that production must reach over TLS: the problem, or undefined. */
function plainHttp(name: string, url: string | undefined, why: string): string | undefined {
  if (url === undefined || tlsOrLoopback(url)) return undefined;
  return `In production ${name} must be https:// (or http:// to a loopback sidecar: 127.0.0.1, ::1, localhost), got ${originOf(url)}: ${why}`;
}

export const deploymentRules = [
  // AUTHORIZATION=router alone guards nothing here: the router checks the scope, but a caller that reaches the port directly never meets the router.
  rule(['NODE_ENV', 'ROUTER_SECRET', 'AUTHORIZATION', 'ALLOW_OPEN_ACCESS'], (values) => {
    if (!isProduction(values) || values.ALLOW_OPEN_ACCESS === true || values.ROUTER_SECRET !== undefined || values.AUTHORIZATION.includes('subgraph')) return undefined;
    return values.AUTHORIZATION.includes('router')
      ? `AUTHORIZATION=router without ROUTER_SECRET leaves production open: the router checks the scope, but a caller that reaches this port directly skips the router and is checked by nobody. ${GUARDS}; ${OPT_OUT}`
      : `Production does not start open: with neither ROUTER_SECRET nor AUTHORIZATION set, anyone who reaches this port reads every merchant's cloud environments. ${GUARDS}; ${OPT_OUT}`;
  }),
  rule(
    ['NODE_ENV', 'EVENTS_PORT', 'WECHAT_COMPONENT_MESSAGE_TOKEN'],
    (values) =>
      isProduction(values) &&
      receiverOn(values) &&
      values.EVENTS_PORT === undefined &&
      'EVENTS_PORT is required in production with the event receiver on (WECHAT_COMPONENT_MESSAGE_TOKEN): WeChat pushes from the internet, so the receiver gets a listener of its own, the only port to expose (docs/operations.md#deploy); GraphQL, /metrics and the probes stay on PORT',
  ),
  rule(
    ['NODE_ENV', 'WECHAT_API_BASE_URL', 'EVENTS_PORT', 'WECHAT_COMPONENT_MESSAGE_TOKEN'],
    (values) =>
      values.EVENTS_PORT !== undefined &&
      !receiverOn(values) &&
      // The demo's receiver is on with the demo's own keys.
      (isProduction(values) || values.WECHAT_API_BASE_URL !== undefined) &&
      'EVENTS_PORT is set but the event receiver is off: set WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY to receive WeChat\'s pushes there, or unset EVENTS_PORT',
  ),
  rule(
    ['EVENTS_PORT', 'EVENTS_HOST'],
    ({ EVENTS_PORT: port, EVENTS_HOST: host }) => port === undefined && host !== undefined && 'EVENTS_HOST is only read with EVENTS_PORT: set EVENTS_PORT too, or unset EVENTS_HOST',
  ),
  rule(
    ['PORT', 'EVENTS_PORT'],
    ({ PORT: port, EVENTS_PORT: eventsPort }) =>
      eventsPort !== undefined && eventsPort !== 0 && eventsPort === port && `EVENTS_PORT (${eventsPort}) must differ from PORT: the receiver's listener serves nothing else`,
  ),
  rule(['NODE_ENV', 'AUTH_JWKS_URL'], (values) =>
    isProduction(values) ? plainHttp('AUTH_JWKS_URL', values.AUTH_JWKS_URL, 'over plain HTTP the key set can be swapped in transit, and tokens signed with the swapped key accepted') : undefined,
  ),
  rule(['NODE_ENV', 'PLATFORM_TOKEN_URL'], (values) =>
    isProduction(values) ? plainHttp('PLATFORM_TOKEN_URL', values.PLATFORM_TOKEN_URL, 'over plain HTTP PLATFORM_TOKEN_SECRET and every token travel in clear') : undefined,
  ),
];
