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
 * parent renamed to `cgdash`.
 *
 * On a hybrid host it also makes the same parent, bob and carol in the unified (cgroup2) hierarchy
 * (which cgdash itself never creates; the v1 driver reads a sandbox's PSI from there when it exists),
 * moves bob's `yes` into bob's unified group as well before it runs (one group per hierarchy, so it
 * is in both; checked in /proc/<pid>/cgroup), and copies the readable files of those three unified
 * groups too: the cgroup2 core files (cgroup.procs, cgroup.threads, cgroup.events, cgroup.stat…),
 * cpu.stat and the *.pressure files. It also records the host files the whole agent reads, so the agent can
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
import { confinedParentDir, confinedSandboxDir, makeCgroupDir, readCgroupFile, removeCgroupDirWithBackoff, writeCgroupFile } from '../server/agent/cgroupfs/files';
import { loadLayout } from '../server/agent/cgroupfs/layout';

const FIXTURE_PARENT = 'cgdash';
const SANDBOXES = ['bob', 'carol'] as const;
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
  /** Unified-hierarchy groups this run made (parent first), so that only those are ever removed. */
  const madeUnified: string[] = [];
  const yes = spawn('sh', ['-c', 'read _ ; exec yes > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    await driver.ensureParent();
    await driver.create('bob');
    await driver.create('carol');
    await driver.setCpuQuota('bob', { quotaUsec: BigInt(Math.round(0.05 * cpuCount * 100_000)), periodUsec: 100_000n });
    await driver.setMemoryLimit('bob', 80n * 1024n * 1024n);
    await driver.movePid('bob', yes.pid!);
    if (layout.unified !== null) {
      // mkdir fails with EEXIST rather than adopting a group this run did not make.
      for (const dir of [confinedParentDir(layout.unified, parent), ...SANDBOXES.map((n) => confinedSandboxDir(layout.unified!, parent, n))]) {
        makeCgroupDir(dir);
        madeUnified.push(dir);
      }
      writeCgroupFile(confinedSandboxDir(layout.unified, parent, 'bob'), 'cgroup.procs', String(yes.pid!));
      checkMembership(layout, parent, yes.pid!);
    }
    yes.stdin!.end('go\n');
    await sleep(1000);
    await driver.freeze('bob');
    const psiWait = layout.unified === null ? '' : await waitForPsiAverages(confinedSandboxDir(layout.unified, parent, 'bob'));
    rmSync(out, { recursive: true, force: true });
    const skipped = captureTree(layout, parent, out);
    const pidMap = memberPidMap(layout, parent);
    rewritePidLists(out, pidMap);
    writeMountinfo(out);
    captureHostFiles(out);
    const users = captureProcesses(out, pidMap);
    writePasswd(out, users);
    writeReadme(out, layout, skipped, pidMap, users, psiWait);
    console.log(`captured ${out} (${pidMap.size} member PIDs rewritten, ${skipped.length} unreadable files skipped)`);
  } finally {
    await cleanUp(driver, layout, parent, madeUnified, yes);
  }
}

/**
 * Ends the run's `yes` and removes everything the run made, whatever failed before: each step is
 * tried on its own and a failure is printed (exit code 1), never hidden and never stopping the rest.
 * Order: SIGKILL to our own `yes` by PID; driver.kill + driver.remove of each sandbox (v1); the
 * unified groups children first, then the parent; the v1 parent dirs.
 */
async function cleanUp(driver: ReturnType<typeof createDriver>, layout: CgroupLayout, parent: string, madeUnified: string[], yes: ReturnType<typeof spawn>): Promise<void> {
  const attempt = async (what: string, fn: () => unknown): Promise<void> => {
    try { await fn(); } catch (err) { console.error(`cleanup: ${what} failed: ${String(err)}`); process.exitCode = 1; }
  };
  if (yes.exitCode === null && yes.signalCode === null) await attempt(`SIGKILL to our yes (${yes.pid})`, () => yes.kill('SIGKILL'));
  let names: string[] = [];
  await attempt('listing the sandboxes', async () => { names = await driver.listSandboxes(); });
  for (const name of names) {
    await attempt(`kill ${name}`, () => driver.kill(name));
    await attempt(`remove ${name}`, () => driver.remove(name));
  }
  for (const dir of [...madeUnified].reverse()) {
    await attempt(`rmdir ${dir}`, async () => {
      // Only a group this run made; after the driver's kill it should be empty. If not (the kill
      // failed), end what is still in it through its own cgroup.kill before the rmdir.
      if (readCgroupFile(dir, 'cgroup.procs').trim() !== '') {
        console.error(`cleanup: ${dir} still has processes after the driver's kill; writing its cgroup.kill`);
        writeCgroupFile(dir, 'cgroup.kill', '1');
      }
      await removeCgroupDirWithBackoff(dir);
    });
  }
  removeParentDirs(layout, parent);
}

/**
 * The kernel recomputes a group's PSI averages (avg10/avg60/avg300) only every 2 s (PSI_FREQ), so
 * right after the 1 s run they still read 0.00 although `total=` already counts the stall. Waits
 * (frozen, so nothing more is added) until cpu.pressure's some avg10 is no longer 0.00, at most 5 s;
 * a group that never stalled keeps zeros and is captured as it is. Returns what happened, for the README.
 */
async function waitForPsiAverages(dir: string): Promise<string> {
  let waited = 0;
  for (; waited < 5000; waited += 250) {
    if (!/^some avg10=0\.00 /m.test(readCgroupFile(dir, 'cpu.pressure'))) {
      return `waited ${waited} ms (nothing running) until bob's cpu.pressure \`some avg10\` was no longer 0.00`;
    }
    await sleep(250);
  }
  return `waited ${waited} ms for bob's cpu.pressure \`some avg10\` to leave 0.00, in vain: the averages are captured as 0.00`;
}

/**
 * Asserts that `pid` is in `<parent>/bob` in every managed v1 hierarchy and in the unified one at the
 * same time (/proc/<pid>/cgroup: one line per hierarchy, `0::` for cgroup2), as hybrid mode allows.
 */
function checkMembership(layout: CgroupLayout, parent: string, pid: number): void {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').filter(Boolean);
  const want = `/${parent}/bob`;
  const unified = lines.find((l) => l.startsWith('0::'));
  if (unified !== `0::${want}`) throw new Error(`PID ${pid} is not in the unified ${want}: ${lines.join(' | ')}`);
  for (const c of MANAGED.filter((c) => layout.v1[c] !== undefined)) {
    if (!lines.some((l) => l.split(':')[1]?.split(',').includes(c) && l.endsWith(`:${want}`))) {
      throw new Error(`PID ${pid} is not in the ${c} ${want}: ${lines.join(' | ')}`);
    }
  }
}

/** Copies the parent's and each sandbox's readable files; returns the files that could not be read. */
function captureTree(layout: CgroupLayout, parent: string, out: string): string[] {
  const skipped: string[] = [];
  for (const mount of capturedMounts(layout)) {
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

/** Files that list PIDs or TIDs: v1 cgroup.procs and tasks, cgroup2 cgroup.procs and cgroup.threads. */
const PID_LIST_FILES = ['cgroup.procs', 'tasks', 'cgroup.threads'];

/** The distinct mounts captured: every managed v1 hierarchy, then the unified one on a hybrid host. */
function capturedMounts(layout: CgroupLayout): string[] {
  return [...new Set([...MANAGED.map((c) => layout.v1[c]).filter((m): m is string => m !== undefined), ...(layout.unified === null ? [] : [layout.unified])])];
}

/**
 * Real → fake PID for every task of every sandbox (cgroup.procs, tasks and cgroup.threads of every
 * captured hierarchy, unified included, read from the live parent), numbered from FAKE_PID_BASE in
 * ascending real-PID order.
 */
function memberPidMap(layout: CgroupLayout, parent: string): Map<number, number> {
  const real = new Set<number>();
  for (const mount of capturedMounts(layout)) {
    const src = join(mount, parent);
    for (const child of readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of PID_LIST_FILES.filter((f) => existsSync(join(src, child.name, f)))) {
        for (const n of readFileSync(join(src, child.name, f), 'utf8').split('\n').filter(Boolean)) real.add(Number(n));
      }
    }
  }
  return new Map([...real].sort((a, b) => a - b).map((pid, i) => [pid, FAKE_PID_BASE + i]));
}

/** Rewrites every cgroup.procs, tasks and cgroup.threads file in the captured tree through pidMap (an unmapped PID is a bug: throw). */
function rewritePidLists(out: string, pidMap: Map<number, number>): void {
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (PID_LIST_FILES.includes(d.name)) {
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

function writeReadme(out: string, layout: CgroupLayout, skipped: string[], pidMap: Map<number, number>, uids: Set<number>, psiWait: string): void {
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
- Of the v1 hierarchies only the managed ones (cpu, cpuacct, memory, freezer, pids, blkio) are captured; cpuset and devices are not used.
${layout.unified === null ? '' : `- \`${relative('/', layout.unified)}/cgdash{,/bob,/carol}\`: the same three groups in the hybrid host's cgroup2 (unified)
  hierarchy. cgdash never makes these; the capture does, so that the v1 driver's pressure reading (from
  \`<unified>/<parent>/<name>\` when that group exists) runs on real files. No controller is enabled there,
  so each holds only the cgroup2 core files (\`cgroup.procs\`, \`cgroup.threads\`, \`cgroup.events\`,
  \`cgroup.freeze\`, \`cgroup.stat\`, \`cgroup.stat.local\`, \`cgroup.type\`, \`cgroup.max.*\`, empty
  \`cgroup.controllers\` / \`cgroup.subtree_control\`), \`cpu.stat\` (usage_usec, user_usec, system_usec,
  nice_usec; \`cpu.stat.local\` empty) and the PSI files \`cpu.pressure\`, \`memory.pressure\`, \`io.pressure\`
  (and \`cgroup.pressure\`, PSI on/off). \`cgroup.kill\` is write-only (skipped, see below).
  bob's \`yes\` was moved into unified \`cgdash/bob\` as well before it ran (one group per hierarchy, so it is
  in both; \`/proc/<pid>/cgroup\` was checked to show \`0::/<parent>/bob\` next to the v1 lines), so bob's
  \`cgroup.procs\` / \`cgroup.threads\` list its (rewritten) PID and its \`cpu.stat\` and \`*.pressure\` \`total=\`
  counters hold the 1 s run. The kernel recomputes PSI averages only every 2 s, so after freezing bob the
  capture ${psiWait}.
  bob's \`cgroup.freeze\` and \`cgroup.events\` \`frozen\` read 0: it is frozen through the v1 freezer, not
  cgroup2's. carol's unified group is empty (its files as the kernel made them).
`}- Host files the agent reads, copied as they were at capture time, so the whole agent runs on this tree
  with \`CGDASH_HOST_ROOT\`: \`${HOST_FILES.join('`, `')}\`.
- \`proc/<pid>/{${PID_FILES.join(',')}}\` of every sandbox member: ${fakes.map((p) => `\`${p}\``).join(', ') || 'none'}.
- \`etc/passwd\`: only the line(s) of the uid(s) the members run as (${[...uids].join(', ') || 'none'}), not the whole file.

**PIDs are rewritten.** Every member PID/TID is replaced by a PID that cannot exist on any Linux host,
${FAKE_PID_BASE} (2^22 + 1, one above the largest possible \`pid_max\`) and up, in every \`cgroup.procs\`,
\`tasks\` and \`cgroup.threads\`, in the \`proc/<pid>\` directory names and in the PID fields of their \`stat\` and \`status\`
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
