/**
 * Pure parsers for the /proc files cgdash reads (proc(5)). Each takes the file's text; none does I/O.
 * Tick counts are in USER_HZ (clock ticks), converted by the caller with the host's CLK_TCK.
 */

/** The fields of /proc/<pid>/stat that cgdash uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
  /** Start time after boot, clock ticks: with pid, identifies one process across PID reuse. */
  startTicks: number;
  numThreads: number;
}

/** Parses /proc/<pid>/stat. comm may contain spaces and parentheses, so split at the LAST ")". */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unexpected /proc/<pid>/stat: ${JSON.stringify(text.slice(0, 80))}`);
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    cpuTicks: field(14) + field(15),
    numThreads: field(20),
    startTicks: field(22),
  };
}

/** Real uid and resident set size from /proc/<pid>/status (VmRSS is absent for kernel threads and zombies → 0). */
export function parseProcStatus(text: string): { uid: number; rssBytes: number } {
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(text);
  return { uid: uid ? Number(uid[1]) : -1, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** argv from /proc/<pid>/cmdline (NUL-separated); empty for kernel threads and zombies. */
export function parseCmdline(text: string): string {
  return text.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1).join(' ').trim();
}

/** uid → name from /etc/passwd text. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2])) users.set(Number(f[2]), f[0]);
  }
  return users;
}

/** Counts CPUs in a kernel CPU list such as "0-1", "0,2-5" (/sys/devices/system/cpu/online). */
export function parseCpuList(text: string): number {
  let n = 0;
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`unexpected CPU list: ${JSON.stringify(text)}`);
    n += m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1;
  }
  if (n === 0) throw new Error('empty CPU list');
  return n;
}

/** Jiffy counters of one line of /proc/stat: busy and total (idle + iowait count as idle, as htop does). */
export interface CpuTimes { busy: number; total: number }

/** Per-CPU ("cpu0", "cpu1" …) and aggregate ("cpu") times from /proc/stat. */
export function parseProcStatCpus(text: string): { all: CpuTimes; perCpu: Map<number, CpuTimes> } {
  let all: CpuTimes = { busy: 0, total: 0 };
  const perCpu = new Map<number, CpuTimes>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const v = m[2].trim().split(/\s+/).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = v[3] + (v[4] ?? 0);
    const times = { busy: total - idle, total };
    if (m[1] === '') all = times;
    else perCpu.set(Number(m[1]), times);
  }
  return { all, perCpu };
}

/**
 * Boot time from the `btime` line of /proc/stat, seconds since the epoch; null when the line is
 * missing or malformed (the caller then reports process start times as unknown).
 */
export function parseBootTime(text: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * Process start as ms since the epoch: boot time + /proc/<pid>/stat starttime (clock ticks after boot).
 * null when the boot time is unknown. Whole ms; the tick count has 10 ms resolution at USER_HZ 100.
 */
export function deriveStartTimeMs(bootTimeSec: number | null, startTicks: number, clockTicks: number): number | null {
  if (bootTimeSec === null || !Number.isFinite(startTicks) || !(clockTicks > 0)) return null;
  return bootTimeSec * 1000 + Math.round((startTicks * 1000) / clockTicks);
}

/** MemTotal and MemAvailable from /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { totalBytes: kb('MemTotal'), availableBytes: kb('MemAvailable') };
}

/** "0.52 0.58 0.59 1/234 5678" → [0.52, 0.58, 0.59]. */
export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  return [a, b, c];
}

/** First number of /proc/uptime, seconds. */
export function parseUptime(text: string): number {
  return Number(text.trim().split(/\s+/)[0]);
}
