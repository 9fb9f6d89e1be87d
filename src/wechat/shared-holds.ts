/**
 * Held-back authorizers shared by replicas through the store (Redis): one hash, appid →
 * the hold (until when, how many failures, the last failure). A replica writes when it
 * holds an authorizer back or lets it go, and reads the whole hash once per sync interval,
 * never per call: a WeChat call costs no store round trip.
 */
import type { KeyValueStore } from '../store/key-value-store.js';
import { type WechatError, WechatApiError, WechatTransportError, type TransportFailure } from './errors.js';

export interface SharedHold {
  readonly until: number;
  readonly failures: number;
  readonly lastFailure: WechatError;
}

type WireFailure =
  | { readonly kind: 'api'; readonly endpoint: string; readonly errcode: number; readonly errmsg: string }
  | { readonly kind: 'transport'; readonly endpoint: string; readonly failure: TransportFailure; readonly httpStatus?: number };

interface WireHold {
  readonly until: number;
  readonly failures: number;
  readonly lastFailure: WireFailure;
}

function toWire(failure: WechatError): WireFailure {
  if (failure instanceof WechatApiError) return { kind: 'api', endpoint: failure.endpoint, errcode: failure.errcode, errmsg: failure.errmsg };
  return { kind: 'transport', endpoint: failure.endpoint, failure: failure.failure, ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }) };
}

function fromWire(wire: WireFailure): WechatError {
  if (wire.kind === 'api') return new WechatApiError(wire.endpoint, wire.errcode, wire.errmsg);
  return new WechatTransportError(wire.endpoint, wire.failure, 'as another replica met it', wire.httpStatus);
}

export class SharedHolds {
  constructor(
    private readonly store: KeyValueStore,
    /** The hash holding every held-back authorizer. */
    private readonly key: string,
    /** Holds this long past their `until` are removed by whoever reads them (a replica that died mid-hold). */
    private readonly staleAfterMs: number,
  ) {}

  async publish(authorizerAppId: string, hold: SharedHold): Promise<void> {
    const wire: WireHold = { until: hold.until, failures: hold.failures, lastFailure: toWire(hold.lastFailure) };
    // Not durable: a hold lost in a failover costs one more probe, not a record.
    await this.store.hashSet(this.key, authorizerAppId, JSON.stringify(wire), { durable: false });
  }

  async release(authorizerAppId: string): Promise<void> {
    await this.store.hashDelete(this.key, authorizerAppId);
  }

  /** Every hold still worth knowing about, by appid; stale ones are removed on the way. */
  async read(): Promise<Map<string, SharedHold>> {
    const now = Date.now();
    const holds = new Map<string, SharedHold>();
    for (const [authorizerAppId, raw] of Object.entries(await this.store.hashGetAll(this.key))) {
      let wire: WireHold;
      try {
        wire = JSON.parse(raw) as WireHold;
      } catch {
        await this.store.hashDelete(this.key, authorizerAppId);
        continue;
      }
      if (wire.until + this.staleAfterMs < now) await this.store.hashDelete(this.key, authorizerAppId);
      else holds.set(authorizerAppId, { until: wire.until, failures: wire.failures, lastFailure: fromWire(wire.lastFailure) });
    }
    return holds;
  }
}
