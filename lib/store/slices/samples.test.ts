import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostSample, OverviewBatch, SandboxSample } from '@/lib/protocol';
import { appendBatch, gapPoint, type SeriesByName } from './samples';

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

function batch(t: number, sandboxes: SandboxSample[]): OverviewBatch {
  return { t, intervalMs: 1000, host, sandboxes };
}

describe('appendBatch()', () => {
  it('appendBatch() starts a series for a new sandbox', () => {
    const s = appendBatch({}, batch(1000, [sample('bob', 1000, null)]));
    assert.deepEqual(s.bob, [
      { t: 1000, cpuPercent: null, cpuUserPercent: null, cpuSystemPercent: null, usageBytes: 100, workingSetBytes: 50, ioReadBytesPerSec: null, ioWriteBytesPerSec: null },
    ]);
  });

  it('appendBatch() caps every series at the window size, keeping the newest points', () => {
    let s: SeriesByName = {};
    for (let i = 1; i <= 10; i++) s = appendBatch(s, batch(i * 1000, [sample('bob', i * 1000, i)]), 4);
    assert.deepEqual(s.bob.map((p) => p.cpuPercent), [7, 8, 9, 10]);
  });

  it('appendBatch() drops sandboxes that are absent from the batch', () => {
    let s = appendBatch({}, batch(1000, [sample('bob', 1000, 1), sample('eve', 1000, 2)]));
    s = appendBatch(s, batch(2000, [sample('eve', 2000, 3)]));
    assert.deepEqual(Object.keys(s), ['eve']);
    assert.equal(s.eve.length, 2);
  });

  it('appendBatch() ignores a sample that is not newer than the last point', () => {
    let s = appendBatch({}, batch(2000, [sample('bob', 2000, 1)]));
    s = appendBatch(s, batch(2000, [sample('bob', 2000, 9)]));
    assert.deepEqual(s.bob.map((p) => p.cpuPercent), [1]);
  });

  it('appendBatch() inserts a null gap point when samples stopped for more than 2.5 intervals', () => {
    let s = appendBatch({}, batch(1000, [sample('bob', 1000, 1)]));
    s = appendBatch(s, batch(9000, [sample('bob', 9000, 2)]));
    assert.deepEqual(s.bob.map((p) => [p.t, p.cpuPercent]), [[1000, 1], [2000, null], [9000, 2]]);
  });

  it('appendBatch() carries the user/system CPU split and the block I/O rates into each point', () => {
    const a = sample('bob', 1000, 40);
    a.cpu.userPercent = 30;
    a.cpu.systemPercent = 10;
    a.io = { readBytesPerSec: 4096, writeBytesPerSec: 0, readOpsPerSec: 1, writeOpsPerSec: 0, devices: {} };
    const s = appendBatch({}, batch(1000, [a]));
    assert.deepEqual(
      [s.bob[0].cpuUserPercent, s.bob[0].cpuSystemPercent, s.bob[0].ioReadBytesPerSec, s.bob[0].ioWriteBytesPerSec],
      [30, 10, 4096, 0],
    );
  });

  it('appendBatch() keeps unknown new series null (a gap), never 0', () => {
    const s = appendBatch({}, batch(1000, [sample('bob', 1000, 5)]));
    assert.deepEqual([s.bob[0].cpuUserPercent, s.bob[0].cpuSystemPercent, s.bob[0].ioReadBytesPerSec, s.bob[0].ioWriteBytesPerSec], [null, null, null, null]);
  });

  it('appendBatch() makes the gap point null in every series', () => {
    const a = sample('bob', 1000, 1);
    a.cpu.userPercent = 1;
    a.cpu.systemPercent = 0;
    a.io = { readBytesPerSec: 10, writeBytesPerSec: 20, readOpsPerSec: 1, writeOpsPerSec: 2, devices: {} };
    const b = structuredClone(a);
    b.t = 9000;
    let s = appendBatch({}, batch(1000, [a]));
    s = appendBatch(s, batch(9000, [b]));
    assert.deepEqual(s.bob[1], gapPoint(2000));
    assert.ok(Object.entries(gapPoint(2000)).every(([k, v]) => k === 't' || v === null));
    assert.equal(s.bob[2].ioWriteBytesPerSec, 20);
  });

  it('appendBatch() does not mutate its input', () => {
    const first = appendBatch({}, batch(1000, [sample('bob', 1000, 1)]));
    const copy = structuredClone(first);
    appendBatch(first, batch(2000, [sample('bob', 2000, 2)]));
    assert.deepEqual(first, copy);
  });
});
