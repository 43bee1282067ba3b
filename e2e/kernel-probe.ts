/**
 * What the e2e specs check in the kernel, by meaning rather than by file name, so that one spec runs
 * against an agent on this v1 host and against one on the v2 VM (e2e/vm/). Each probe reads the
 * sandbox's own kernel files through test/helpers/kernel-files.ts (which names the v1 and the v2 file)
 * and returns plain JSON, because in the VM run it is evaluated inside the guest and sent back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatKeyed, kernelCpuQuotaUsec, kernelFrozen, kernelMemoryLimit, kernelProcs, readSandboxFile, type LayoutAndParent } from '../test/helpers/kernel-files';

/** v1 stores "no memory limit" as the largest page-aligned long; anything above 2^62 means unlimited. */
const V1_UNLIMITED_ABOVE = 2n ** 62n;

export const PROBES = {
  /** CFS quota in µs per period, null when unlimited (v1 cpu.cfs_quota_us; v2 cpu.max). */
  cpuQuotaUsec: (tp: LayoutAndParent, name: string) => {
    const q = kernelCpuQuotaUsec(tp, name);
    return q === null ? null : Number(q);
  },
  /** Hard memory limit in bytes, null when unlimited (v1 memory.limit_in_bytes; v2 memory.max). */
  memoryLimit: (tp: LayoutAndParent, name: string) => {
    const l = kernelMemoryLimit(tp, name);
    return l === null || l > V1_UNLIMITED_ABOVE ? null : Number(l);
  },
  /** Whether the kernel reports the group frozen (v1 freezer.state; v2 cgroup.events). */
  frozen: (tp: LayoutAndParent, name: string) => kernelFrozen(tp, name),
  /** CPU time used, in µs, as a decimal string (v1 cpuacct.usage in ns; v2 usage_usec of cpu.stat). */
  cpuUsageUsec: (tp: LayoutAndParent, name: string) => {
    const raw = readSandboxFile(tp, name, { v1: ['cpuacct', 'cpuacct.usage'], v2: 'cpu.stat' });
    return String(tp.layout.kind === 'v2' ? flatKeyed(raw, 'usage_usec') : BigInt(raw) / 1000n);
  },
  /**
   * The group's CPU pressure file, where the agent looks for it: on v2 the sandbox's own cpu.pressure,
   * on hybrid the same path under the cgroup2 mount (cgdash does not create it); null when there is none.
   */
  cpuPressure: (tp: LayoutAndParent, name: string) => {
    const file = tp.layout.unified ? join(tp.layout.unified, tp.parent, name, 'cpu.pressure') : null;
    return file && existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  },
  /** PIDs in the group's cgroup.procs. */
  procs: (tp: LayoutAndParent, name: string) => kernelProcs(tp, name),
} as const;

export type ProbeName = keyof typeof PROBES;
export type ProbeResult<P extends ProbeName> = ReturnType<(typeof PROBES)[P]>;

export function isProbeName(s: unknown): s is ProbeName {
  return typeof s === 'string' && Object.hasOwn(PROBES, s);
}
