/** Reads the JWT a gateway forwards in `Authorization: Bearer <token>` (RFC 6750; the scheme is case-insensitive). */
import { CallerRefusal } from './caller-refusal.js';

const FORWARD = 'The gateway must forward the client\'s "Authorization: Bearer <JWT>" header to this subgraph (docs/authorization.md).';

export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw new CallerRefusal('token-missing', `Merchant.cloudEnvironments needs the caller's token, and the request carries none. ${FORWARD}`);
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) {
    throw new CallerRefusal('not-bearer', `The Authorization header is not "Bearer <JWT>". ${FORWARD}`);
  }
  return match[1]!;
}
