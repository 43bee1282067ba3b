import { dirname, resolve } from 'node:path';
import { parseCpuList } from '../procfs/parse';
import { CgroupParseError } from './errors';
import { readOptionalCgroupFile } from './files';

/** v1 (cpuset hierarchy) and v2 names of the CPUs a group may actually run on. */
export const CPUSET_EFFECTIVE_FILE = { v1: 'cpuset.effective_cpus', v2: 'cpuset.cpus.effective' } as const;

/**
 * Number of CPUs in the effective cpuset of `groupDir`, a directory inside `mountDir`: the group's own
 * `file` when it has one, else that of its nearest ancestor that has one, up to the mount root (a v1
 * group cgdash never made in the cpuset hierarchy, or a v2 group without the cpuset controller, runs
 * on the CPUs of the nearest ancestor that has a cpuset, which is what this reads). An empty list (a
 * v1 cpuset group whose cpuset.cpus was never filled in, which cannot hold tasks) counts as missing.
 * null = no cpuset file anywhere on the way (no cpuset controller). A garbled list → CgroupParseError.
 */
export function readCpusetCpus(mountDir: string, groupDir: string, file: string): number | null {
  const mount = resolve(mountDir);
  for (let dir = resolve(groupDir); ; dir = dirname(dir)) {
    if (dir !== mount && !dir.startsWith(mount + '/')) return null; // never read outside the hierarchy
    const text = readOptionalCgroupFile(dir, file);
    if (text !== null && text.trim() !== '') {
      try {
        return parseCpuList(text);
      } catch (err) {
        throw new CgroupParseError(file, 1, text.trimEnd(), (err as Error).message);
      }
    }
    if (dir === mount) return null;
  }
}
