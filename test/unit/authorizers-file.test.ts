import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizersFileError, readAuthorizersFile } from '../../src/authorizers/authorizers-file.js';
import { FileAuthorizers } from '../../src/authorizers/file-authorizers.js';

/** Distinctive, so any echo of it in a message is unmistakable. */
const TOKEN = 'tok-SECRET-7f3a9c1e';
const OTHER_TOKEN = 'tok-OTHER-SECRET-b2d4';

const storefront = { merchantId: 'm_1001', authorizerAppId: 'wx5f3c0a1b2c3d4e5f', authorizerAccessToken: TOKEN };
const sameStorefront = { merchantId: 'm_1002', authorizerAppId: 'wx5f3c0a1b2c3d4e5f', authorizerAccessToken: TOKEN };
const personal = { merchantId: 'm_1003', authorizerAppId: 'wx8a61d2e4b7c90f13', authorizerAccessToken: OTHER_TOKEN };

let directory: string;
let fileCount = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'authorizers-file-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function fileWith(text: string): Promise<string> {
  fileCount += 1;
  const file = join(directory, `authorizers-${fileCount}.json`);
  await writeFile(file, text, 'utf8');
  return file;
}

const fileWithMerchants = (merchants: unknown[]): Promise<string> => fileWith(JSON.stringify({ merchants }, null, 2));

async function errorFrom(file: string): Promise<AuthorizersFileError> {
  const error: unknown = await readAuthorizersFile(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthorizersFileError);
  return error as AuthorizersFileError;
}

describe('readAuthorizersFile', () => {
  it('loads every entry of a valid file', async () => {
    const file = await fileWithMerchants([storefront, sameStorefront, personal]);
    expect(await readAuthorizersFile(file)).toEqual([storefront, sameStorefront, personal]);
  });

  it('loads a file with no merchants', async () => {
    expect(await readAuthorizersFile(await fileWithMerchants([]))).toEqual([]);
  });

  it('keeps only the known fields of an entry', async () => {
    const file = await fileWithMerchants([{ ...storefront, note: 'flagship store' }]);
    expect(await readAuthorizersFile(file)).toEqual([storefront]);
  });

  it('names the file and the reason when it cannot be read', async () => {
    const file = join(directory, 'missing.json');
    const error = await errorFrom(file);
    expect(error.message).toBe(`AUTHORIZERS_FILE ${file}: cannot be read (ENOENT)`);
  });

  it('names the file when it is not JSON', async () => {
    const file = await fileWith('{"merchants": [');
    const error = await errorFrom(file);
    expect(error.message.startsWith(`AUTHORIZERS_FILE ${file}: is not valid JSON`)).toBe(true);
  });

  it('says a "merchants" array is missing', async () => {
    const file = await fileWith('{"merchant": []}');
    expect((await errorFrom(file)).message).toBe(`AUTHORIZERS_FILE ${file}: "merchants" must be an array`);
  });

  it('says the file must hold an object', async () => {
    const file = await fileWith('[]');
    expect((await errorFrom(file)).message).toBe(`AUTHORIZERS_FILE ${file}: the file must hold an object with a "merchants" array`);
  });

  it('names the entry that is not an object', async () => {
    const file = await fileWithMerchants([storefront, sameStorefront, 'm_1003']);
    expect((await errorFrom(file)).message).toBe(`AUTHORIZERS_FILE ${file}: merchants[2]: each entry must be an object`);
  });

  it('names the entry and merchant with a bad appid', async () => {
    const file = await fileWithMerchants([storefront, sameStorefront, { ...personal, authorizerAppId: 'wx8A61D2E4B7C90F13' }]);
    const error = await errorFrom(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain('merchants[2] (merchantId "m_1003")');
    expect(error.message).toContain('authorizerAppId must be "wx" followed by 16 lowercase hex digits');
  });

  it('names the entry with an empty token', async () => {
    const file = await fileWithMerchants([storefront, sameStorefront, { ...personal, authorizerAccessToken: '' }]);
    const error = await errorFrom(file);
    expect(error.message).toContain('merchants[2] (merchantId "m_1003")');
    expect(error.message).toContain('authorizerAccessToken must not be empty');
  });

  it('names the entry by index alone when it has no merchantId', async () => {
    const { merchantId: _omitted, ...withoutId } = personal;
    const file = await fileWithMerchants([storefront, sameStorefront, withoutId]);
    const error = await errorFrom(file);
    expect(error.message).toContain(`${file}: merchants[2]: merchantId must be a string`);
  });

  it('names both entries of a duplicate merchantId', async () => {
    const file = await fileWithMerchants([storefront, personal, { ...sameStorefront, merchantId: 'm_1001' }]);
    expect((await errorFrom(file)).message).toBe(
      `AUTHORIZERS_FILE ${file}: merchants[2] (merchantId "m_1001"): merchantId is already listed at merchants[0]; list each merchant once`,
    );
  });

  it('names both entries when one appid has two different tokens', async () => {
    const file = await fileWithMerchants([storefront, personal, { ...sameStorefront, authorizerAccessToken: OTHER_TOKEN }]);
    const error = await errorFrom(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain('merchants[2] (merchantId "m_1002")');
    expect(error.message).toContain('authorizer wx5f3c0a1b2c3d4e5f has a different access token than at merchants[0]');
  });

  it('never echoes a token when an appid has two different tokens', async () => {
    const file = await fileWithMerchants([storefront, personal, { ...sameStorefront, authorizerAccessToken: OTHER_TOKEN }]);
    const error = await errorFrom(file);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(OTHER_TOKEN);
  });

  it('never echoes a token that has a space in it', async () => {
    const file = await fileWithMerchants([{ ...storefront, authorizerAccessToken: `${TOKEN} x` }]);
    const error = await errorFrom(file);
    expect(error.message).toContain('authorizerAccessToken must be printable ASCII without spaces');
    expect(error.message).not.toContain(TOKEN);
  });

  it('never echoes a token in any entry error', async () => {
    const file = await fileWithMerchants([{ ...storefront, authorizerAppId: 'not-an-appid' }]);
    expect((await errorFrom(file)).message).not.toContain(TOKEN);
  });

  it('never echoes a token when the JSON breaks next to it', async () => {
    const leaky = 'tok-LEAK';
    const file = await fileWith(
      `{"merchants":[{"merchantId":"m_1","authorizerAppId":"wx0123456789abcdef","authorizerAccessToken":${leaky}}]}`,
    );
    expect((await errorFrom(file)).message).not.toContain(leaky);
  });
});

describe('FileAuthorizers', () => {
  const authorizers = new FileAuthorizers([storefront, sameStorefront, personal]);

  it('finds a merchant by id', async () => {
    expect(await authorizers.findByMerchantId('m_1003')).toEqual({ merchantId: 'm_1003', authorizerAppId: 'wx8a61d2e4b7c90f13' });
  });

  it('gives two merchants that share an authorizer the same appid', async () => {
    const [first, second] = await Promise.all([authorizers.findByMerchantId('m_1001'), authorizers.findByMerchantId('m_1002')]);
    expect(first?.authorizerAppId).toBe('wx5f3c0a1b2c3d4e5f');
    expect(second?.authorizerAppId).toBe('wx5f3c0a1b2c3d4e5f');
  });

  it('answers the shared authorizer with its one token', async () => {
    expect(await authorizers.getToken('wx5f3c0a1b2c3d4e5f')).toBe(TOKEN);
  });

  it('answers undefined for a merchant it does not list', async () => {
    expect(await authorizers.findByMerchantId('m_9999')).toBeUndefined();
  });

  it('does not hand out the token with the authorizer', async () => {
    expect(JSON.stringify(await authorizers.findByMerchantId('m_1001'))).not.toContain(TOKEN);
  });

  it('counts merchants, not authorizers', () => {
    expect(authorizers.merchantCount).toBe(3);
  });

  it('refuses a token for an appid it does not know, naming the appid', async () => {
    await expect(authorizers.getToken('wx0000000000000000')).rejects.toThrow(/no access token for authorizer wx0000000000000000/);
  });
});
