import { readOptionalCgroupFile } from '../files';
import { parseSingleInt } from '../parse/single-value';

const USAGE = 'cpuacct.usage';
const USAGE_USER = 'cpuacct.usage_user';
const USAGE_SYS = 'cpuacct.usage_sys';

/** CPU time of the group and its descendants, all in ns; each null when its file is missing. */
export interface V1CpuUsage { cpuUsageNs: bigint | null; cpuUserNs: bigint | null; cpuSystemNs: bigint | null }

/**
 * cpuacct.usage, cpuacct.usage_user and cpuacct.usage_sys (ns). The user/system split is taken from
 * the ns files (Linux ≥ 4.7) rather than cpuacct.stat, whose user/system are in USER_HZ ticks (10 ms);
 * on older kernels the split is null. The kernel still samples the split at the scheduler tick (the
 * captured bob has usage_sys 88000000, a whole number of ticks), so user + system differs from the exact
 * cpuacct.usage by a few ticks. `dir` null (no cpuacct hierarchy / no such group there) → all null.
 */
export function readCpuUsage(dir: string | null): V1CpuUsage {
  const read = (file: string) => {
    const text = dir === null ? null : readOptionalCgroupFile(dir, file);
    return text === null ? null : parseSingleInt(text, file);
  };
  return { cpuUsageNs: read(USAGE), cpuUserNs: read(USAGE_USER), cpuSystemNs: read(USAGE_SYS) };
}
