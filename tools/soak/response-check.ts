/**
 * Checks one gateway response of a soak run against what the merchants really hold. Every
 * merchant must come back with its own id and name, and every `cloudEnvironments` field
 * must be either exactly that merchant's environments (filtered by `env`) or null with one
 * error at its client path whose `extensions.code` is a known code that this merchant can
 * meet now, naming this merchant. Data may be a last good answer served in a fault's place
 * (stale if error), and is correct only as the merchant's own: its own environments, read
 * from WeChat at one instant (`fetchedAt`, the same on each of them) during this run and
 * not after the response came. Anything else is a failure, described for a human.
 */
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { type CloudEnvironmentsSelection, type SoakOperation, expectedEnvironments } from './soak-operations.js';
import type { SoakTally } from './soak-tally.js';
import type { SoakMerchant } from './soak-world.js';

/** Every `extensions.code` the subgraph may give a cloudEnvironments field. */
export const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

interface ResponseError {
  readonly message?: unknown;
  readonly path?: unknown;
  readonly extensions?: { readonly code?: unknown; readonly merchantId?: unknown };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export class ResponseCheck {
  private startedAt = 0;

  /**
   * @param merchants every merchant, in the order the merchants subgraph lists them
   * @param authorizedCodes codes an authorized merchant's field may carry in this phase (the fault mix's)
   */
  constructor(
    private readonly merchants: readonly SoakMerchant[],
    private readonly authorizedCodes: ReadonlySet<string>,
    private readonly tally: SoakTally,
    /** When the run's subgraph started (epoch ms): no answer can have been read before. */
    private readonly readSince: number,
  ) {}

  /** `startedAt`: when the operation was sent (epoch ms); data read before it is counted as stale. */
  check(operation: SoakOperation, status: number, body: unknown, label: string, startedAt: number): void {
    this.startedAt = startedAt;
    if (status !== 200) return this.tally.fail(`${label}: HTTP ${status}, expected 200: ${JSON.stringify(body).slice(0, 300)}`);
    if (!isObject(body)) return this.tally.fail(`${label}: the body is not a JSON object`);
    const pending = this.errorsByPath(body['errors'], label);
    const data = body['data'];
    if (operation.merchant === 'all') {
      const list = isObject(data) ? data['merchants'] : undefined;
      if (!Array.isArray(list) || list.length !== this.merchants.length) {
        this.tally.fail(`${label}: data.merchants should list ${this.merchants.length} merchants, got ${JSON.stringify(list)?.slice(0, 200)}`);
      } else {
        this.merchants.forEach((merchant, index) => this.checkMerchant(list[index], ['merchants', index], merchant, operation.selections, pending, label));
      }
    } else {
      const single = isObject(data) ? data['merchant'] : undefined;
      this.checkMerchant(single, ['merchant'], operation.merchant, operation.selections, pending, label);
    }
    for (const [path, errors] of pending) {
      for (const error of errors) this.tally.fail(`${label}: error at ${path} belongs to no null cloudEnvironments field: ${describe(error)}`);
    }
  }

  /** Errors keyed by JSON path; every one counted by code, and one without a path is a failure at once. */
  private errorsByPath(errors: unknown, label: string): Map<string, ResponseError[]> {
    const byPath = new Map<string, ResponseError[]>();
    if (errors === undefined) return byPath;
    if (!Array.isArray(errors)) {
      this.tally.fail(`${label}: "errors" is not a list`);
      return byPath;
    }
    for (const error of errors as ResponseError[]) {
      const code = error.extensions?.code;
      this.tally.countError(typeof code === 'string' ? code : '(no code)');
      if (!Array.isArray(error.path)) {
        this.tally.fail(`${label}: error without a path: ${describe(error)}`);
        continue;
      }
      const key = JSON.stringify(error.path);
      byPath.set(key, [...(byPath.get(key) ?? []), error]);
    }
    return byPath;
  }

  private checkMerchant(
    value: unknown,
    path: readonly (string | number)[],
    merchant: SoakMerchant,
    selections: readonly CloudEnvironmentsSelection[],
    pending: Map<string, ResponseError[]>,
    label: string,
  ): void {
    const at = `${label} ${JSON.stringify(path)}`;
    if (!isObject(value)) return this.tally.fail(`${at}: merchant ${merchant.id} is missing (got ${JSON.stringify(value)})`);
    this.tally.countFields(2);
    if (value['id'] !== merchant.id) this.tally.fail(`${at}: id ${JSON.stringify(value['id'])}, expected ${merchant.id}`);
    if (value['name'] !== merchant.name) this.tally.fail(`${at}: name ${JSON.stringify(value['name'])}, expected ${JSON.stringify(merchant.name)}`);
    for (const selection of selections) {
      this.tally.countFields(1);
      const fieldPath = JSON.stringify([...path, selection.key]);
      const errors = pending.get(fieldPath) ?? [];
      pending.delete(fieldPath);
      this.checkEnvironments(value[selection.key], errors, merchant, selection, `${label} ${fieldPath}`);
    }
  }

  private checkEnvironments(value: unknown, errors: readonly ResponseError[], merchant: SoakMerchant, selection: CloudEnvironmentsSelection, at: string): void {
    if (value === undefined) return this.tally.fail(`${at}: the field is missing`);
    const authorized = merchant.environments !== undefined;
    if (value === null) {
      this.tally.countEnvironments('error', authorized);
      if (errors.length !== 1) this.tally.fail(`${at}: null with ${errors.length} errors, expected exactly one`);
      for (const error of errors) this.checkError(error, merchant, at);
      return;
    }
    const readAt = this.readAt(value, at);
    this.tally.countEnvironments(readAt !== undefined && readAt < wholeSecond(this.startedAt) ? 'stale' : 'data', authorized);
    for (const error of errors) this.tally.fail(`${at}: has data and also an error: ${describe(error)}`);
    const expected = expectedEnvironments(merchant, selection);
    if (expected === undefined) return this.tally.fail(`${at}: merchant ${merchant.id} is not authorized, yet got data ${JSON.stringify(value).slice(0, 200)}`);
    const environments = Array.isArray(value) ? value.map((environment) => (isObject(environment) ? withoutFetchedAt(environment) : environment)) : value;
    if (JSON.stringify(environments) !== JSON.stringify(expected)) {
      this.tally.fail(`${at}: wrong environments for ${merchant.id}: got ${JSON.stringify(value).slice(0, 300)}, expected ${JSON.stringify(expected)}`);
    }
  }

  /** The one instant a field's environments were read (epoch ms; undefined for an empty list), or a failure when they disagree or it is not one of this run. */
  private readAt(value: unknown, at: string): number | undefined {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const instants = new Set(value.map((environment) => (isObject(environment) ? environment['fetchedAt'] : undefined)));
    const [only] = instants;
    const readAt = typeof only === 'string' ? Date.parse(only) : Number.NaN;
    if (instants.size !== 1 || Number.isNaN(readAt)) {
      this.tally.fail(`${at}: the environments do not share one fetchedAt: ${JSON.stringify([...instants]).slice(0, 200)}`);
      return undefined;
    }
    if (readAt < wholeSecond(this.readSince) || readAt > Date.now()) this.tally.fail(`${at}: fetchedAt ${String(only)} is not an instant of this run`);
    return readAt;
  }

  private checkError(error: ResponseError, merchant: SoakMerchant, at: string): void {
    const code = error.extensions?.code;
    if (typeof code !== 'string') return this.tally.fail(`${at}: error without extensions.code: ${describe(error)}`);
    if (!KNOWN_ERROR_CODES.has(code)) return this.tally.fail(`${at}: unknown code ${code}: ${describe(error)}`);
    const allowed = merchant.environments ? this.authorizedCodes : new Set(['MERCHANT_NOT_AUTHORIZED']);
    if (!allowed.has(code)) {
      this.tally.fail(`${at}: code ${code} is not one ${merchant.id} can meet now (expected one of ${[...allowed].join(', ') || 'none'}): ${describe(error)}`);
    }
    const named = error.extensions?.merchantId;
    if (named !== merchant.id) this.tally.fail(`${at}: the error names merchant ${JSON.stringify(named)}, expected ${merchant.id}`);
  }
}

/** RFC 3339 prints whole seconds: the start of the second an instant falls in. */
const wholeSecond = (instant: number) => Math.floor(instant / 1000) * 1000;

function withoutFetchedAt({ fetchedAt: _read, ...rest }: Json): Json {
  return rest;
}

function describe(error: ResponseError): string {
  return JSON.stringify({ message: error.message, path: error.path, code: error.extensions?.code }).slice(0, 300);
}
