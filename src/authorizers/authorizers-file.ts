/**
 * AUTHORIZERS_FILE: the JSON list of merchants, their authorizer appids, and for each
 * either the authorizer's refresh token (the subgraph mints access tokens from it) or a
 * fixed access token (with TOKEN_SOURCE=platform, neither: the platform owns the tokens;
 * with the event receiver, neither: an `authorized` push stores the refresh token).
 * Read and validated once at start-up; any problem stops the server with a message naming
 * the file and every bad entry, never a token.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * At most one of the two tokens is set; with neither, the event receiver (an `authorized`
 * push) stores the refresh token. With TOKEN_SOURCE=platform, neither.
 */
export interface AuthorizersFileEntry {
  readonly merchantId: string;
  readonly authorizerAppId: string;
  readonly authorizerRefreshToken?: string;
  readonly authorizerAccessToken?: string;
}

const tokenText = (name: string) =>
  z
    .string({ message: `${name} must be a string` })
    .min(1, `${name} must not be empty`)
    .regex(/^[\x21-\x7e]+$/, `${name} must be printable ASCII without spaces`)
    .optional();

/** A merchant id as the file and the `authorizers` CLI accept it. */
export const merchantIdModel = z
  .string({ message: 'merchantId must be a string' })
  .min(1, 'merchantId must not be empty')
  .max(128, 'merchantId must be at most 128 characters');

/** An authorizer appid as the file and the `authorizers` CLI accept it. */
export const authorizerAppIdModel = z
  .string({ message: 'authorizerAppId must be a string' })
  .regex(/^wx[0-9a-f]{16}$/, 'authorizerAppId must be "wx" followed by 16 lowercase hex digits');

const entryFields = z.object(
  {
    merchantId: merchantIdModel,
    authorizerAppId: authorizerAppIdModel,
    authorizerRefreshToken: tokenText('authorizerRefreshToken'),
    authorizerAccessToken: tokenText('authorizerAccessToken'),
  },
  { message: 'each entry must be an object' },
);

const entryModel = entryFields.refine((entry) => entry.authorizerRefreshToken === undefined || entry.authorizerAccessToken === undefined, {
  message:
    'give at most one of authorizerRefreshToken (tokens are minted and refreshed) or authorizerAccessToken (a fixed token); give neither when the authorizer authorizes through the event receiver',
});

/** TOKEN_SOURCE=platform: the platform owns the tokens, so an entry names only the merchant and its authorizer. */
const platformEntryModel = entryFields.refine((entry) => entry.authorizerRefreshToken === undefined && entry.authorizerAccessToken === undefined, {
  message: 'with TOKEN_SOURCE=platform the platform owns the tokens: give only merchantId and authorizerAppId (remove authorizerRefreshToken / authorizerAccessToken)',
});

export interface ReadAuthorizersFileOptions {
  /** TOKEN_SOURCE=platform: entries must carry no token. */
  readonly platformTokens?: boolean;
}

const fileModel = z.object({ merchants: z.array(z.unknown(), { message: '"merchants" must be an array' }) }, { message: 'the file must hold an object with a "merchants" array' });

export class AuthorizersFileError extends Error {
  /** Each problem found, every one naming the file. */
  readonly problems: readonly string[];

  constructor(
    file: string,
    problems: string | readonly string[],
    /** The entries that were valid, so start-up can check them against the configuration too. */
    readonly validEntries: readonly AuthorizersFileEntry[] = [],
  ) {
    const named = (typeof problems === 'string' ? [problems] : problems).map((problem) => `AUTHORIZERS_FILE ${file}: ${problem}`);
    super(named.join('\n'));
    this.name = 'AuthorizersFileError';
    this.problems = named;
  }
}

/**
 * Where JSON.parse gave up, as line and column. V8's own message quotes the text around
 * the error, which may be a token, so only the position is kept.
 */
function jsonErrorLocation(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` at line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function describeEntry(index: number, raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['merchantId'] : undefined;
  return typeof id === 'string' ? `merchants[${index}] (merchantId "${id}")` : `merchants[${index}]`;
}

/** Reads and validates the file; never echoes a token in an error. */
export async function readAuthorizersFile(file: string, options: ReadAuthorizersFileOptions = {}): Promise<AuthorizersFileEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AuthorizersFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuthorizersFileError(file, `is not valid JSON${jsonErrorLocation(text, error)}; fix the syntax there`);
  }
  const file_ = fileModel.safeParse(json);
  if (!file_.success) throw new AuthorizersFileError(file, file_.error.issues[0]?.message ?? 'has the wrong shape');

  const entries: AuthorizersFileEntry[] = [];
  // Every bad entry is named, not just the first: the operator fixes the file once.
  const problems: string[] = [];
  const merchantIndex = new Map<string, number>();
  const credentialsByAppId = new Map<string, { credentials: string; index: number }>();
  file_.data.merchants.forEach((raw, index) => {
    const where = describeEntry(index, raw);
    const entry = (options.platformTokens ? platformEntryModel : entryModel).safeParse(raw);
    if (!entry.success) {
      problems.push(`${where}: ${entry.error.issues.map((issue) => issue.message).join('; ')}`);
      return;
    }
    const { merchantId, authorizerAppId, authorizerRefreshToken, authorizerAccessToken } = entry.data;
    const earlier = merchantIndex.get(merchantId);
    if (earlier !== undefined) {
      problems.push(`${where}: merchantId is already listed at merchants[${earlier}]; list each merchant once`);
      return;
    }
    const credentials = JSON.stringify([authorizerRefreshToken, authorizerAccessToken]);
    const shared = credentialsByAppId.get(authorizerAppId);
    if (shared !== undefined && shared.credentials !== credentials) {
      problems.push(`${where}: authorizer ${authorizerAppId} has different tokens than at merchants[${shared.index}]; an authorizer has one set of tokens`);
      return;
    }
    merchantIndex.set(merchantId, index);
    credentialsByAppId.set(authorizerAppId, { credentials, index });
    entries.push(entry.data);
  });
  if (problems.length > 0) throw new AuthorizersFileError(file, problems, entries);
  return entries;
}
