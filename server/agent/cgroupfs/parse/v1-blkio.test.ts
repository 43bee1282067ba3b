import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseV1BlkioRwstat, type BlkioReadWrite } from './v1-blkio';

// Real contents read on this machine (Linux 6.18, virtio disk 254:0) after `dd … bs=1M count=64 oflag=direct`
// in a blkio group, and an idle group's file from the captured fixture.
const BYTES = '254:0 Read 0\n254:0 Write 67108864\n254:0 Sync 67108864\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 67108864\nTotal 67108864\n';
const OPS = '254:0 Read 0\n254:0 Write 128\n254:0 Sync 128\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 128\nTotal 128\n';

describe('parseV1BlkioRwstat()', () => {
  const ok: Array<[string, Record<string, BlkioReadWrite>]> = [
    [BYTES, { '254:0': { read: 0n, write: 67108864n } }],
    [OPS, { '254:0': { read: 0n, write: 128n } }],
    ['Total 0\n', {}],
    ['8:0 Read 4096\n8:0 Write 0\n8:0 Total 4096\n8:16 Read 1\n8:16 Write 2\n8:16 Total 3\nTotal 4099\n',
      { '8:0': { read: 4096n, write: 0n }, '8:16': { read: 1n, write: 2n } }],
    ['', {}],
  ];
  for (const [input, want] of ok) {
    test(`parseV1BlkioRwstat() returns ${Object.keys(want).length} device(s) for ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.deepEqual(parseV1BlkioRwstat(input, 'blkio.throttle.io_service_bytes'), want);
    });
  }
  const bad: Array<[string, number]> = [
    ['254:0 Read 0\n254:0 Writes 1\n', 2],
    ['254:0 Read -1\n', 1],
    ['sda Read 1\n', 1],
    ['Total max\n', 1],
  ];
  for (const [input, line] of bad) {
    test(`parseV1BlkioRwstat() throws CgroupParseError naming the file, line ${line}, for ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.throws(() => parseV1BlkioRwstat(input, 'blkio.throttle.io_serviced'),
        (e) => e instanceof CgroupParseError && e.file === 'blkio.throttle.io_serviced' && e.line === line);
    });
  }
});
