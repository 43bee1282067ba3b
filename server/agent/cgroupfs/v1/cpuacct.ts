import { readOptionalCgroupFile } from '../files';
import { parseSingleInt } from '../parse/single-value';

const USAGE = 'cpuacct.usage';

/**
 * Total CPU time (ns) used by the group and its descendants, from cpuacct.usage.
 * `dir` null (no cpuacct hierarchy / no such group there) or a missing file → null.
 */
export function readCpuUsageNs(dir: string | null): bigint | null {
  if (dir === null) return null;
  const text = readOptionalCgroupFile(dir, USAGE);
  return text === null ? null : parseSingleInt(text, USAGE);
}
