import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throttleCommit, type ThrottleClock } from './throttle-commit';

/** A manual clock: timers fire only when advance() passes their due time. */
function fakeClock(): ThrottleClock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

describe('throttleCommit()', () => {
  it('throttleCommit() sends at most one value per window while dragging', () => {
    const clock = fakeClock();
    const sent: Array<[number, number]> = [];
    const t = throttleCommit<number>((v) => sent.push([clock.now(), v]), 250, clock);
    for (let v = 1; v <= 100; v++) {
      t.push(v);
      clock.advance(10); // a drag event every 10 ms for 1 s
    }
    clock.advance(1000);
    assert.ok(sent.length <= 5, `sent ${sent.length} values in ~1 s`);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i][0] - sent[i - 1][0] >= 250);
    assert.equal(sent.at(-1)?.[1], 100, 'the last pushed value is sent on the trailing edge');
  });

  it('throttleCommit() sends the first value immediately', () => {
    const clock = fakeClock();
    const sent: number[] = [];
    throttleCommit<number>((v) => sent.push(v), 250, clock).push(7);
    assert.deepEqual(sent, [7]);
  });

  it('throttleCommit() commit() always sends the final value and cancels the pending one', () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const t = throttleCommit<number>((v) => sent.push(v), 250, clock);
    t.push(1);
    t.push(2);
    t.commit(3);
    clock.advance(1000);
    assert.deepEqual(sent, [1, 3]);
  });

  it('throttleCommit() cancel() drops a pending value', () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const t = throttleCommit<number>((v) => sent.push(v), 250, clock);
    t.push(1);
    t.push(2);
    t.cancel();
    clock.advance(1000);
    assert.deepEqual(sent, [1]);
  });
});
