/**
 * Pushes built by hand, as WeChat (or someone pretending to be it) would send them, with
 * @wecom/crypto: an implementation of WeChat's scheme independent of the receiver's, so a
 * mistake shared by the receiver and the simulator cannot hide.
 */
import { randomBytes } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import { eventXml } from '../../src/simulator/index.js';
import { captureOutput } from './suite-capture.js';

export interface PushKeys {
  readonly messageToken: string;
  readonly encodingAesKey: string;
}

export interface RawPush {
  readonly query: Record<string, string>;
  readonly body: string;
}

export interface PushOptions {
  /** Epoch seconds; now by default. */
  readonly timestamp?: number;
  /** The appid appended inside the ciphertext; the component's by default. */
  readonly appIdInside?: string;
  /** Sign with this token instead (a forger's). */
  readonly signingToken?: string;
  /** Put this in <Encrypt> instead of the ciphertext (signed all the same). */
  readonly encrypted?: string;
  /** The decrypted message exactly, instead of an <xml> of `fields`. */
  readonly message?: string;
}

export function buildPush(keys: PushKeys, componentAppId: string, fields: Record<string, string>, options: PushOptions = {}): RawPush {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const message = options.message ?? eventXml({ AppId: componentAppId, CreateTime: timestamp, ...fields });
  const encrypted = options.encrypted ?? wecom.encrypt(keys.encodingAesKey, message, options.appIdInside ?? componentAppId);
  return {
    query: {
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: wecom.getSignature(options.signingToken ?? keys.messageToken, timestamp, nonce, encrypted),
    },
    body: eventXml({ AppId: componentAppId, Encrypt: encrypted }),
  };
}

export async function postPush(eventsUrl: string, push: RawPush): Promise<{ status: number; text: string; contentType: string | null }> {
  const response = await fetch(`${eventsUrl}?${new URLSearchParams(push.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
  const text = await response.text();
  captureOutput(text);
  return { status: response.status, text, contentType: response.headers.get('content-type') };
}
