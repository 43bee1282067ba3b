/**
 * What the v1 and the v2 capture (scripts/capture-cgroup-fixture.ts) share: copying a group tree,
 * rewriting member PIDs to impossible ones, the host and /proc files the agent reads, the README
 * paragraphs about them, and cleanup bookkeeping.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCgroupFile } from '../../server/agent/cgroupfs/files';

/** The capture's `cgdash-fixture-<hex>` parent is renamed to this in the tree. */
export const FIXTURE_PARENT = 'cgdash';
/** 2^22 + 1: one above the largest pid_max Linux allows (PID_MAX_LIMIT = 2^22), so never a live PID. */
export const FAKE_PID_BASE = 4_194_305;
/** Host files the agent reads besides cgroupfs (see server/agent/procfs/read.ts), relative to the root. */
export const HOST_FILES = ['sys/devices/system/cpu/online', 'proc/stat', 'proc/meminfo', 'proc/loadavg', 'proc/uptime', 'proc/sys/kernel/hostname'];
/** Per-process files the agent reads for each member. */
export const PID_FILES = ['stat', 'status', 'cmdline'] as const;
/** Files that list PIDs or TIDs: v1 cgroup.procs and tasks, cgroup2 cgroup.procs and cgroup.threads. */
export const PID_LIST_FILES = ['cgroup.procs', 'tasks', 'cgroup.threads'];

/** Runs `fn`; a failure is printed and sets exit code 1, never hidden and never stopping the caller. */
export async function attempt(what: string, fn: () => unknown): Promise<void> {
  try { await fn(); } catch (err) { console.error(`cleanup: ${what} failed: ${String(err)}`); process.exitCode = 1; }
}

/** SIGKILL to each of our own children that is still running, by PID. */
export async function killOwnChildren(children: ChildProcess[]): Promise<void> {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) await attempt(`SIGKILL to our ${c.spawnfile} (${c.pid})`, () => c.kill('SIGKILL'));
  }
}

/**
 * The kernel recomputes a group's PSI averages (avg10/avg60/avg300) only every 2 s (PSI_FREQ), so
 * right after a short run they still read 0.00 although `total=` already counts the stall. Waits
 * (frozen, so nothing more is added) until cpu.pressure's some avg10 is no longer 0.00, at most
 * `limitMs`; a group that never stalled keeps zeros and is captured as it is. Returns what
 * happened, for the README.
 */
export async function waitForPsiAverages(dir: string, limitMs = 5000): Promise<string> {
  let waited = 0;
  for (; waited < limitMs; waited += 250) {
    if (!/^some avg10=0\.00 /m.test(readCgroupFile(dir, 'cpu.pressure'))) {
      return `waited ${waited} ms (nothing running) until bob's cpu.pressure \`some avg10\` was no longer 0.00`;
    }
    await sleep(250);
  }
  return `waited ${waited} ms for bob's cpu.pressure \`some avg10\` to leave 0.00, in vain: the averages are captured as 0.00`;
}

/** Copies the readable regular files of `src` (not `except`) to `dst`; unreadable ones are added to `skipped`. */
export function copyDirFiles(src: string, dst: string, skipped: string[], except: readonly string[] = []): void {
  mkdirSync(dst, { recursive: true });
  for (const f of readdirSync(src, { withFileTypes: true }).filter((d) => d.isFile() && !except.includes(d.name))) {
    try {
      // readFileSync rather than copyFileSync: cgroupfs files report a fake size (4096); write-only ones fail here.
      writeFileSync(join(dst, f.name), readFileSync(join(src, f.name)), { mode: 0o644 });
    } catch {
      skipped.push(join(src, f.name)); // write-only (cgroup.kill, memory.reclaim, memory.force_empty…) or EOPNOTSUPP
    }
  }
}

/** Copies `src` and every group below it, at any depth, to `dst`. */
export function copyGroupTree(src: string, dst: string, skipped: string[]): void {
  copyDirFiles(src, dst, skipped);
  for (const child of readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    copyGroupTree(join(src, child.name), join(dst, child.name), skipped);
  }
}

/**
 * Real → fake PID for every task of every group below each `parentDir` (cgroup.procs, tasks and
 * cgroup.threads, at any depth, read from the live tree), numbered from FAKE_PID_BASE in ascending
 * real-PID order.
 */
export function memberPidMap(parentDirs: readonly string[]): Map<number, number> {
  const real = new Set<number>();
  const walk = (dir: string): void => {
    for (const f of PID_LIST_FILES.filter((f) => existsSync(join(dir, f)))) {
      for (const n of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) real.add(Number(n));
    }
    for (const child of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) walk(join(dir, child.name));
  };
  for (const parentDir of parentDirs) walk(parentDir);
  return new Map([...real].sort((a, b) => a - b).map((pid, i) => [pid, FAKE_PID_BASE + i]));
}

/** Rewrites every cgroup.procs, tasks and cgroup.threads file below `dir` through pidMap (an unmapped PID is a bug: throw). */
export function rewritePidLists(dir: string, pidMap: Map<number, number>): void {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) rewritePidLists(p, pidMap);
    else if (PID_LIST_FILES.includes(d.name)) {
      const lines = readFileSync(p, 'utf8').split('\n').filter(Boolean).map((n) => {
        const fake = pidMap.get(Number(n));
        if (fake === undefined) throw new Error(`${p}: PID ${n} appeared after the member list was read`);
        return `${fake}\n`;
      });
      writeFileSync(p, lines.join(''));
    }
  }
}

/** Copies the host-wide files the agent reads (CPU count, /proc/stat, meminfo, load, uptime, hostname). */
export function captureHostFiles(out: string): void {
  for (const rel of HOST_FILES) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), readFileSync(join('/', rel)));
  }
}

/**
 * Copies stat, status and cmdline of every member into proc/<fake pid>/, with PID fields rewritten:
 * members → their fake PID, any other positive PID → 0. Returns the real uids the members run as.
 */
export function captureProcesses(out: string, pidMap: Map<number, number>): Set<number> {
  const mask = (n: string) => {
    const v = Number(n);
    return String(v > 0 ? pidMap.get(v) ?? 0 : v);
  };
  const uids = new Set<number>();
  for (const [real, fake] of pidMap) {
    const src = join('/proc', String(real));
    const dst = join(out, 'proc', String(fake));
    mkdirSync(dst, { recursive: true });
    const stat = readFileSync(join(src, 'stat'), 'utf8');
    const close = stat.lastIndexOf(')');
    // Fields after comm: [0] state, [1] ppid, [2] pgrp, [3] session, [4] tty_nr, [5] tpgid.
    const rest = stat.slice(close + 2).split(' ');
    for (const i of [1, 2, 3, 5]) rest[i] = mask(rest[i]);
    writeFileSync(join(dst, 'stat'), `${fake} ${stat.slice(stat.indexOf('('), close + 1)} ${rest.join(' ')}`);
    const status = readFileSync(join(src, 'status'), 'utf8').replace(
      /^(Pid|PPid|Tgid|TracerPid|NSpid|NStgid|NSpgid|NSsid):(\s+)(.*)$/gm,
      (_l, key: string, sp: string, v: string) => `${key}:${sp}${v.split('\t').map(mask).join('\t')}`,
    );
    writeFileSync(join(dst, 'status'), status);
    const uid = /^Uid:\s+(\d+)/m.exec(status);
    if (uid) uids.add(Number(uid[1]));
    writeFileSync(join(dst, 'cmdline'), readFileSync(join(src, 'cmdline')));
  }
  return uids;
}

/** etc/passwd with only the lines of the given uids (the whole file is not committed). */
export function writePasswd(out: string, uids: Set<number>): void {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => uids.has(Number(l.split(':')[2])) && l.split(':').length >= 3);
  mkdirSync(join(out, 'etc'), { recursive: true });
  writeFileSync(join(out, 'etc/passwd'), lines.map((l) => `${l}\n`).join(''));
}

/** Keeps only the mountinfo lines of the cgroup mounts (and their tmpfs), which is all detectLayout reads. */
export function writeMountinfo(out: string): void {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => / - (cgroup2?|tmpfs) /.test(l) && / \/sys\/fs\/cgroup[/ ]/.test(l));
  mkdirSync(join(out, 'proc/self'), { recursive: true });
  writeFileSync(join(out, 'proc/self/mountinfo'), lines.join('\n') + '\n');
}

/** The README's header lines: kernel, distro, date, CPUs. */
export function readmeHeader(out: string): string {
  return `# ${out.split('/').pop()}

Captured from a real kernel by \`scripts/capture-cgroup-fixture.ts\` (do not edit by hand; re-run it).

- Kernel: \`${readFileSync('/proc/version', 'utf8').trim()}\`
- Distro: ${distroName()}`;
}

export function readmeCpus(): string {
  return `- CPUs: ${availableParallelism()} (\`sys/devices/system/cpu/online\`: \`${readFileSync('/sys/devices/system/cpu/online', 'utf8').trim()}\`)`;
}

/** The README's paragraphs on host files, member processes and passwd, and the PID rewriting. */
export function readmeHostAndPids(pidMap: Map<number, number>, uids: Set<number>): string {
  const fakes = [...pidMap.values()];
  return `- Host files the agent reads, copied as they were at capture time, so the whole agent runs on this tree
  with \`CGDASH_HOST_ROOT\`: \`${HOST_FILES.join('`, `')}\`.
- \`proc/<pid>/{${PID_FILES.join(',')}}\` of every sandbox member: ${fakes.map((p) => `\`${p}\``).join(', ') || 'none'}.
- \`etc/passwd\`: only the line(s) of the uid(s) the members run as (${[...uids].join(', ') || 'none'}), not the whole file.

**PIDs are rewritten.** Every member PID/TID is replaced by a PID that cannot exist on any Linux host,
${FAKE_PID_BASE} (2^22 + 1, one above the largest possible \`pid_max\`) and up, in every \`cgroup.procs\`,
\`tasks\` and \`cgroup.threads\`, in the \`proc/<pid>\` directory names and in the PID fields of their \`stat\` and \`status\`
(Pid, Tgid, NSpid…); the other PIDs there (parent, process group, session, tracer) are set to 0.
So a replay that freezes, kills or moves a captured member can only get ESRCH, never signal a
real process. (\`proc/loadavg\`'s last field, the last PID created on the capture host, is left as
captured; nothing signals it.)`;
}

export function readmeSkipped(skipped: string[]): string {
  return `Unreadable (write-only or unsupported) files that were skipped:

${skipped.map((s) => `- \`${s}\``).join('\n') || '- none'}
`;
}

export function kernelTag(): string {
  return release().split('.').slice(0, 2).join('.');
}

export function distroTag(): string {
  const os = readFileSync('/etc/os-release', 'utf8');
  return `${/^ID=(.*)$/m.exec(os)?.[1] ?? 'linux'}${/^VERSION_ID="?([^"\n]*)/m.exec(os)?.[1] ?? ''}`;
}

function distroName(): string {
  return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
}
