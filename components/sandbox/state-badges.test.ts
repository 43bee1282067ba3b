import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PressureSample, SandboxSample } from '@/lib/protocol';
import { pressureAlerts } from './state-badges';

const psi = (someAvg10: number | null): PressureSample => ({ someAvg10, someAvg60: 0, fullAvg10: 0, fullAvg60: 0 });

function withPressure(pressure: SandboxSample['pressure']): SandboxSample {
  return {
    name: 'bob', t: 1000,
    cpu: { usagePercent: 1, usageCores: 0.04, limitPercent: null, nrPeriods: null, nrThrottled: null, throttledPercent: null, throttledSeconds: null, userPercent: null, systemPercent: null },
    memory: {
      usageBytes: 100, workingSetBytes: 50, limitBytes: null, oomKills: 0, anonBytes: null, fileBytes: null, kernelBytes: null,
      swapBytes: null, peakBytes: null, softLimitBytes: null, failcnt: null, events: { high: null, max: null, oom: null, oomKill: 0 },
    },
    io: { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null, devices: null },
    pressure,
    frozen: false, freezer: 'thawed', pids: 1, threads: 1, pidsLimit: null,
  };
}

describe('pressureAlerts()', () => {
  it('pressureAlerts() is empty without pressure files, with unknown averages, and at or below 10 %', () => {
    assert.deepEqual(pressureAlerts(withPressure({ cpu: null, memory: null, io: null })), []);
    assert.deepEqual(pressureAlerts(withPressure({ cpu: null, memory: psi(null), io: psi(null) })), []);
    assert.deepEqual(pressureAlerts(withPressure({ cpu: psi(90), memory: psi(10), io: psi(0) })), []);
  });

  it('pressureAlerts() flags memory and io some avg10 above 10 %, strongest first, and ignores cpu', () => {
    assert.deepEqual(pressureAlerts(withPressure({ cpu: psi(99), memory: psi(12.5), io: psi(40) })), [
      { resource: 'io', percent: 40 },
      { resource: 'mem', percent: 12.5 },
    ]);
    assert.deepEqual(pressureAlerts(withPressure({ cpu: null, memory: psi(10.01), io: null })), [{ resource: 'mem', percent: 10.01 }]);
  });
});
