/** SingleFlight, the one helper behind getEnvInfo sharing and token refreshes. */
import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('makes one fetch for concurrent callers of one key, and counts the joins', async () => {
    let joins = 0;
    let fetches = 0;
    const flights = new SingleFlight<string>({ onJoin: () => (joins += 1) });
    const gate = deferred<string>();
    const fetch = () => ((fetches += 1), gate.promise);
    const callers = [flights.run('a', fetch), flights.run('a', fetch), flights.run('a', fetch)];
    const other = flights.run('b', async () => 'b-answer');
    gate.resolve('a-answer');
    expect(await Promise.all(callers)).toEqual(['a-answer', 'a-answer', 'a-answer']);
    expect(await other).toBe('b-answer');
    expect(fetches).toBe(1);
    expect(joins).toBe(2);
  });

  it('forgets a flight once it lands, so the next caller fetches again', async () => {
    const flights = new SingleFlight<number>();
    let count = 0;
    expect(await flights.run('k', async () => ++count)).toBe(1);
    expect(flights.size).toBe(0);
    expect(await flights.run('k', async () => ++count)).toBe(2);
  });

  it('forgets a failed flight too, and hands every caller the same error', async () => {
    const flights = new SingleFlight<number>();
    const gate = deferred<number>();
    const first = flights.run('k', () => gate.promise);
    const second = flights.run('k', () => Promise.resolve(0));
    gate.reject(new Error('upstream failed'));
    await expect(first).rejects.toThrow('upstream failed');
    await expect(second).rejects.toThrow('upstream failed');
    expect(flights.size).toBe(0);
    expect(await flights.run('k', async () => 7)).toBe(7);
  });

  it('runs onLanded with a success before any caller sees it, and never for a failure', async () => {
    const landed: string[] = [];
    const flights = new SingleFlight<string>({ onLanded: (key, value) => landed.push(`${key}=${value}`) });
    const seen = await flights.run('k', async () => 'v').then((value) => [...landed, `caller saw ${value}`]);
    expect(seen).toEqual(['k=v', 'caller saw v']);
    await flights.run('bad', () => Promise.reject(new Error('no'))).catch(() => undefined);
    expect(landed).toEqual(['k=v']);
  });

  it('hands callers the fetch’s own promise', () => {
    const flights = new SingleFlight<string>();
    const own = Promise.resolve('x');
    expect(flights.run('k', () => own)).toBe(own);
  });
});
