/**
 * Checks one gateway response of a soak run against what the merchants really hold. Every
 * merchant must come back with its own id and name, and every `cloudEnvironments` field
 * must be either exactly that merchant's environments (filtered by `env`) or null with one
 * error at its client path whose `extensions.code` is a known code that this merchant can
 * meet now, naming this merchant. Anything else is a failure, described for a human.
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
  /**
   * @param merchants every merchant, in the order the merchants subgraph lists them
   * @param authorizedCodes codes an authorized merchant's field may carry in this phase (the fault mix's)
   */
  constructor(
    private readonly merchants: readonly SoakMerchant[],
    private readonly authorizedCodes: ReadonlySet<string>,
    private readonly tally: SoakTally,
  ) {}

  check(operation: SoakOperation, status: number, body: unknown, label: string): void {
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
    if (value === null) {
      this.tally.countEnvironments('error');
      if (errors.length !== 1) this.tally.fail(`${at}: null with ${errors.length} errors, expected exactly one`);
      for (const error of errors) this.checkError(error, merchant, at);
      return;
    }
    this.tally.countEnvironments('data');
    for (const error of errors) this.tally.fail(`${at}: has data and also an error: ${describe(error)}`);
    const expected = expectedEnvironments(merchant, selection);
    if (expected === undefined) return this.tally.fail(`${at}: merchant ${merchant.id} is not authorized, yet got data ${JSON.stringify(value).slice(0, 200)}`);
    if (JSON.stringify(value) !== JSON.stringify(expected)) {
      this.tally.fail(`${at}: wrong environments for ${merchant.id}: got ${JSON.stringify(value).slice(0, 300)}, expected ${JSON.stringify(expected)}`);
    }
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

function describe(error: ResponseError): string {
  return JSON.stringify({ message: error.message, path: error.path, code: error.extensions?.code }).slice(0, 300);
}
