/**
 * One owner per record: the token records (the ticket, the component and authorizer access
 * tokens, the refresh tokens, the failure markers and the locks guarding them) are read and
 * written by src/tokens/token-records.ts alone. The event receiver, the registry, the CLI,
 * the cache and recovery ask it; none of them names a token record's key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, sourceFiles } from '../support/module-graph.js';

/** The StoreKeys members that name token records. */
const TOKEN_RECORD_KEYS = /\bkeys\.(componentTicket|componentToken|authorizerToken|refreshToken|failure|lock|authorizerListPass)\b/g;
const OWNER = 'src/tokens/token-records.ts';

describe('token records', () => {
  it('have one owner: no module but token-records.ts names their keys', () => {
    const elsewhere = sourceFiles('src')
      .filter((file) => file !== OWNER && file !== 'src/store/store-keys.ts')
      .flatMap((file) => [...readFileSync(join(REPOSITORY_ROOT, file), 'utf8').matchAll(TOKEN_RECORD_KEYS)].map((match) => `${file}: keys.${match[1]}`));
    expect(elsewhere).toEqual([]);
  });

  it('are named by the owner, so the check above looks at the right spelling', () => {
    const owner = readFileSync(join(REPOSITORY_ROOT, OWNER), 'utf8');
    expect(new Set([...owner.matchAll(TOKEN_RECORD_KEYS)].map((match) => match[1]))).toEqual(
      new Set(['componentTicket', 'componentToken', 'authorizerToken', 'refreshToken', 'failure', 'lock', 'authorizerListPass']),
    );
  });
});
