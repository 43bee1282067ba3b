import { CgroupParseError } from '../errors';

/** Cumulative reads and writes of one device from a v1 blkio "rwstat" file (bytes or operations, per file). */
export interface BlkioReadWrite { read: bigint; write: bigint }

/**
 * v1 blkio rwstat files (blkio.throttle.io_service_bytes, blkio.throttle.io_serviced …):
 * "254:0 Read 4096" lines per device and operation (Read, Write, Sync, Async, Discard, Total), then one
 * "Total N" line for all devices. Returns Read and Write per "major:minor" device; the Total lines are
 * validated and skipped. A group that has done no I/O reads just "Total 0" → empty record.
 * Throws CgroupParseError naming `file` on any other line.
 */
export function parseV1BlkioRwstat(text: string, file: string): Record<string, BlkioReadWrite> {
  const out: Record<string, BlkioReadWrite> = {};
  text.split('\n').forEach((line, i) => {
    if (line === '' || /^Total \d+$/.test(line)) return;
    const m = /^(\d+:\d+) (Read|Write|Sync|Async|Discard|Total) (\d+)$/.exec(line);
    if (!m) throw new CgroupParseError(file, i + 1, line, 'expected "<major:minor> <Read|Write|Sync|Async|Discard|Total> <count>" or "Total <count>"');
    const dev = (out[m[1]] ??= { read: 0n, write: 0n });
    if (m[2] === 'Read') dev.read = BigInt(m[3]);
    else if (m[2] === 'Write') dev.write = BigInt(m[3]);
  });
  return out;
}
