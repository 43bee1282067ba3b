/** Time source for the sampler: monotonic ns for deltas, wall ms for chart timestamps only. */
export interface Clock {
  nowNs(): bigint;
  wallMs(): number;
}

export const systemClock: Clock = {
  nowNs: () => process.hrtime.bigint(),
  wallMs: () => Date.now(),
};
