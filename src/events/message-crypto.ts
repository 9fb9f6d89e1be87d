/**
 * WeChat's message encryption for the platform's event pushes (the "安全模式" scheme), over
 * node:crypto: a SHA-1 `msg_signature` over the sorted token, timestamp, nonce and
 * ciphertext, and AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first
 * 16 bytes, plaintext = 16 random bytes | uint32 BE length | message | appid, PKCS#7 padded
 * to 32-byte blocks. OpenSSL only strips padding up to 16, so padding is handled here.
 * The simulator encrypts its pushes with the same class, and tests cross-check it with
 * @wecom/crypto.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a push could not be decrypted; a refusal, never a crash. */
export class MessageCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageCryptoError';
  }
}

/** A 43-character EncodingAESKey as the 32-byte AES key, or undefined when it is not one. */
export function aesKeyFrom(encodingAesKey: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) return undefined;
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return key.length === 32 ? key : undefined;
}

export interface DecryptedMessage {
  readonly message: string;
  /** The appid WeChat appended: the component appid the push is for. */
  readonly appId: string;
}

export class MessageCrypto {
  readonly #token: string;
  readonly #key: Buffer;

  constructor(token: string, encodingAesKey: string) {
    const key = aesKeyFrom(encodingAesKey);
    if (!key) throw new RangeError('the EncodingAESKey must be 43 characters of base64 (32 bytes)');
    this.#token = token;
    this.#key = key;
  }

  /** WeChat's msg_signature for these values. */
  signature(timestamp: string, nonce: string, encrypted: string): string {
    return createHash('sha1').update([this.#token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
  }

  /** Whether `signature` is this message's, compared in constant time. */
  verify(signature: string, timestamp: string, nonce: string, encrypted: string): boolean {
    const expected = Buffer.from(this.signature(timestamp, nonce, encrypted), 'utf8');
    const given = Buffer.from(signature.toLowerCase(), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  encrypt(message: string, appId: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The message and the appid inside; throws MessageCryptoError for anything malformed. */
  decrypt(encrypted: string): DecryptedMessage {
    if (!STRICT_BASE64.test(encrypted)) throw new MessageCryptoError('Encrypt is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new MessageCryptoError('Encrypt is not a whole number of AES blocks');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new MessageCryptoError('Encrypt does not decrypt with our EncodingAESKey');
    }
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((byte) => byte === pad)) {
      throw new MessageCryptoError('Encrypt has bad padding (wrong EncodingAESKey?)');
    }
    const unpadded = plain.subarray(0, plain.length - pad);
    if (unpadded.length < 20) throw new MessageCryptoError('Encrypt is too short to hold a message');
    const length = unpadded.readUInt32BE(16);
    if (20 + length > unpadded.length) throw new MessageCryptoError('Encrypt declares a message longer than itself');
    return {
      message: unpadded.subarray(20, 20 + length).toString('utf8'),
      appId: unpadded.subarray(20 + length).toString('utf8'),
    };
  }
}
