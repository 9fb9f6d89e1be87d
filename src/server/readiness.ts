/**
 * What GET /readyz answers: whether this replica can take requests (503 only while it
 * starts or drains), with the shared dependencies it cannot use right now in the body.
 * Which dependencies a replica has depends on its configuration; they are listed here.
 */
import type { CallerVerifier } from '../auth/caller-verifier.js';
import { STORE_REDIS_CHOICES } from '../config/index.js';
import { ticketReadiness } from '../events/ticket-readiness.js';
import type { Degradation, DependencyCheck } from '../observability/dependency-checks.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { PlatformTokens } from '../tokens/platform-tokens.js';
import type { TokenRecords } from '../tokens/token-records.js';

/** `starting` and `draining` answer 503; `ready` 200, degraded dependencies or not. */
export type ReplicaPhase = 'starting' | 'ready' | 'draining';

export interface ReadinessAnswer {
  readonly status: ReplicaPhase;
  readonly degraded: readonly Degradation[];
}

export interface ReplicaDependencies {
  readonly store: KeyValueStore;
  /** Where the ticket is read (the one owner of the token records). */
  readonly records: Pick<TokenRecords, 'ticket'>;
  /** TOKEN_SOURCE=platform */
  readonly platformTokens: PlatformTokens | undefined;
  /** AUTHORIZATION=subgraph */
  readonly callerVerifier: CallerVerifier | undefined;
  /** Own tokens minted from component credentials: the ticket is needed, unless WECHAT_COMPONENT_VERIFY_TICKET stands in. */
  readonly ticket: { readonly fallbackTicket: string | undefined } | undefined;
}

/** The checks this replica's configuration calls for. */
export function dependencyChecksOf(dependencies: ReplicaDependencies): DependencyCheck[] {
  const { store, records, platformTokens, callerVerifier, ticket } = dependencies;
  const checks: DependencyCheck[] = [
    {
      check: 'store',
      run: () =>
        store.ping().then(
          () => undefined,
          (error: Error) => `${error.message} (${STORE_REDIS_CHOICES}): fields that need a token or the registry answer TOKEN_STORE_UNAVAILABLE`,
        ),
    },
  ];
  if (platformTokens) {
    checks.push({ check: 'platform', run: () => platformTokens.check().then(() => undefined, (error: Error) => `TOKEN_SOURCE=platform: ${error.message}`) });
  }
  if (callerVerifier) checks.push({ check: 'jwks', run: () => callerVerifier.checkKeySet() });
  if (ticket) {
    checks.push({
      check: 'ticket',
      needs: 'store',
      run: async () => (await ticketReadiness(records, ticket.fallbackTicket)).reason,
    });
  }
  return checks;
}
