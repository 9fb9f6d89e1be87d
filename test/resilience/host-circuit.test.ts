/**
 * The host circuit's decision rule, outcome by outcome: it opens only when failures spread
 * over enough distinct authorizers, and a real outage opens it within about 20 failed calls
 * even when the window was full of healthy authorizers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { DeadlinePassedError, WechatApiError, WechatTransportError } from '../../src/wechat/errors.js';
import { HostCircuit } from '../../src/wechat/host-circuit.js';
import { UpstreamGuard, type UpstreamGuardOptions } from '../../src/wechat/upstream-guard.js';

// Date.now stands still until a test moves it on: a reset window or back-off ends exactly when
// the test says, however busy the machine (timers stay real).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function circuit(resetMs = 60_000) {
  const opened: number[] = [];
  const host = new HostCircuit({
    host: 'api.weixin.qq.com',
    resetMs,
    window: 40,
    minFailures: 10,
    minAuthorizers: 3,
    failurePercent: 50,
    logger: createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    onOpen: (since) => opened.push(since),
  });
  return { host, opened };
}

describe('the host circuit', () => {
  it('stays closed however often two authorizers fail, even with nothing else calling', () => {
    const { host } = circuit();
    for (let round = 0; round < 100; round += 1) host.record(`broken${round % 2}`, true);
    expect(host.state).toBe('closed');
  });

  it('stays closed while the failing authorizers are under half of those calling', () => {
    const { host } = circuit();
    for (let round = 0; round < 10; round += 1) {
      for (let healthy = 0; healthy < 10; healthy += 1) host.record(`healthy${healthy}`, false);
      for (let broken = 0; broken < 6; broken += 1) host.record(`broken${broken}`, true);
    }
    expect(host.state).toBe('closed');
  });

  it('opens on the 10th failure when every authorizer fails', () => {
    const { host, opened } = circuit();
    for (let index = 0; index < 9; index += 1) host.record(`a${index}`, true);
    expect(host.state).toBe('closed');
    host.record('a9', true);
    expect(host.state).toBe('open');
    expect(opened).toHaveLength(1);
    expect(host.admit('a10')).toBe('refuse');
  });

  it('opens within 20 failures of an outage when the window was full of distinct healthy authorizers', () => {
    const { host } = circuit();
    for (let index = 0; index < 40; index += 1) host.record(`healthy${index}`, false);
    let failures = 0;
    while (host.state === 'closed' && failures < 100) host.record(`failing${failures++}`, true);
    expect(failures).toBeLessThanOrEqual(20);
  });

  it('counts an authorizer that recovered as healthy', () => {
    const { host } = circuit();
    for (let index = 0; index < 9; index += 1) host.record(`a${index % 3}`, true);
    for (let index = 0; index < 3; index += 1) host.record(`a${index}`, false);
    host.record('a3', true);
    expect(host.state).toBe('closed'); // 10 failures, but only a3 is failing now
  });

  it('lets one probe through after the reset: its success closes it', () => {
    const { host } = circuit(50);
    for (let index = 0; index < 10; index += 1) host.record(`a${index}`, true);
    vi.advanceTimersByTime(50);
    expect(host.admit('a0')).toBe('probe');
    expect(host.admit('a1')).toBe('refuse');
    host.settleProbe('a0', false);
    expect(host.state).toBe('closed');
    expect(host.admit('a1')).toBe('call');
  });

  it('lets another authorizer probe at once after one authorizer’s probe failed, never the same one twice', () => {
    const { host } = circuit(50);
    for (let index = 0; index < 10; index += 1) host.record(`a${index}`, true);
    vi.advanceTimersByTime(50);
    expect(host.admit('broken')).toBe('probe');
    host.settleProbe('broken', true);
    expect(host.state).toBe('open');
    expect(host.admit('broken')).toBe('refuse');
    expect(host.accepts('broken')).toBe(false);
    expect(host.admit('healthy')).toBe('probe');
    host.settleProbe('healthy', false);
    expect(host.state).toBe('closed');
    expect(host.admit('broken')).toBe('call');
  });

  it('opens again with a fresh wait only once probes from minAuthorizers distinct authorizers failed', () => {
    const { host, opened } = circuit(50);
    for (let index = 0; index < 10; index += 1) host.record(`a${index}`, true);
    vi.advanceTimersByTime(50);
    for (const prober of ['p1', 'p2']) {
      expect(host.admit(prober)).toBe('probe');
      host.settleProbe(prober, true);
    }
    expect(host.retryAfterMs).toBe(0); // still due: two authorizers are not WeChat-wide evidence
    expect(host.admit('p3')).toBe('probe');
    host.settleProbe('p3', true);
    expect(host.state).toBe('open');
    expect(host.retryAfterMs).toBe(50); // a fresh reset window, all of it ahead
    expect(host.admit('p4')).toBe('refuse');
    expect(opened).toHaveLength(1); // reopening forgives nobody again
    vi.advanceTimersByTime(50);
    expect(host.admit('p1')).toBe('probe'); // a fresh opening: every authorizer may probe once more
  });

  it('stays open, ready to probe again at once, when its probe never reached WeChat', () => {
    const { host } = circuit(50);
    for (let index = 0; index < 10; index += 1) host.record(`a${index}`, true);
    vi.advanceTimersByTime(50);
    expect(host.admit('a0')).toBe('probe');
    host.abandonProbe();
    expect(host.state).toBe('open');
    expect(host.admit('a1')).toBe('probe');
  });
});

const reset = () => Promise.reject(new WechatTransportError('/e', 'connection', 'ECONNRESET'));

function guard(options: Partial<UpstreamGuardOptions> = {}) {
  const upstream = new UpstreamGuard({
    baseUrls: ['https://api.weixin.qq.com'],
    maxConcurrency: 4,
    maxConcurrencyPerAuthorizer: 1,
    maxQueue: 100,
    resetMs: 50,
    circuit: { window: 10, minFailures: 3, minAuthorizers: 3, failurePercent: 50 },
    authorizerBackoff: { baseMs: 10_000, maxMs: 60_000 },
    logger: createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    ...options,
  });
  const call = (authorizer: string, outcome: () => Promise<unknown>) =>
    upstream.call('/e', authorizer, (attempt) => attempt(() => outcome())).catch((error: unknown) => error);
  const circuitState = () => (upstream as unknown as { upstreams: Array<{ circuit: HostCircuit }> }).upstreams[0]!.circuit.state;
  return { upstream, call, circuitState };
}

describe('the upstream guard probing an open circuit', () => {
  it('keeps the circuit open when the probe never reached WeChat, and lets the next call probe at once', async () => {
    const { call, circuitState } = guard();
    for (const authorizer of ['x', 'y', 'z']) await call(authorizer, reset);
    vi.advanceTimersByTime(50);
    // Each outcome notes the circuit's state as its attempt runs: 'half-open' for a probe.
    const states: string[] = [];
    await call('w', () => (states.push(circuitState()), Promise.reject(new DeadlinePassedError('/e'))));
    expect(states).toEqual(['half-open']);
    expect(circuitState()).toBe('open');
    const next = await call('v', () => (states.push(circuitState()), Promise.resolve('ok')));
    expect(next).toBe('ok');
    expect(states).toEqual(['half-open', 'half-open']);
    expect(circuitState()).toBe('closed');
  });
});

describe('the upstream guard holding authorizers back around an outage', () => {
  it('keeps holding back an authorizer whose streak predates the outage when its -1 is what opens the circuit', async () => {
    const { upstream, call, circuitState } = guard({
      circuit: { window: 3, minFailures: 3, minAuthorizers: 3, failurePercent: 50 },
      authorizerBackoff: { baseMs: 20, maxMs: 20 },
    });
    const busy = () => Promise.reject(new WechatApiError('/e', -1, 'system error'));
    await call('old', busy); // its own trouble, long before the outage: held back
    for (const healthy of ['h1', 'h2', 'h3']) await call(healthy, () => Promise.resolve('ok'));
    vi.advanceTimersByTime(20); // its back-off has passed: its next call is its probe
    for (const authorizer of ['x', 'y']) await call(authorizer, reset);
    expect(circuitState()).toBe('closed');
    await call('old', busy); // the third authorizer failing: the circuit opens, forgiving only streaks since the outage began
    expect(circuitState()).toBe('open');
    expect(upstream.backoff.heldBack).toBe(1);
  });
});

describe('the upstream guard after an outage, with one authorizer still broken', () => {
  it('closes the circuit on the first healthy authorizer’s probe, however often the broken one probes first', async () => {
    const { call, circuitState } = guard({ authorizerBackoff: { baseMs: 1_000, maxMs: 60_000 } });
    for (const authorizer of ['x', 'y', 'z']) await call(authorizer, reset);
    expect(circuitState()).toBe('open');
    vi.advanceTimersByTime(50);
    const broken = await call('broken', reset); // WeChat is back, but not for this merchant
    expect(broken).toMatchObject({ failure: 'connection' });
    expect(circuitState()).toBe('open');
    expect(await call('broken', reset)).toMatchObject({ failure: 'circuit-open' });
    expect(await call('healthy', () => Promise.resolve('ok'))).toBe('ok');
    expect(circuitState()).toBe('closed');
  });
});
