/**
 * The pure cgroup v2 capture (see scripts/capture-cgroup-fixture.ts), the same sandboxes as the v1
 * capture plus what only v2 has:
 *   bob          — memory.max 80M and pids.max 64; a memory hog (`tail` buffering /dev/zero) ran in it
 *                  first and was OOM-killed; then io.max on the scratch disk (a large rbps, wiops max)
 *                  and direct reads and writes on that disk by `dd`, so io.stat and io.max hold a real
 *                  device line; then cpu.max 5 % of the machine and memory.high 64M; ran `yes` for 1 s
 *                  and was frozen with it inside (cgroup.freeze);
 *   bob/worker1  — a child group made inside bob (as another tool would) holding a `sleep`; frozen with bob;
 *   carol        — no limits, thawed, empty.
 * It copies the parent's subtree at any depth and the root's own files (not its PID lists).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDriver } from '../../server/agent/cgroupfs/create-driver';
import type { CgroupDriver, CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { confinedParentDir, confinedSandboxDir, makeCgroupDir, readCgroupFile, removeCgroupDirWithBackoff, writeCgroupFile } from '../../server/agent/cgroupfs/files';
import {
  attempt, captureHostFiles, captureProcesses, copyDirFiles, copyGroupTree, FIXTURE_PARENT, killOwnChildren, memberPidMap, readmeCpus,
  readmeHeader, readmeHostAndPids, readmeSkipped, rewritePidLists, waitForPsiAverages, writeMountinfo, writePasswd,
} from './shared';

const MIB = 1024n * 1024n;
/** How long the OOM-killed hog may take to fill 80M under emulation. */
const HOG_LIMIT_MS = 120_000;
/** How long bob's direct reads (32 MiB) and writes (8 MiB) on the scratch disk may take under emulation. */
const DD_LIMIT_MS = 120_000;
/** bob's direct I/O on the scratch disk: whole MiB blocks, O_DIRECT so that each one reaches the device (and io.stat). */
const DD_READ_MIB = 32;
const DD_WRITE_MIB = 8;
/**
 * bob's io.max read limit on the scratch disk, 1 GiB/s: a real value the kernel stores and reads back,
 * far above what the emulated disk does, so it does not slow the capture down.
 */
const IO_MAX_RBPS = 1024n * 1024n * 1024n;

/**
 * A shell that waits for a line on stdin and then runs `script` with `args` as $1… (so it can be moved
 * into a group first). stderr is piped when `keepStderr` (dd's transfer summary, for the README).
 */
function spawnWaiting(script: string, args: string[] = [], keepStderr = false): ChildProcess {
  return spawn('sh', ['-c', `read _ ; ${script}`, 'sh', ...args], { stdio: ['pipe', 'ignore', keepStderr ? 'pipe' : 'ignore'] });
}

/** The block device bob does I/O on: its path and "major:minor" (from /sys/class/block/<name>/dev). */
export interface ScratchDisk {
  path: string;
  device: string;
}

/**
 * Checks that `path` (CGDASH_VM_DISK, the VM's raw scratch disk) is a block device and reads its
 * "major:minor". Throws with a message saying how to run the capture when it is unset or not a disk:
 * without one every io.stat would be silently empty.
 */
export function loadScratchDisk(path: string | undefined): ScratchDisk {
  const how = 'run the v2 capture in the VM of scripts/vm/ (run.sh gives the guest an empty scratch disk and sets CGDASH_VM_DISK=/dev/vda); see scripts/vm/README.md';
  if (!path) throw new Error(`CGDASH_VM_DISK is not set: bob must do real block I/O on a scratch disk (its contents are overwritten) for io.stat and io.max to hold a device line; ${how}`);
  if (!existsSync(path) || !statSync(path).isBlockDevice()) throw new Error(`CGDASH_VM_DISK=${path} is not a block device; ${how}`);
  const device = readFileSync(`/sys/class/block/${basename(path)}/dev`, 'utf8').trim();
  if (!/^\d+:\d+$/.test(device)) throw new Error(`/sys/class/block/${basename(path)}/dev reads ${JSON.stringify(device)}, not "major:minor"`);
  return { path, device };
}

/** The run's processes, spawned before any group exists so that each can be moved in by PID. */
interface Load {
  /** bob's CPU-bound member: waits for a line on stdin, then `yes`. */
  yes: ChildProcess;
  /** worker1's member. Started at once: it only sleeps, and under bob's 5 % quota a shell could take seconds to exec it. */
  worker: ChildProcess;
  /** GNU tail keeps every buffer until it has seen 10 newlines; /dev/zero has none, so it grows until the OOM kill. */
  hog: ChildProcess;
  /** bob's block I/O: direct reads of the scratch disk, then direct writes of zeros to it. */
  io: ChildProcess;
}

/** The shell script of Load.io ($1 = the disk). */
const ioScript = `dd if="$1" of=/dev/null bs=1M count=${DD_READ_MIB} iflag=direct && dd if=/dev/zero of="$1" bs=1M count=${DD_WRITE_MIB} oflag=direct`;

export async function captureV2(layout: CgroupLayout, out: string, parent: string, disk: ScratchDisk): Promise<void> {
  const mount = layout.unified!;
  const driver = createDriver({ hostRoot: '/', layout, parent, cpuCount: availableParallelism() });
  const load: Load = {
    yes: spawnWaiting('exec yes > /dev/null'),
    worker: spawn('sleep', ['3600'], { stdio: 'ignore' }),
    hog: spawnWaiting('head -c 268435456 /dev/zero | tail'),
    io: spawnWaiting(ioScript, [disk.path], true),
  };
  /** Groups this run made inside a sandbox (the driver does not know them), removed before the sandboxes. */
  const madeChildren: string[] = [];
  try {
    const run = await makeLoad(driver, mount, parent, load, madeChildren, disk);
    writeTree(mount, parent, out, run);
  } finally {
    await cleanUp(driver, confinedParentDir(mount, parent), madeChildren, [load.yes, load.worker, load.hog, load.io]);
  }
}

/**
 * bob, carol and bob/worker1 with their limits and load, bob frozen at the end (see the file comment).
 * Returns what the README reports about the run.
 */
async function makeLoad(driver: CgroupDriver, mount: string, parent: string, load: Load, madeChildren: string[], disk: ScratchDisk): Promise<RunNotes> {
  const bobDir = confinedSandboxDir(mount, parent, 'bob');
  const workerDir = join(bobDir, 'worker1');
  await driver.ensureParent();
  await driver.create('bob');
  await driver.create('carol');
  await driver.setMemoryLimit('bob', 80n * MIB);
  writeCgroupFile(bobDir, 'pids.max', '64');
  // Before the CPU quota: at 5 % of a CPU under emulation the hog would take minutes to fill 80M.
  const hogStatus = await runHog(driver, bobDir, load.hog);
  // Also before the CPU quota (dd's syscalls are slow under emulation). io.max first, so that the I/O runs under a real rule.
  writeCgroupFile(bobDir, 'io.max', `${disk.device} rbps=${IO_MAX_RBPS} wiops=max`);
  const ioMax = readCgroupFile(bobDir, 'io.max');
  if (!ioMax.startsWith(`${disk.device} rbps=${IO_MAX_RBPS} `)) throw new Error(`bob's io.max reads ${JSON.stringify(ioMax)} after the write`);
  const ddSummary = await runIo(driver, bobDir, load.io, disk);
  await driver.setCpuQuota('bob', { quotaUsec: BigInt(Math.round(0.05 * availableParallelism() * 100_000)), periodUsec: 100_000n });
  writeCgroupFile(bobDir, 'memory.high', String(64n * MIB));
  // Made by "another tool" inside bob. bob will hold processes, so it enables no controllers for it.
  makeCgroupDir(workerDir);
  madeChildren.push(workerDir);
  await driver.movePid('bob', load.yes.pid!);
  writeCgroupFile(workerDir, 'cgroup.procs', String(load.worker.pid!));
  checkMembership(load.yes.pid!, `/${parent}/bob`);
  checkMembership(load.worker.pid!, `/${parent}/bob/worker1`);
  load.yes.stdin!.end('go\n');
  await sleep(1000);
  await driver.freeze('bob');
  checkCommand(load.yes.pid!, 'yes');
  checkCommand(load.worker.pid!, 'sleep');
  return { psiWait: await waitForPsiAverages(bobDir), hogStatus, ddSummary, disk };
}

/** Copies the root's own files and the parent's subtree into `out`, rewrites PIDs, adds the host files and the README. */
function writeTree(mount: string, parent: string, out: string, run: RunNotes): void {
  const parentDir = confinedParentDir(mount, parent);
  rmSync(out, { recursive: true, force: true });
  const skipped: string[] = [];
  // The root's own files (controllers, subtree_control, cpuset.cpus.effective…), not the PIDs of the whole machine.
  copyDirFiles(mount, join(out, mount), skipped, ['cgroup.procs', 'cgroup.threads']);
  copyGroupTree(parentDir, join(out, mount, FIXTURE_PARENT), skipped);
  const pidMap = memberPidMap([parentDir]);
  rewritePidLists(join(out, 'sys/fs/cgroup'), pidMap);
  writeMountinfo(out);
  captureHostFiles(out);
  const users = captureProcesses(out, pidMap);
  writePasswd(out, users);
  writeReadme(out, mount, skipped.map((p) => relative('/', p).replace(parent, FIXTURE_PARENT)), pidMap, users, run);
  console.log(`captured ${out} (${pidMap.size} member PIDs rewritten, ${skipped.length} unreadable files skipped)`);
}

interface RunNotes {
  psiWait: string;
  hogStatus: string;
  /** dd's own "N bytes … copied, T s, R" lines, read then write. */
  ddSummary: string[];
  disk: ScratchDisk;
}

/**
 * Moves the I/O load into bob, lets both dd runs finish (exit status 0 required), and checks that bob's
 * io.stat counts at least the bytes dd moved on the disk. Returns dd's transfer summaries.
 */
async function runIo(driver: CgroupDriver, bobDir: string, io: ChildProcess, disk: ScratchDisk): Promise<string[]> {
  let stderr = '';
  io.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  await driver.movePid('bob', io.pid!);
  const ended = new Promise<string>((resolve) => io.once('close', (code, signal) => resolve(signal ?? `exit status ${code}`)));
  io.stdin!.end('go\n');
  const how = await Promise.race([ended, sleep(DD_LIMIT_MS).then(() => null)]);
  if (how === null) throw new Error(`dd on ${disk.path} did not end within ${DD_LIMIT_MS} ms`);
  if (how !== 'exit status 0') throw new Error(`dd on ${disk.path} ended by ${how}: ${stderr.trim()}`);
  const line = readCgroupFile(bobDir, 'io.stat').split('\n').find((l) => l.startsWith(`${disk.device} `));
  const count = (key: string) => BigInt(new RegExp(` ${key}=(\\d+)`).exec(line ?? '')?.[1] ?? '0');
  if (count('rbytes') < BigInt(DD_READ_MIB) * MIB || count('wbytes') < BigInt(DD_WRITE_MIB) * MIB) {
    throw new Error(`dd moved ${DD_READ_MIB} MiB in and ${DD_WRITE_MIB} MiB out of ${disk.path}, but bob's io.stat line for ${disk.device} is ${JSON.stringify(line)}`);
  }
  return stderr.split('\n').filter((l) => / copied, /.test(l));
}

/**
 * Moves the hog into bob, lets it run until it ends (the OOM killer picks `tail`, the largest task in
 * the group), and checks that bob's memory.events counts an oom_kill. Returns how it ended.
 */
async function runHog(driver: CgroupDriver, bobDir: string, hog: ChildProcess): Promise<string> {
  await driver.movePid('bob', hog.pid!);
  const ended = new Promise<string>((resolve) => hog.once('exit', (code, signal) => resolve(signal ?? `exit status ${code}`)));
  hog.stdin!.end('go\n');
  const how = await Promise.race([ended, sleep(HOG_LIMIT_MS).then(() => null)]);
  if (how === null) throw new Error(`the memory hog did not end within ${HOG_LIMIT_MS} ms`);
  const oomKills = /^oom_kill (\d+)$/m.exec(readCgroupFile(bobDir, 'memory.events'))?.[1];
  if (oomKills === undefined || oomKills === '0') throw new Error(`the memory hog ended (${how}) but bob's memory.events counts no oom_kill`);
  return how;
}

/** Asserts that `pid` runs `comm` by now (the README says so). */
function checkCommand(pid: number, comm: string): void {
  const got = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if (got !== comm) throw new Error(`PID ${pid} runs ${got}, not ${comm}`);
}

/** Asserts that `pid` is in `want` (/proc/<pid>/cgroup has one line, `0::<path>`, on a pure v2 host). */
function checkMembership(pid: number, want: string): void {
  const text = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim();
  if (text !== `0::${want}`) throw new Error(`PID ${pid} is not in ${want}: ${text}`);
}

/**
 * Ends the run's processes and removes everything the run made, whatever failed before; each step is
 * tried on its own and a failure is printed (exit code 1). Order: SIGKILL to our own children by
 * PID; driver.kill of each sandbox (cgroup.kill: the whole subtree, frozen tasks included); the groups
 * made inside sandboxes; driver.remove of each sandbox; the parent.
 */
async function cleanUp(driver: CgroupDriver, parentDir: string, madeChildren: string[], children: ChildProcess[]): Promise<void> {
  await killOwnChildren(children);
  let names: string[] = [];
  await attempt('listing the sandboxes', async () => { names = await driver.listSandboxes(); });
  for (const name of names) await attempt(`kill ${name}`, () => driver.kill(name));
  for (const dir of [...madeChildren].reverse()) await attempt(`rmdir ${dir}`, () => removeCgroupDirWithBackoff(dir));
  for (const name of names) await attempt(`remove ${name}`, () => driver.remove(name));
  if (existsSync(parentDir)) await attempt(`rmdir ${parentDir}`, () => rmdirSync(parentDir));
}

/** The documented way to run this capture (scripts/vm/README.md has the same). */
const captureCommand = (name: string) => `CGDASH_VM_RESULTS=/tmp/cgdash-capture scripts/vm/run.sh --timeout 600 -- sh -c \\
  'echo 0 > /sys/devices/system/cpu/cpu1/online && exec node --import tsx scripts/capture-cgroup-fixture.ts --out /run/cgdash-vm/${name}'
rm -rf test/fixtures/cgroupfs/${name} && cp -r /tmp/cgdash-capture/${name} test/fixtures/cgroupfs/`;

/** Says so when CPUs were offline at capture time (the documented command takes CPU 1 of the VM offline). */
function cpusNote(): string {
  const possible = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  const online = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  if (possible === online) return '';
  return `; \`possible\`: \`${possible}\`: the other CPUs were taken offline
  before the capture (\`echo 0 > /sys/devices/system/cpu/cpu<N>/online\`, in the VM), so that the tree's CPU count differs
  from the 2-CPU build machine's and a test sees whether a count comes from the tree`;
}

/** Which io.stat files (the root, the parent, bob, carol) list a device, and with what. */
function ioStats(out: string, mount: string): string {
  const groups: Array<[string, string]> = [['the root', ''], ['the parent', FIXTURE_PARENT], ['bob', `${FIXTURE_PARENT}/bob`], ['carol', `${FIXTURE_PARENT}/carol`]];
  return groups.map(([name, rel]) => {
    const file = join(out, mount, rel, 'io.stat');
    if (!existsSync(file)) return `  - ${name}: no \`io.stat\``;
    const text = readFileSync(file, 'utf8').trim();
    return `  - ${name}: ${text === '' ? 'empty' : text.split('\n').map((l) => `\`${l}\``).join(', ')}`;
  }).join('\n');
}

function writeReadme(out: string, mount: string, skipped: string[], pidMap: Map<number, number>, uids: Set<number>, run: RunNotes): void {
  const cg = (rel: string) => readFileSync(join(out, mount, rel), 'utf8').trim();
  const { disk } = run;
  const events = cg('cgdash/bob/memory.events').replace(/\n/g, ', ');
  const text = `${readmeHeader(out)}
- Layout: pure cgroup v2, cgroup2 mounted at \`${mount}\`
- Captured: ${new Date().toISOString()}
${readmeCpus()}${cpusNote()}

How: the build machine is cgroup v1 hybrid, so this ran in the pure-v2 VM of \`scripts/vm/\` (Debian's
kernel booted with \`cgroup_no_v1=all\`, see scripts/vm/README.md), from the repository root on the host:

\`\`\`
${captureCommand(out.split('/').pop()!)}
\`\`\`

Contents (the capture's \`cgdash-fixture-<hex>\` parent is renamed to \`cgdash\`):

- \`proc/self/mountinfo\`: the cgroup lines of the capturing process's mountinfo.
- \`sys/fs/cgroup/\` (the root): its own files as they were after the driver's \`ensureParent()\`, which enabled
  the controllers cgdash wants in the root's \`cgroup.subtree_control\` (\`${cg('cgroup.subtree_control')}\`; the root offers
  \`${cg('cgroup.controllers')}\`), and \`cpuset.cpus.effective\` \`${cg('cpuset.cpus.effective')}\`. Not its
  \`cgroup.procs\` / \`cgroup.threads\` (every process of the guest).
- \`sys/fs/cgroup/cgdash\`: the parent, made by the driver (\`cgroup.subtree_control\` \`${cg('cgdash/cgroup.subtree_control')}\`).
- \`sys/fs/cgroup/cgdash/bob\`: \`memory.max\` \`${cg('cgdash/bob/memory.max')}\` (80M) and \`pids.max\` \`${cg('cgdash/bob/pids.max')}\`.
  First a memory hog (\`sh -c 'head -c 268435456 /dev/zero | tail'\`, tail buffering a line that never ends)
  ran in bob until the OOM killer ended it (the shell ended by ${run.hogStatus}), so \`memory.events\` reads
  ${events}. Then \`io.max\` was written for the VM's raw scratch disk \`${disk.path}\` (\`${disk.device}\`, from
  \`/sys/class/block/${basename(disk.path)}/dev\`): \`${disk.device} rbps=${IO_MAX_RBPS} wiops=max\` (1 GiB/s, far above what the
  emulated disk does), which reads back as \`${cg('cgdash/bob/io.max')}\`. Under it \`sh -c '${ioScript.replace(/"\$1"/g, disk.path)}'\`
  ran in bob and exited 0 (dd: ${run.ddSummary.map((l) => `\`${l}\``).join('; ')}), so bob's \`io.stat\` reads
  \`${cg('cgdash/bob/io.stat')}\`. Then \`cpu.max\` \`${cg('cgdash/bob/cpu.max')}\` (5 % of the machine; written after the hog and dd,
  which at 5 % of a CPU under emulation would take minutes) and \`memory.high\` \`${cg('cgdash/bob/memory.high')}\`
  (64M; written after the OOM, so \`high\` counts no event). Then \`yes\` ran in bob for about 1 s and bob was
  frozen through \`cgroup.freeze\` with \`yes\` still inside (\`cgroup.events\`: ${cg('cgdash/bob/cgroup.events').replace(/\n/g, ', ')}). The
  kernel recomputes PSI averages only every 2 s, so after freezing bob the capture ${run.psiWait}.
- \`sys/fs/cgroup/cgdash/bob/worker1\`: a child group made inside bob (as another tool would), holding
  \`sleep 3600\`. bob holds a process, so the no-internal-process rule lets it enable no domain controller
  for its children (\`cgroup.subtree_control\` empty): worker1 has only the core files, \`cpu.stat\` and the
  PSI files. Frozen because bob is (\`cgroup.freeze\` \`${cg('cgdash/bob/worker1/cgroup.freeze')}\`, \`cgroup.events\`: ${cg('cgdash/bob/worker1/cgroup.events').replace(/\n/g, ', ')}).
- \`sys/fs/cgroup/cgdash/carol\`: no limits (\`cpu.max\` \`${cg('cgdash/carol/cpu.max')}\`, \`memory.max\` \`${cg('cgdash/carol/memory.max')}\`, \`pids.max\` \`${cg('cgdash/carol/pids.max')}\`), thawed, empty.
- \`io.stat\` (the agent reports devices by this "major:minor" only; it reads no device names):
${ioStats(out, mount)}
${readmeHostAndPids(pidMap, uids)}

${readmeSkipped(skipped)}`;
  writeFileSync(join(out, 'README.md'), text);
}
