/**
 * The active-authorizer count forgets an authorizer a window after its last call and never
 * holds more than its bound, on a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE_AUTHORIZERS_WINDOW_MS, ActiveAuthorizers } from '../../src/wechat/active-authorizers.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ActiveAuthorizers', () => {
  it('counts an authorizer for five minutes after its last call', () => {
    const time = clock();
    const active = new ActiveAuthorizers({ clock: time });
    active.called('wx_a');
    time.advance(ACTIVE_AUTHORIZERS_WINDOW_MS - 10_000);
    active.called('wx_b');
    active.called('wx_a'); // called again: its five minutes start anew
    expect(active.count).toBe(2);
    time.advance(ACTIVE_AUTHORIZERS_WINDOW_MS - 1);
    expect(active.count).toBe(2);
    time.advance(2);
    expect(active.count).toBe(0);
  });

  it('drops the least recently called past its bound', () => {
    const active = new ActiveAuthorizers({ max: 3, clock: clock() });
    for (const authorizer of ['wx_a', 'wx_b', 'wx_c', 'wx_d']) active.called(authorizer);
    expect(active.count).toBe(3);
  });
});
