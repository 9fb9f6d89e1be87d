import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizersFileError, readAuthorizersFile } from '../../src/authorizers/authorizers-file.js';
import { AuthorizerRegistry } from '../../src/authorizers/authorizer-registry.js';
import { seedRegistry } from '../../src/authorizers/seed-registry.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { TokenRecords } from '../../src/tokens/token-records.js';

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
    expect(error.message).toContain('authorizer wx5f3c0a1b2c3d4e5f has different tokens than at merchants[0]');
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

describe('refresh-token entries', () => {
  const refreshing = { merchantId: 'm_2001', authorizerAppId: 'wx2b9e47c1d05a3f86', authorizerRefreshToken: 'refresh-SECRET-91ab' };

  it('loads refresh-token and fixed-token entries side by side', async () => {
    const file = await fileWithMerchants([storefront, refreshing]);
    expect(await readAuthorizersFile(file)).toEqual([storefront, refreshing]);
  });

  it('refuses an entry with both tokens, naming it', async () => {
    const error = await errorFrom(await fileWithMerchants([storefront, { ...refreshing, authorizerAccessToken: TOKEN }]));
    expect(error.message).toContain('merchants[1] (merchantId "m_2001"): give at most one of authorizerRefreshToken');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain('refresh-SECRET');
  });

  it('accepts an entry with neither token: the event receiver stores its refresh token when the authorizer authorizes', async () => {
    const awaiting = { merchantId: 'm_2001', authorizerAppId: 'wx2b9e47c1d05a3f86' };
    const file = await fileWithMerchants([storefront, awaiting]);
    expect(await readAuthorizersFile(file)).toEqual([storefront, awaiting]);
  });

  it('refuses one authorizer listed with a refresh token and a fixed token', async () => {
    const error = await errorFrom(await fileWithMerchants([refreshing, { ...storefront, merchantId: 'm_x', authorizerAppId: refreshing.authorizerAppId }]));
    expect(error.message).toContain('authorizer wx2b9e47c1d05a3f86 has different tokens than at merchants[0]');
    expect(error.message).not.toContain('refresh-SECRET');
  });
});

describe('seedRegistry', () => {
  const refreshing = { merchantId: 'm_2001', authorizerAppId: 'wx2b9e47c1d05a3f86', authorizerRefreshToken: 'refresh-from-file' };
  const world = () => {
    const store = new MemoryStore();
    const keys = new StoreKeys('t:');
    return { store, keys, registry: new AuthorizerRegistry(store, keys), records: new TokenRecords({ store, keys, refreshAtFraction: 0.85 }) };
  };

  it('registers every merchant of an empty store, keeps fixed tokens in memory and refresh tokens in the store', async () => {
    const { registry, records } = world();
    const seeded = await seedRegistry([storefront, sameStorefront, personal, refreshing], registry, records);
    expect(seeded).toEqual({
      merchants: 4,
      applied: 4,
      fixedTokens: new Map([
        ['wx5f3c0a1b2c3d4e5f', TOKEN],
        ['wx8a61d2e4b7c90f13', OTHER_TOKEN],
      ]),
      moved: [],
      removed: [],
      refreshTokenKept: [],
    });
    expect(await registry.findByMerchantIds(['m_1002', 'm_9999', 'm_2001'])).toEqual([
      { merchantId: 'm_1002', authorizerAppId: 'wx5f3c0a1b2c3d4e5f' },
      undefined,
      { merchantId: 'm_2001', authorizerAppId: 'wx2b9e47c1d05a3f86' },
    ]);
    expect(await records.refreshToken('wx2b9e47c1d05a3f86')).toBe('refresh-from-file');
  });

  it('keeps a refresh token the store already holds: it may be newer than the file', async () => {
    const { registry, records } = world();
    await records.storeRefreshToken(refreshing.authorizerAppId, 'refresh-newer-in-store');
    expect((await seedRegistry([refreshing], registry, records)).refreshTokenKept).toEqual(['m_2001']);
    expect(await records.refreshToken(refreshing.authorizerAppId)).toBe('refresh-newer-in-store');
  });

  it('never moves back a merchant the registry maps elsewhere, nor its refresh token', async () => {
    const { registry, records } = world();
    await registry.register({ merchantId: 'm_2001', authorizerAppId: 'wx8a61d2e4b7c90f13' });
    const seeded = await seedRegistry([refreshing], registry, records);
    expect(seeded.moved).toEqual([{ merchantId: 'm_2001', file: 'wx2b9e47c1d05a3f86', registry: 'wx8a61d2e4b7c90f13' }]);
    expect(await registry.authorizerOf('m_2001')).toBe('wx8a61d2e4b7c90f13');
    expect(await records.refreshToken(refreshing.authorizerAppId)).toBeUndefined();
  });

  it('never brings back a merchant removed through the CLI, nor its refresh token', async () => {
    const { registry, records } = world();
    await seedRegistry([refreshing], registry, records);
    await registry.remove('m_2001', new Date('2025-03-04T05:06:07Z'));
    await records.forgetAuthorizer(refreshing.authorizerAppId);
    const seeded = await seedRegistry([refreshing, personal], registry, records);
    expect(seeded).toMatchObject({ applied: 1, removed: [{ merchantId: 'm_2001', at: '2025-03-04T05:06:07.000Z' }] });
    expect(await registry.authorizerOf('m_2001')).toBeUndefined();
    expect(await records.refreshToken(refreshing.authorizerAppId)).toBeUndefined();
  });
});
