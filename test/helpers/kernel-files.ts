/**
 * Direct reads of a sandbox's kernel files for the real-cgroup tests, independent of the driver
 * under test, so that the same assertions run on v1 (each controller in its own hierarchy: the
 * machine this suite grew up on) and on v2 (one directory per cgroup: the VM lane, scripts/vm/).
 * Each reader says which file it reads on which layout; the values are the kernel's, in the
 * kernel's units. Hybrid hosts are v1 here (their controllers are all bound to v1 hierarchies).
 */
import { readFileSync } from 'node:fs';
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
