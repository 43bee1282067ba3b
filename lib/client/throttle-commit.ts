/** Time source; injectable so tests can drive the throttle with a fake clock. */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ThrottledCommit<T> {
  /** A value while dragging: sent now if the window allows, else kept and sent when it opens. */
  push(value: T): void;
  /** The final value (pointer-up, keyboard): sent now, replacing anything pending. */
  commit(value: T): void;
  /** Drops a pending value without sending it (unmount). */
  cancel(): void;
}

/**
 * Pure throttle for live controls: at most one `send` per `everyMs` while values are pushed, the
 * latest pushed value is always sent eventually (trailing edge), and `commit` always sends.
 * 250 ms = 4 writes a second, enough to feel live without hammering cgroup files.
 */
export function throttleCommit<T>(send: (value: T) => void, everyMs = 250, clock: ThrottleClock = realClock): ThrottledCommit<T> {
  let lastSentAt = -Infinity;
  let pending: { value: T } | null = null;
  let timer: unknown = null;

  const clearTimer = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    clearTimer();
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastSentAt = clock.now();
    send(value);
  };

  return {
    push(value) {
      pending = { value };
      const wait = lastSentAt + everyMs - clock.now();
      if (wait <= 0) flush();
      else if (timer === null) timer = clock.setTimeout(flush, wait);
    },
    commit(value) {
      pending = { value };
      flush();
    },
    cancel() {
      clearTimer();
      pending = null;
    },
  };
}
