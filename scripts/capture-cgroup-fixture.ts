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
 * parent renamed to `cgdash`, writes README.md (kernel, distro, date, skipped files), and always
 * kills its `yes` and removes the parent again. Run as root on the host to capture. Only v1/hybrid
 * hosts are supported so far (v2 needs a v2 kernel; see the v2 fixture's README).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createDriver } from '../server/agent/cgroupfs/create-driver';
import type { CgroupLayout } from '../server/agent/cgroupfs/driver';
import { loadLayout } from '../server/agent/cgroupfs/layout';

const FIXTURE_PARENT = 'cgdash';
const MANAGED = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio'] as const;

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
    writeMountinfo(out);
    writeReadme(out, layout, skipped);
    console.log(`captured ${out} (${skipped.length} unreadable files skipped)`);
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

/** Keeps only the mountinfo lines of the cgroup mounts (and their tmpfs), which is all detectLayout reads. */
function writeMountinfo(out: string): void {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => / - (cgroup2?|tmpfs) /.test(l) && / \/sys\/fs\/cgroup[/ ]/.test(l));
  mkdirSync(join(out, 'proc/self'), { recursive: true });
  writeFileSync(join(out, 'proc/self/mountinfo'), lines.join('\n') + '\n');
}

function writeReadme(out: string, layout: CgroupLayout, skipped: string[]): void {
  const text = `# ${out.split('/').pop()}

Captured from a real kernel by \`scripts/capture-cgroup-fixture.ts\` (do not edit by hand).

- Kernel: \`${readFileSync('/proc/version', 'utf8').trim()}\`
- Distro: ${distroName()}
- Layout: ${layout.kind}; v1 hierarchies: ${Object.entries(layout.v1).map(([c, d]) => `${c} → ${d}`).join(', ')}; cgroup2: ${layout.unified ?? 'none'}
- Captured: ${new Date().toISOString()}
- CPUs: ${availableParallelism()}

Contents (the capture's \`cgdash-fixture-<hex>\` parent is renamed to \`cgdash\`):

- \`proc/self/mountinfo\`: the cgroup lines of the capturing process's mountinfo.
- \`cgdash/bob\`: CPU quota 5 % of the machine (cpu.cfs_quota_us/cpu.cfs_period_us), 80M memory limit,
  ran \`yes\` for about 1 s, captured FROZEN with \`yes\` still inside (its PID is in cgroup.procs).
- \`cgdash/carol\`: no limits (quota -1, unlimited memory.limit_in_bytes = page-aligned LONG_MAX), THAWED, empty.
- Only the managed hierarchies (cpu, cpuacct, memory, freezer, pids, blkio) are captured; cpuset and devices are not used.

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
