/**
 * The decrypted pushes WeChat sends to a third-party platform's authorization event URL
 * that this service acts on, told apart by `InfoType`. Other InfoTypes (e.g.
 * notify_third_fasteregister) are acknowledged and ignored.
 */
import { EventXmlError } from './event-xml.js';

const APP_ID = /^wx[0-9a-f]{16}$/;

export type ComponentEvent =
  | { readonly infoType: 'component_verify_ticket'; readonly ticket: string }
  | { readonly infoType: 'authorized' | 'updateauthorized'; readonly authorizerAppId: string; readonly authorizationCode: string }
  | { readonly infoType: 'unauthorized'; readonly authorizerAppId: string }
  | { readonly infoType: 'other'; readonly name: string };

function required(fields: Readonly<Record<string, string>>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === '') throw new EventXmlError(`the message has no ${name}`);
  return value;
}

function authorizerAppId(fields: Readonly<Record<string, string>>): string {
  const appId = required(fields, 'AuthorizerAppid');
  if (!APP_ID.test(appId)) throw new EventXmlError('AuthorizerAppid is not "wx" followed by 16 lowercase hex digits');
  return appId;
}

/** The event in a decrypted message's fields; throws EventXmlError when a field it needs is missing. */
export function readComponentEvent(fields: Readonly<Record<string, string>>): ComponentEvent {
  const infoType = required(fields, 'InfoType');
  switch (infoType) {
    case 'component_verify_ticket': {
      const ticket = required(fields, 'ComponentVerifyTicket');
      if (!/^[\x21-\x7e]{1,512}$/.test(ticket)) throw new EventXmlError('ComponentVerifyTicket is not printable ASCII of at most 512 characters');
      return { infoType, ticket };
    }
    case 'authorized':
    case 'updateauthorized': {
      const appId = authorizerAppId(fields);
      const code = required(fields, 'AuthorizationCode');
      if (!/^[\x21-\x7e]{1,512}$/.test(code)) throw new EventXmlError('AuthorizationCode is not printable ASCII of at most 512 characters');
      return { infoType, authorizerAppId: appId, authorizationCode: code };
    }
    case 'unauthorized':
      return { infoType, authorizerAppId: authorizerAppId(fields) };
    default:
      return { infoType: 'other', name: infoType.slice(0, 64) };
  }
}
