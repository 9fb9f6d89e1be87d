/**
 * The pushes WeChat makes to a third-party platform's authorization event URL, made the
 * way WeChat makes them: the message XML encrypted with the platform's EncodingAESKey,
 * wrapped in `<xml><AppId/><Encrypt/></xml>`, signed into `msg_signature` with the
 * message token, POSTed with timestamp and nonce in the query.
 */
import { randomBytes } from 'node:crypto';
import { MessageCrypto } from '../events/message-crypto.js';

/** Where and how a platform receives pushes: what it configured at WeChat. */
export interface PushTarget {
  /** The authorization event URL, e.g. http://127.0.0.1:4001/wechat/component/events */
  readonly url: string;
  readonly messageToken: string;
  readonly encodingAesKey: string;
}

export interface PushAnswer {
  readonly status: number;
  readonly text: string;
}

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** The XML WeChat sends for these fields, each as CDATA except CreateTime. */
export function eventXml(fields: Readonly<Record<string, string>>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => (name === 'CreateTime' ? `<${name}>${value}</${name}>` : `<${name}>${cdata(value)}</${name}>`))
    .join('');
  return `<xml>${body}</xml>`;
}

/** Encrypts, signs and POSTs one push; `timestamp` (epoch seconds) defaults to now; `signal` gives up on the answer. */
export async function pushComponentEvent(
  target: PushTarget,
  componentAppId: string,
  fields: Readonly<Record<string, string>>,
  options: { timestamp?: number; signal?: AbortSignal } = {},
): Promise<PushAnswer> {
  const crypto = new MessageCrypto(target.messageToken, target.encodingAesKey);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const message = eventXml({ AppId: componentAppId, CreateTime: timestamp, ...fields });
  const encrypted = crypto.encrypt(message, componentAppId);
  const query = new URLSearchParams({
    signature: crypto.signature(timestamp, nonce, ''),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: crypto.signature(timestamp, nonce, encrypted),
  });
  const response = await fetch(`${target.url}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: eventXml({ AppId: componentAppId, Encrypt: encrypted }),
    ...(options.signal && { signal: options.signal }),
  });
  return { status: response.status, text: await response.text() };
}
