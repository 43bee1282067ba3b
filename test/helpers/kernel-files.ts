/**
 * Direct reads of a sandbox's kernel files for the real-cgroup tests, independent of the driver
 * under test, so that the same assertions run on v1 (each controller in its own hierarchy: the
 * machine this suite grew up on) and on v2 (one directory per cgroup: the VM lane, scripts/vm/).
 * Each reader says which file it reads on which layout; the values are the kernel's, in the
 * kernel's units. Hybrid hosts are v1 here (their controllers are all bound to v1 hierarchies).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLayout, V1Controller } from '../../server/agent/cgroupfs/driver';

/** What the readers need: the layout and the managed parent (a TestParent or the agent's). */
export interface LayoutAndParent {
  layout: CgroupLayout;
  parent: string;
}

export function isV2(tp: LayoutAndParent): boolean {
  return tp.layout.kind === 'v2';
}

/** The controllers whose directory a sandbox must have: v1 → one per hierarchy the driver manages; v2 → its one directory. */
export const V1_MANAGED: readonly V1Controller[] = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio'];

/** The directory holding `controller`'s files for sandbox `name` (v1: that controller's hierarchy; v2: the one dir). */
export function sandboxDir(tp: LayoutAndParent, name: string, controller: V1Controller): string {
  const mount = isV2(tp) ? tp.layout.unified : tp.layout.v1[controller];
  if (!mount) throw new Error(`no ${isV2(tp) ? 'cgroup2' : controller} mount in the layout`);
  return join(mount, tp.parent, name);
}

/** Every directory the sandbox exists as (v1: one per mounted managed hierarchy, deduplicated; v2: one). */
export function sandboxDirs(tp: LayoutAndParent, name: string): string[] {
  if (isV2(tp)) return [join(tp.layout.unified!, tp.parent, name)];
  const mounts = V1_MANAGED.map((c) => tp.layout.v1[c]).filter((m): m is string => m !== undefined);
  return [...new Set(mounts)].map((m) => join(m, tp.parent, name));
}

/** Trimmed content of `file` of sandbox `name`, `file` chosen per layout: { v1: [controller, file], v2: file }. */
export function readSandboxFile(tp: LayoutAndParent, name: string, files: { v1: [V1Controller, string]; v2: string }): string {
  const [controller, v1File] = files.v1;
  return readFileSync(join(sandboxDir(tp, name, controller), isV2(tp) ? files.v2 : v1File), 'utf8').trim();
}

/** Value of `key` in a flat-keyed kernel file ("key value" lines). Throws when the key is missing. */
export function flatKeyed(text: string, key: string): bigint {
  const line = text.split('\n').find((l) => l.split(' ')[0] === key);
  if (line === undefined) throw new Error(`no "${key}" in ${JSON.stringify(text)}`);
  return BigInt(line.split(' ')[1]);
}

/** CFS quota in µs, or null when unlimited. v1: cpu.cfs_quota_us (-1 = unlimited); v2: first field of cpu.max ("max"). */
export function kernelCpuQuotaUsec(tp: LayoutAndParent, name: string): bigint | null {
  const raw = readSandboxFile(tp, name, { v1: ['cpu', 'cpu.cfs_quota_us'], v2: 'cpu.max' }).split(' ')[0];
  return raw === '-1' || raw === 'max' ? null : BigInt(raw);
}

/** Hard memory limit in bytes as the kernel holds it. v1: memory.limit_in_bytes; v2: memory.max ("max" → null). */
export function kernelMemoryLimit(tp: LayoutAndParent, name: string): bigint | null {
  const raw = readSandboxFile(tp, name, { v1: ['memory', 'memory.limit_in_bytes'], v2: 'memory.max' });
  return raw === 'max' ? null : BigInt(raw);
}

/** Memory usage in bytes. v1: memory.usage_in_bytes; v2: memory.current. */
export function kernelMemoryUsage(tp: LayoutAndParent, name: string): bigint {
  return BigInt(readSandboxFile(tp, name, { v1: ['memory', 'memory.usage_in_bytes'], v2: 'memory.current' }));
}

/** High-water mark of memory usage. v1: memory.max_usage_in_bytes; v2: memory.peak (Linux ≥ 5.19). */
export function kernelMemoryPeak(tp: LayoutAndParent, name: string): bigint {
  return BigInt(readSandboxFile(tp, name, { v1: ['memory', 'memory.max_usage_in_bytes'], v2: 'memory.peak' }));
}

/** OOM kills in the group. v1: oom_kill in memory.oom_control (Linux ≥ 4.13); v2: oom_kill in memory.events. */
export function kernelOomKills(tp: LayoutAndParent, name: string): bigint {
  return flatKeyed(readSandboxFile(tp, name, { v1: ['memory', 'memory.oom_control'], v2: 'memory.events' }), 'oom_kill');
}

/** Whether the kernel reports the group frozen. v1: freezer.state is FROZEN; v2: `frozen 1` in cgroup.events. */
export function kernelFrozen(tp: LayoutAndParent, name: string): boolean {
  const dir = sandboxDir(tp, name, 'freezer');
  if (isV2(tp)) return flatKeyed(readFileSync(join(dir, 'cgroup.events'), 'utf8'), 'frozen') === 1n;
  return readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN';
}

/** PIDs in cgroup.procs (v1: of the cpu hierarchy; v2: of the one dir). */
export function kernelProcs(tp: LayoutAndParent, name: string): number[] {
  return readSandboxFile(tp, name, { v1: ['cpu', 'cgroup.procs'], v2: 'cgroup.procs' }).split('\n').filter(Boolean).map(Number);
}

/**
 * Whether /proc/<pid>/cgroup puts `pid` in sandbox `name`: v1 → on the line of each managed
 * controller that is mounted; v2 → on the single `0::` line. Returns the lines that do not.
 */
export function procCgroupMismatches(tp: LayoutAndParent, name: string, pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  const want = `/${tp.parent}/${name}`;
  if (isV2(tp)) return text.includes(`0::${want}\n`) ? [] : [`0::${want} not in ${JSON.stringify(text)}`];
  return V1_MANAGED.filter((c) => tp.layout.v1[c] !== undefined)
    .filter((c) => !new RegExp(`:([^:]*,)?${c}(,[^:]*)?:${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`).test(text))
    .map((c) => `${c}:${want} not in ${JSON.stringify(text)}`);
}

/**
 * How much longer to wait for anything timed: 1 on v1 (the build machine), 4 on v2. The only v2
 * kernel these tests run on is the VM lane's, under an emulated CPU (scripts/vm/, TCG), where each
 * agent round trip and process start takes several times longer. Stretches windows and deadlines
 * only, never a bound on a measured value.
 */
export function timeFactor(tp: Pick<LayoutAndParent, 'layout'>): number {
  return tp.layout.kind === 'v2' ? 4 : 1;
}

/** Cumulative CPU time of the group in ns. v1: cpuacct.usage (ns); v2: usage_usec in cpu.stat (µs, × 1000). */
export function kernelCpuUsageNs(tp: LayoutAndParent, name: string): bigint {
  const text = readSandboxFile(tp, name, { v1: ['cpuacct', 'cpuacct.usage'], v2: 'cpu.stat' });
  return isV2(tp) ? flatKeyed(text, 'usage_usec') * 1000n : BigInt(text);
}

/** Block I/O counters of one device, cumulative. */
export interface KernelIoCounters { readBytes: bigint; writeBytes: bigint; readOps: bigint; writeOps: bigint }

/**
 * Block I/O per device ("major:minor" → counters) as the kernel counts it for the group.
 * v1: blkio.throttle.io_service_bytes and blkio.throttle.io_serviced ("254:0 Read N" lines; they
 * only count on a disk with blk-throttle set up, see metrics.test.ts); v2: io.stat
 * ("254:0 rbytes=N wbytes=N rios=N wios=N …"). A device the group never did I/O on is absent.
 */
export function kernelIo(tp: LayoutAndParent, name: string): Record<string, KernelIoCounters> {
  const out: Record<string, KernelIoCounters> = {};
  const dev = (d: string) => (out[d] ??= { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n });
  if (isV2(tp)) {
    for (const line of readSandboxFile(tp, name, { v1: ['blkio', 'blkio.throttle.io_service_bytes'], v2: 'io.stat' }).split('\n').filter(Boolean)) {
      const [d, ...pairs] = line.split(' ');
      const kv = new Map(pairs.map((p) => p.split('=') as [string, string]));
      Object.assign(dev(d), {
        readBytes: BigInt(kv.get('rbytes') ?? 0), writeBytes: BigInt(kv.get('wbytes') ?? 0),
        readOps: BigInt(kv.get('rios') ?? 0), writeOps: BigInt(kv.get('wios') ?? 0),
      });
    }
    return out;
  }
  const v1Lines = (file: string) => readFileSync(join(sandboxDir(tp, name, 'blkio'), file), 'utf8').split('\n')
    .map((l) => /^(\d+:\d+) (Read|Write) (\d+)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  for (const [, d, op, n] of v1Lines('blkio.throttle.io_service_bytes')) dev(d)[op === 'Read' ? 'readBytes' : 'writeBytes'] = BigInt(n);
  for (const [, d, op, n] of v1Lines('blkio.throttle.io_serviced')) dev(d)[op === 'Read' ? 'readOps' : 'writeOps'] = BigInt(n);
  return out;
}

/**
 * Raw PSI text ("some avg10=… total=…\nfull …") of the group for `resource`, or null when the kernel
 * has none for it. v2: <resource>.pressure in the group's directory (per cgroup, Linux ≥ 4.20 with
 * CONFIG_PSI); v1: there is no per-group PSI in v1 hierarchies: only a cgroup2 group of the same path
 * would have one, so this reads that file and gives null when it does not exist.
 */
export function kernelPressure(tp: LayoutAndParent, name: string, resource: 'cpu' | 'memory' | 'io'): string | null {
  const dir = isV2(tp) ? sandboxDir(tp, name, 'cpu') : tp.layout.unified === null ? null : join(tp.layout.unified, tp.parent, name);
  try {
    return dir === null ? null : readFileSync(join(dir, `${resource}.pressure`), 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Times usage hit the limit. v1: memory.failcnt; v2 has no such counter (memory.events max counts something else) → null. */
export function kernelMemoryFailcnt(tp: LayoutAndParent, name: string): bigint | null {
  return isV2(tp) ? null : BigInt(readSandboxFile(tp, name, { v1: ['memory', 'memory.failcnt'], v2: 'memory.failcnt' }));
}

/** Names of kernel files in the managed parent's directory (v1: of the cpu hierarchy; v2: the one dir). */
export function parentKernelFiles(tp: LayoutAndParent): string[] {
  const mount = isV2(tp) ? tp.layout.unified : tp.layout.v1.cpu;
  if (!mount) throw new Error('no cpu hierarchy in the layout');
  return readdirSync(join(mount, tp.parent), { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}
