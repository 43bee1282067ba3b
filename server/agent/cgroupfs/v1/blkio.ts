import { readOptionalCgroupFile } from '../files';
import type { IoCounters } from '../parse/nested-keyed';
import { parseV1BlkioRwstat } from '../parse/v1-blkio';

const BYTES = 'blkio.throttle.io_service_bytes';
const OPS = 'blkio.throttle.io_serviced';

/**
 * Cumulative I/O per device from the blk-throttle files. These are used rather than the CFQ/BFQ
 * ones (blkio.io_service_bytes, blkio.bfq.*) because blk-throttle sits above every I/O scheduler,
 * including "none" on virtio/NVMe, where the scheduler files never count.
 *
 * Caveat measured on Linux 6.18: blk-throttle is set up on a disk's queue only when some group first
 * configures a throttle rule on that disk (e.g. blkio.throttle.write_bps_device); until then these
 * files read "Total 0" whatever the I/O. cgdash cannot tell that from "no I/O", so the rates read 0.
 * null when the blkio hierarchy or the files are missing.
 */
export function readBlkioCounters(dir: string | null): Record<string, IoCounters> | null {
  if (dir === null) return null;
  const bytesText = readOptionalCgroupFile(dir, BYTES);
  const opsText = readOptionalCgroupFile(dir, OPS);
  if (bytesText === null || opsText === null) return null;
  const bytes = parseV1BlkioRwstat(bytesText, BYTES);
  const ops = parseV1BlkioRwstat(opsText, OPS);
  const out: Record<string, IoCounters> = {};
  for (const dev of new Set([...Object.keys(bytes), ...Object.keys(ops)])) {
    out[dev] = {
      readBytes: bytes[dev]?.read ?? 0n, writeBytes: bytes[dev]?.write ?? 0n,
      readOps: ops[dev]?.read ?? 0n, writeOps: ops[dev]?.write ?? 0n,
    };
  }
  return out;
}
