/**
 * WeChat's message encryption, checked against an independent implementation of the same
 * scheme (@wecom/crypto) in both directions, and against malformed ciphertexts.
 */
import { randomBytes } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { MessageCrypto, MessageCryptoError, aesKeyFrom } from '../../src/events/message-crypto.js';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const TOKEN = 'pamtest';
const APP_ID = 'wxb11529c136998cb6';
const crypto = new MessageCrypto(TOKEN, AES_KEY);

describe('MessageCrypto', () => {
  it('signs exactly as WeChat does (SHA-1 of the sorted token, timestamp, nonce and ciphertext)', () => {
    const encrypted = wecom.encrypt(AES_KEY, '<xml/>', APP_ID);
    expect(crypto.signature('1409304348', 'xxxxxx', encrypted)).toBe(wecom.getSignature(TOKEN, '1409304348', 'xxxxxx', encrypted));
  });

  it('verifies a signature in either case and refuses another', () => {
    const signature = crypto.signature('1409304348', 'xxxxxx', 'abc');
    expect(crypto.verify(signature, '1409304348', 'xxxxxx', 'abc')).toBe(true);
    expect(crypto.verify(signature.toUpperCase(), '1409304348', 'xxxxxx', 'abc')).toBe(true);
    expect(crypto.verify(signature, '1409304349', 'xxxxxx', 'abc')).toBe(false);
    expect(crypto.verify('short', '1409304348', 'xxxxxx', 'abc')).toBe(false);
  });

  it.each([
    ['a short message', '<xml><InfoType>component_verify_ticket</InfoType></xml>'],
    ['an empty message', ''],
    ['plaintext of exactly two blocks', 'x'.repeat(64 - 20 - APP_ID.length)],
    ['a long message with Chinese text', `<xml>${'基础版 1 '.repeat(200)}</xml>`],
  ])('decrypts what @wecom/crypto encrypts, and the other way round: %s', (_what, message) => {
    const random = randomBytes(16);
    const theirs = wecom.encrypt(AES_KEY, message, APP_ID, random);
    const ours = crypto.encrypt(message, APP_ID, random);
    expect(ours).toBe(theirs);
    expect(crypto.decrypt(theirs)).toEqual({ message, appId: APP_ID });
    expect(wecom.decrypt(AES_KEY, crypto.encrypt(message, APP_ID))).toMatchObject({ message, id: APP_ID });
  });

  it.each([
    ['text that is not base64', 'not base64 at all!'],
    ['base64 that is not whole AES blocks', Buffer.from('0123456789').toString('base64')],
    ['nothing', ''],
    ['blocks made with another key', new MessageCrypto(TOKEN, 'ZGVtby1lbmNvZGluZy1hZXMta2V5LW5vdC1mb3ItcHI').encrypt('<xml/>', APP_ID)],
  ])('refuses %s with a MessageCryptoError', (_what, encrypted) => {
    expect(() => crypto.decrypt(encrypted)).toThrow(MessageCryptoError);
  });

  it('reads an EncodingAESKey only as 43 characters of base64 making 32 bytes', () => {
    expect(aesKeyFrom(AES_KEY)?.length).toBe(32);
    expect(aesKeyFrom(AES_KEY.slice(1))).toBeUndefined();
    expect(aesKeyFrom(`${AES_KEY}=`)).toBeUndefined();
    expect(aesKeyFrom(`${AES_KEY.slice(1)}-`)).toBeUndefined();
    expect(() => new MessageCrypto(TOKEN, 'short')).toThrow(/43 characters/);
  });
});
