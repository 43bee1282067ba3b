/**
 * Captures a real cgroup fixture tree from this machine for the driver unit tests.
 *
 *   tsx scripts/capture-cgroup-fixture.ts [--out test/fixtures/cgroupfs/<kind>-<distro>-<kernel>]
 *
 * It makes its own `cgdash-fixture-<hex>` parent with two sandboxes through the driver:
 *   bob   — CPU quota 5 % of the machine, 80M memory limit, ran `yes` for 1 s, then frozen (yes inside);
 *   carol — no limits, thawed, empty.
 * It copies every readable file of the parent and both sandboxes (in every managed hierarchy) plus
 * the cgroup lines of /proc/self/mountinfo into the output tree, mirroring absolute paths, with the
 * parent renamed to `cgdash`. It also records the host files the whole agent reads, so the agent can
 * run on the tree with CGDASH_HOST_ROOT: sys/devices/system/cpu/online, proc/{stat,meminfo,loadavg,
 * uptime}, proc/sys/kernel/hostname, proc/<pid>/{stat,status,cmdline} of every sandbox member, and
 * etc/passwd reduced to the lines of the users those members run as.
 *
 * Every member PID (and TID) is rewritten to a PID that cannot exist on any Linux host (FAKE_PID_BASE
 * = 2^22 + 1 and up, above the largest possible pid_max): in cgroup.procs, tasks, the proc/<pid>
 * directory name and the PID fields of its stat/status; other PIDs there (parent, process group,
 * session) become 0. A replay that signals a captured member can then only get ESRCH.
 *
 * It writes README.md (kernel, distro, date, contents, skipped files), and always kills its `yes`
 * and removes the parent again. Run as root on the host to capture. Only v1/hybrid hosts are
 * supported so far (v2 needs a v2 kernel; see the v2 fixture's README).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createDriver } from '../server/agent/cgroupfs/create-driver';
import type { CgroupLayout } from '../server/agent/cgroupfs/driver';
import { loadLayout } from '../server/agent/cgroupfs/layout';

const FIXTURE_PARENT = 'cgdash';
const MANAGED = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio'] as const;
/** 2^22 + 1: one above the largest pid_max Linux allows (PID_MAX_LIMIT = 2^22), so never a live PID. */
const FAKE_PID_BASE = 4_194_305;
/** Host files the agent reads besides cgroupfs (see server/agent/procfs/read.ts), relative to the root. */
const HOST_FILES = ['sys/devices/system/cpu/online', 'proc/stat', 'proc/meminfo', 'proc/loadavg', 'proc/uptime', 'proc/sys/kernel/hostname'];
/** Per-process files the agent reads for each member. */
const PID_FILES = ['stat', 'status', 'cmdline'] as const;

async function main(): Promise<void> {
  const layout = loadLayout('/');
  if (layout.kind === 'v2') throw new Error('v2 capture is not implemented yet: this script only knows the v1 sandbox set-up.');
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = values.out ?? join('test/fixtures/cgroupfs', `${layout.kind === 'hybrid' ? 'v1-hybrid' : 'v1'}-${distroTag()}-${kernelTag()}`);
  const parent = `cgdash-fixture-${randomBytes(4).toString('hex')}`;
  const cpuCount = availableParallelism();
  const driver = createDriver({ hostRoot: '/', layout, parent, cpuCount });
  const yes = spawn('sh', ['-c', 'read _ ; exec yes > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    await driver.ensureParent();
    await driver.create('bob');
    await driver.create('carol');
    await driver.setCpuQuota('bob', { quotaUsec: BigInt(Math.round(0.05 * cpuCount * 100_000)), periodUsec: 100_000n });
    await driver.setMemoryLimit('bob', 80n * 1024n * 1024n);
    await driver.movePid('bob', yes.pid!);
    yes.stdin!.end('go\n');
    await sleep(1000);
    await driver.freeze('bob');
    rmSync(out, { recursive: true, force: true });
    const skipped = captureTree(layout, parent, out);
    const pidMap = memberPidMap(layout, parent);
    rewritePidLists(out, pidMap);
    writeMountinfo(out);
    captureHostFiles(out);
    const users = captureProcesses(out, pidMap);
    writePasswd(out, users);
    writeReadme(out, layout, skipped, pidMap, users);
    console.log(`captured ${out} (${pidMap.size} member PIDs rewritten, ${skipped.length} unreadable files skipped)`);
  } finally {
    if (yes.exitCode === null) yes.kill('SIGKILL');
    for (const name of await driver.listSandboxes()) {
      await driver.kill(name);
      await driver.remove(name);
    }
    removeParentDirs(layout, parent);
  }
}

/** Copies the parent's and each sandbox's readable files; returns the files that could not be read. */
function captureTree(layout: CgroupLayout, parent: string, out: string): string[] {
  const skipped: string[] = [];
  for (const mount of new Set(MANAGED.map((c) => layout.v1[c]).filter((m): m is string => m !== undefined))) {
    const src = join(mount, parent);
    const dst = join(out, mount, FIXTURE_PARENT);
    copyDirFiles(src, dst, skipped);
    for (const child of readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      copyDirFiles(join(src, child.name), join(dst, child.name), skipped);
    }
  }
  return skipped.map((p) => relative('/', p).replace(parent, FIXTURE_PARENT));
}

function copyDirFiles(src: string, dst: string, skipped: string[]): void {
  mkdirSync(dst, { recursive: true });
  for (const f of readdirSync(src, { withFileTypes: true }).filter((d) => d.isFile())) {
    try {
      // readFileSync rather than copyFileSync: cgroupfs files report a fake size (4096); write-only ones fail here.
      writeFileSync(join(dst, f.name), readFileSync(join(src, f.name)), { mode: 0o644 });
    } catch {
      skipped.push(join(src, f.name)); // write-only (cgroup.event_control, memory.force_empty…) or EOPNOTSUPP
    }
  }
}

/**
 * Real → fake PID for every task of every sandbox (cgroup.procs and tasks of every managed hierarchy,
 * read from the live parent), numbered from FAKE_PID_BASE in ascending real-PID order.
 */
function memberPidMap(layout: CgroupLayout, parent: string): Map<number, number> {
  const real = new Set<number>();
  for (const mount of new Set(MANAGED.map((c) => layout.v1[c]).filter((m): m is string => m !== undefined))) {
    const src = join(mount, parent);
    for (const child of readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of ['cgroup.procs', 'tasks']) {
        for (const n of readFileSync(join(src, child.name, f), 'utf8').split('\n').filter(Boolean)) real.add(Number(n));
      }
    }
  }
  return new Map([...real].sort((a, b) => a - b).map((pid, i) => [pid, FAKE_PID_BASE + i]));
}

/** Rewrites every cgroup.procs and tasks file in the captured tree through pidMap (an unmapped PID is a bug: throw). */
function rewritePidLists(out: string, pidMap: Map<number, number>): void {
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name === 'cgroup.procs' || d.name === 'tasks') {
        const lines = readFileSync(p, 'utf8').split('\n').filter(Boolean).map((n) => {
          const fake = pidMap.get(Number(n));
          if (fake === undefined) throw new Error(`${p}: PID ${n} appeared after the member list was read`);
          return `${fake}\n`;
        });
        writeFileSync(p, lines.join(''));
      }
    }
  };
  walk(join(out, 'sys/fs/cgroup'));
}

/** Copies the host-wide files the agent reads (CPU count, /proc/stat, meminfo, load, uptime, hostname). */
function captureHostFiles(out: string): void {
  for (const rel of HOST_FILES) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), readFileSync(join('/', rel)));
  }
}

/**
 * Copies stat, status and cmdline of every member into proc/<fake pid>/, with PID fields rewritten:
 * members → their fake PID, any other positive PID → 0. Returns the real uids the members run as.
 */
function captureProcesses(out: string, pidMap: Map<number, number>): Set<number> {
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
function writePasswd(out: string, uids: Set<number>): void {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => uids.has(Number(l.split(':')[2])) && l.split(':').length >= 3);
  mkdirSync(join(out, 'etc'), { recursive: true });
  writeFileSync(join(out, 'etc/passwd'), lines.map((l) => `${l}\n`).join(''));
}

/** Keeps only the mountinfo lines of the cgroup mounts (and their tmpfs), which is all detectLayout reads. */
function writeMountinfo(out: string): void {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => / - (cgroup2?|tmpfs) /.test(l) && / \/sys\/fs\/cgroup[/ ]/.test(l));
  mkdirSync(join(out, 'proc/self'), { recursive: true });
  writeFileSync(join(out, 'proc/self/mountinfo'), lines.join('\n') + '\n');
}

function writeReadme(out: string, layout: CgroupLayout, skipped: string[], pidMap: Map<number, number>, uids: Set<number>): void {
  const fakes = [...pidMap.values()];
  const text = `# ${out.split('/').pop()}

Captured from a real kernel by \`scripts/capture-cgroup-fixture.ts\` (do not edit by hand; re-run it).

- Kernel: \`${readFileSync('/proc/version', 'utf8').trim()}\`
- Distro: ${distroName()}
- Layout: ${layout.kind}; v1 hierarchies: ${Object.entries(layout.v1).map(([c, d]) => `${c} → ${d}`).join(', ')}; cgroup2: ${layout.unified ?? 'none'}
- Captured: ${new Date().toISOString()}
- CPUs: ${availableParallelism()} (\`sys/devices/system/cpu/online\`: \`${readFileSync('/sys/devices/system/cpu/online', 'utf8').trim()}\`)

Contents (the capture's \`cgdash-fixture-<hex>\` parent is renamed to \`cgdash\`):

- \`proc/self/mountinfo\`: the cgroup lines of the capturing process's mountinfo.
- \`sys/fs/cgroup/*/cgdash/bob\`: CPU quota 5 % of the machine (cpu.cfs_quota_us/cpu.cfs_period_us), 80M memory limit,
  ran \`yes\` for about 1 s, captured FROZEN with \`yes\` still inside (its PID is in cgroup.procs).
- \`sys/fs/cgroup/*/cgdash/carol\`: no limits (quota -1, unlimited memory.limit_in_bytes = page-aligned LONG_MAX), THAWED, empty.
- Only the managed hierarchies (cpu, cpuacct, memory, freezer, pids, blkio) are captured; cpuset and devices are not used.
- Host files the agent reads, copied as they were at capture time, so the whole agent runs on this tree
  with \`CGDASH_HOST_ROOT\`: \`${HOST_FILES.join('`, `')}\`.
- \`proc/<pid>/{${PID_FILES.join(',')}}\` of every sandbox member: ${fakes.map((p) => `\`${p}\``).join(', ') || 'none'}.
- \`etc/passwd\`: only the line(s) of the uid(s) the members run as (${[...uids].join(', ') || 'none'}), not the whole file.

**PIDs are rewritten.** Every member PID/TID is replaced by a PID that cannot exist on any Linux host,
${FAKE_PID_BASE} (2^22 + 1, one above the largest possible \`pid_max\`) and up, in every \`cgroup.procs\` and
\`tasks\`, in the \`proc/<pid>\` directory names and in the PID fields of their \`stat\` and \`status\`
(Pid, Tgid, NSpid…); the other PIDs there (parent, process group, session, tracer) are set to 0.
So a replay that freezes, kills or moves a captured member can only get ESRCH, never signal a
real process. (\`proc/loadavg\`'s last field, the last PID created on the capture host, is left as
captured; nothing signals it.)

Unreadable (write-only or unsupported) files that were skipped:

${skipped.map((s) => `- \`${s}\``).join('\n') || '- none'}
`;
  writeFileSync(join(out, 'README.md'), text);
}

/** rmdir of the capture parent in every hierarchy where it exists; a failure is printed, not hidden. */
function removeParentDirs(layout: CgroupLayout, parent: string): void {
  for (const mount of new Set(Object.values(layout.v1))) {
    const dir = join(mount, parent);
    if (!existsSync(dir)) continue;
    try { rmdirSync(dir); } catch (err) { console.error(`could not remove ${dir}: ${String(err)}`); process.exitCode = 1; }
  }
}

function kernelTag(): string {
  return release().split('.').slice(0, 2).join('.');
}

function distroTag(): string {
  const os = readFileSync('/etc/os-release', 'utf8');
  return `${/^ID=(.*)$/m.exec(os)?.[1] ?? 'linux'}${/^VERSION_ID="?([^"\n]*)/m.exec(os)?.[1] ?? ''}`;
}

function distroName(): string {
  return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
}

await main();
