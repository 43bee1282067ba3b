import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostSample, SandboxSample } from '@/lib/protocol';
import { createDashboardStore } from './create-dashboard-store';
import { ioBytesPerSec, selectSortedNames, selectSparkScale } from './selectors';

const host: HostSample = {
  hostname: 'h', layout: 'v2', cpuCount: 4, perCpuPercent: [1, 2, 3, 4], cpuPercent: 2.5,
  memTotalBytes: 8e9, memUsedBytes: 2e9, memAvailableBytes: 6e9, loadAvg: [0.1, 0.2, 0.3], uptimeSeconds: 100,
};

function sample(name: string, t: number, cpu: number | null): SandboxSample {
  return {
    name, t,
    cpu: { usagePercent: cpu, usageCores: cpu, limitPercent: null, nrPeriods: null, nrThrottled: null, throttledPercent: null, throttledSeconds: null, userPercent: null, systemPercent: null },
    memory: {
      usageBytes: 100, workingSetBytes: 50, limitBytes: null, oomKills: 0, anonBytes: null, fileBytes: null, kernelBytes: null,
      swapBytes: null, peakBytes: null, softLimitBytes: null, failcnt: null, events: { high: null, max: null, oom: null, oomKill: 0 },
    },
    io: { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null, devices: null },
    pressure: { cpu: null, memory: null, io: null },
    frozen: false, freezer: 'thawed', pids: 1, threads: 1, pidsLimit: null,
  };
}

/** A store fed one batch per second; `cpu(name, i)` gives each sandbox's CPU % at second i. */
function storeWith(names: string[], seconds: number, cpu: (name: string, i: number) => number | null) {
  const store = createDashboardStore();
  for (let i = 1; i <= seconds; i++) {
    const t = i * 1000;
    store.getState().ingest({ t, intervalMs: 1000, host, sandboxes: names.map((n) => sample(n, t, cpu(n, i))) }, t);
  }
  return store.getState();
}

describe('selectSparkScale()', () => {
  it('selectSparkScale() never goes below 5 % of the machine, even with no data', () => {
    assert.equal(selectSparkScale(createDashboardStore().getState(), 60), 5);
    assert.equal(selectSparkScale(storeWith(['idle'], 10, () => 0.3), 60), 5);
    assert.equal(selectSparkScale(storeWith(['gap'], 10, () => null), 60), 5);
  });

  it('selectSparkScale() is one scale for all rows, set by the busiest one and rounded up to a step', () => {
    const s = storeWith(['capped', 'hog'], 10, (n) => (n === 'capped' ? 5 : 40));
    assert.equal(selectSparkScale(s, 60), 50);
    assert.equal(selectSparkScale(storeWith(['a', 'b'], 10, (n) => (n === 'a' ? 5 : 7)), 60), 10);
    assert.equal(selectSparkScale(storeWith(['a'], 10, () => 100), 60), 100);
  });

  it('selectSparkScale() only looks at the last `points` samples', () => {
    const s = storeWith(['burst'], 100, (_n, i) => (i === 10 ? 90 : 3));
    assert.equal(selectSparkScale(s, 60), 5);
    assert.equal(selectSparkScale(s, 100), 100);
  });
});

describe('selectSortedNames() by block I/O', () => {
  function withIo(name: string, read: number | null, write: number | null): SandboxSample {
    const s = sample(name, 1000, 1);
    s.io = { readBytesPerSec: read, writeBytesPerSec: write, readOpsPerSec: null, writeOpsPerSec: null, devices: read === null && write === null ? null : {} };
    return s;
  }

  it('ioBytesPerSec() adds read and write, and is -1 only when both are unknown', () => {
    assert.equal(ioBytesPerSec(withIo('a', 100, 50)), 150);
    assert.equal(ioBytesPerSec(withIo('a', null, 50)), 50);
    assert.equal(ioBytesPerSec(withIo('a', 0, 0)), 0);
    assert.equal(ioBytesPerSec(withIo('a', null, null)), -1);
  });

  it('selectSortedNames() puts the heaviest reader+writer first, idle groups before unaccounted ones', () => {
    const store = createDashboardStore();
    const sandboxes = [withIo('idle', 0, 0), withIo('reader', 5e6, 0), withIo('none', null, null), withIo('writer', 0, 9e6)];
    store.getState().ingest({ t: 1000, intervalMs: 1000, host, sandboxes }, 1000);
    assert.deepEqual(selectSortedNames(store.getState(), { key: 'io', dir: 'desc' }), ['writer', 'reader', 'idle', 'none']);
    assert.deepEqual(selectSortedNames(store.getState(), { key: 'io', dir: 'asc' }), ['none', 'idle', 'reader', 'writer']);
  });
});
