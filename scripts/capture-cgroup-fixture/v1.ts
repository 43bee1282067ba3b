/**
 * The v1 / hybrid capture (see scripts/capture-cgroup-fixture.ts): bob (5 % CPU quota, 80M, ran
 * `yes` for 1 s, frozen) and carol (no limits, thawed, empty) in every managed v1 hierarchy, and on a
 * hybrid host the same three groups in the unified hierarchy for the v1 driver's PSI reading.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDriver } from '../../server/agent/cgroupfs/create-driver';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { confinedParentDir, confinedSandboxDir, makeCgroupDir, readCgroupFile, removeCgroupDirWithBackoff, writeCgroupFile } from '../../server/agent/cgroupfs/files';
import {
  attempt, captureHostFiles, captureProcesses, copyDirFiles, FIXTURE_PARENT, killOwnChildren, memberPidMap, readmeCpus, readmeHeader,
  readmeHostAndPids, readmeSkipped, rewritePidLists, waitForPsiAverages, writeMountinfo, writePasswd,
} from './shared';

const SANDBOXES = ['bob', 'carol'] as const;
const MANAGED = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio'] as const;

export async function captureV1(layout: CgroupLayout, out: string, parent: string): Promise<void> {
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
    const pidMap = memberPidMap(capturedMounts(layout).map((m) => join(m, parent)));
    rewritePidLists(join(out, 'sys/fs/cgroup'), pidMap);
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
  await killOwnChildren([yes]);
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
  for (const mount of new Set(Object.values(layout.v1))) {
    const dir = join(mount, parent);
    if (existsSync(dir)) await attempt(`rmdir ${dir}`, () => rmdirSync(dir));
  }
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

/** The distinct mounts captured: every managed v1 hierarchy, then the unified one on a hybrid host. */
function capturedMounts(layout: CgroupLayout): string[] {
  return [...new Set([...MANAGED.map((c) => layout.v1[c]).filter((m): m is string => m !== undefined), ...(layout.unified === null ? [] : [layout.unified])])];
}

function writeReadme(out: string, layout: CgroupLayout, skipped: string[], pidMap: Map<number, number>, uids: Set<number>, psiWait: string): void {
  const text = `${readmeHeader(out)}
- Layout: ${layout.kind}; v1 hierarchies: ${Object.entries(layout.v1).map(([c, d]) => `${c} → ${d}`).join(', ')}; cgroup2: ${layout.unified ?? 'none'}
- Captured: ${new Date().toISOString()}
${readmeCpus()}

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
`}${readmeHostAndPids(pidMap, uids)}

${readmeSkipped(skipped)}`;
  writeFileSync(join(out, 'README.md'), text);
}
