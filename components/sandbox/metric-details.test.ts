import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IoRates } from '@/lib/protocol';
import { sortDevices } from './metric-details';

const rates = (r: number | null, w: number | null): IoRates => ({ readBytesPerSec: r, writeBytesPerSec: w, readOpsPerSec: null, writeOpsPerSec: null });

describe('sortDevices()', () => {
  it('sortDevices() puts the busiest device (read + write bytes/s) first', () => {
    const order = sortDevices({ '8:0': rates(10, 0), '8:16': rates(0, 500), '259:0': rates(100, 100) }).map(([d]) => d);
    assert.deepEqual(order, ['8:16', '259:0', '8:0']);
  });

  it('sortDevices() orders ties and unknown rates by major:minor numerically', () => {
    const order = sortDevices({ '259:0': rates(null, null), '8:16': rates(0, 0), '8:2': rates(null, 0) }).map(([d]) => d);
    assert.deepEqual(order, ['8:2', '8:16', '259:0']);
  });
});
