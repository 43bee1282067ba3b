import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HostSample, LayoutKind, ProcessInfo } from '../../../lib/protocol';
import {
  deriveStartTimeMs, parseBootTime, parseCmdline, parseCpuList, parseLoadavg, parseMeminfo, parseProcStat, parseProcStatCpus, parseProcStatus, parsePasswd, parseUptime,
  type CpuTimes,
} from './parse';

/** ENOENT/ESRCH while reading /proc/<pid>: the process exited between listing and reading. */
const isGone = (e: unknown) => ['ENOENT', 'ESRCH'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** USER_HZ of this host (getconf CLK_TCK); 100 on every mainstream Linux architecture if getconf is absent. */
export function readClockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** Online CPU count from <hostRoot>/sys/devices/system/cpu/online. */
export function readOnlineCpus(hostRoot: string): number {
  return parseCpuList(readFileSync(join(hostRoot, 'sys/devices/system/cpu/online'), 'utf8'));
}

/** One process as /proc shows it; the sampler adds the group it was listed in (ProcessInfo.cgroup). */
export type ProcessStats = Omit<ProcessInfo, 'cgroup'>;

/**
 * Reads member processes htop-style and keeps the previous CPU tick count per process, so CPU % is a
 * delta over the monotonic clock. A process is identified by pid + start time: a reused PID gives no
 * rate for its first interval, never a spike.
 */
export class ProcessReader {
  private prev = new Map<number, { startTicks: number; cpuTicks: number; atNs: bigint }>();
  private users = new Map<number, string>();
  private usersReadAtNs = -1n;
  /** Boot time (s since epoch) from <hostRoot>/proc/stat btime, read once; null = unknown; undefined = not read yet. */
  private bootTimeSec: number | null | undefined;

  constructor(private readonly hostRoot: string, private readonly clockTicks: number) {}

  /** Reads the given PIDs; those that exit meanwhile are skipped. Sorted by CPU then RSS, descending. */
  read(pids: number[], nowNs: bigint): ProcessStats[] {
    this.refreshUsers(nowNs);
    const out: ProcessStats[] = [];
    for (const pid of pids) {
      const info = this.readOne(pid, nowNs);
      if (info) out.push(info);
    }
    return out.sort((a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || b.rssBytes - a.rssBytes);
  }

  /** Forgets processes not seen for a while, so the map does not grow without bound. */
  prune(olderThanNs: bigint): void {
    for (const [pid, p] of this.prev) if (p.atNs < olderThanNs) this.prev.delete(pid);
  }

  private readOne(pid: number, nowNs: bigint): ProcessStats | null {
    const dir = join(this.hostRoot, 'proc', String(pid));
    let stat; let status; let cmdline;
    try {
      stat = parseProcStat(readFileSync(join(dir, 'stat'), 'utf8'));
      status = parseProcStatus(readFileSync(join(dir, 'status'), 'utf8'));
      cmdline = parseCmdline(readFileSync(join(dir, 'cmdline'), 'utf8'));
    } catch (e) {
      if (isGone(e)) return null;
      throw e;
    }
    const before = this.prev.get(pid);
    let cpuPercent: number | null = null;
    if (before && before.startTicks === stat.startTicks && nowNs > before.atNs && stat.cpuTicks >= before.cpuTicks) {
      const seconds = Number(nowNs - before.atNs) / 1e9;
      cpuPercent = ((stat.cpuTicks - before.cpuTicks) / this.clockTicks / seconds) * 100;
    }
    this.prev.set(pid, { startTicks: stat.startTicks, cpuTicks: stat.cpuTicks, atNs: nowNs });
    return {
      pid,
      user: this.users.get(status.uid) ?? String(status.uid),
      state: stat.state,
      cpuPercent,
      rssBytes: status.rssBytes,
      threads: stat.numThreads,
      startTime: deriveStartTimeMs(this.readBootTime(), stat.startTicks, this.clockTicks),
      command: cmdline || `[${stat.comm}]`,
    };
  }

  /**
   * btime is fixed for the life of the kernel, so it is read once: the kernel derives it from the wall
   * clock, and a re-read after a clock adjustment could move every start time by a second.
   */
  private readBootTime(): number | null {
    if (this.bootTimeSec === undefined) {
      try {
        this.bootTimeSec = parseBootTime(readFileSync(join(this.hostRoot, 'proc/stat'), 'utf8'));
      } catch {
        this.bootTimeSec = null; // no proc/stat in the tree: start times unknown
      }
    }
    return this.bootTimeSec;
  }

  private refreshUsers(nowNs: bigint): void {
    // /etc/passwd changes rarely; re-read it at most once a minute.
    if (this.usersReadAtNs >= 0n && nowNs - this.usersReadAtNs < 60_000_000_000n) return;
    this.usersReadAtNs = nowNs;
    try {
      this.users = parsePasswd(readFileSync(join(this.hostRoot, 'etc/passwd'), 'utf8'));
    } catch {
      this.users = new Map(); // no passwd file (minimal tree): show numeric uids
    }
  }
}

/** Whole-machine CPU/memory for the header; keeps the previous /proc/stat to compute busy %. */
export class HostReader {
  private prev: { all: CpuTimes; perCpu: Map<number, CpuTimes> } | null = null;

  constructor(private readonly hostRoot: string, private readonly layout: LayoutKind, private readonly cpuCount: number) {}

  read(): HostSample {
    const proc = (f: string) => readFileSync(join(this.hostRoot, 'proc', f), 'utf8');
    const cur = parseProcStatCpus(proc('stat'));
    const mem = parseMeminfo(proc('meminfo'));
    const busy = (a: CpuTimes | undefined, b: CpuTimes | undefined) =>
      a && b && b.total > a.total && b.busy >= a.busy ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : null;
    const ids = [...cur.perCpu.keys()].sort((a, b) => a - b);
    const sample: HostSample = {
      hostname: this.readHostname(proc),
      layout: this.layout,
      cpuCount: this.cpuCount,
      perCpuPercent: ids.map((id) => busy(this.prev?.perCpu.get(id), cur.perCpu.get(id))),
      cpuPercent: busy(this.prev?.all, cur.all),
      memTotalBytes: mem.totalBytes,
      memUsedBytes: mem.totalBytes - mem.availableBytes,
      memAvailableBytes: mem.availableBytes,
      loadAvg: parseLoadavg(proc('loadavg')),
      uptimeSeconds: parseUptime(proc('uptime')),
    };
    this.prev = cur;
    return sample;
  }

  private readHostname(proc: (f: string) => string): string {
    try {
      return proc('sys/kernel/hostname').trim();
    } catch {
      return hostname(); // a captured tree without proc/sys: fall back to this machine's name
    }
  }
}
