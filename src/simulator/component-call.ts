/**
 * What WeChat checks first on every call a third-party platform makes with its component
 * access token: POST (43002), the token present (41001), current (40001) and not lapsed
 * (42001), a body (44002) that is a JSON object (47001). One reader, so the component
 * endpoints agree on all of them and in the same order. The token is read from
 * `component_access_token`, or `access_token` as WeChat's newer docs write it.
 */
import { readJsonBody } from './json-body.js';
import type { SimulatedRequest } from './simulated-route.js';
import type { TokenIssuer } from './token-issuer.js';

export type ComponentCall = { readonly componentAppId: string; readonly payload: Record<string, unknown> } | { readonly errcode: number };

export function readComponentCall(request: SimulatedRequest, tokens: TokenIssuer): ComponentCall {
  if (request.method !== 'POST') return { errcode: 43002 };
  const componentToken = request.query.get('component_access_token') ?? request.query.get('access_token');
  if (!componentToken) return { errcode: 41001 };
  const check = tokens.check('component', componentToken);
  if ('errcode' in check) return check;
  const body = readJsonBody(request.body);
  if ('errcode' in body) return body;
  return { componentAppId: check.appId, payload: body.payload };
}
