/**
 * Real-cgroup test parents: every integration/e2e run works under its own `cgdash-test-<hex>` parent
 * and removes it afterwards, and never touches any other cgroup on the machine.
 *
 * Ownership: createTestParent() records the owning PID in <tmpdir>/cgdash-test-owners/<parent>.
 * sweepStaleTestParents() only removes a parent whose owner is dead, or that has no owner file (made
 * by the agent for e2e) and is older than STALE_AFTER_MS, so a concurrent run is never swept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDriver } from '../../server/agent/cgroupfs/create-driver';
import type { CgroupDriver, CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { loadLayout } from '../../server/agent/cgroupfs/layout';

const PREFIX = 'cgdash-test-';
const OWNERS_DIR = join(tmpdir(), 'cgdash-test-owners');
/** A parent without an owner file is only swept once it is this old (the longest e2e run is far shorter). */
const STALE_AFTER_MS = 30 * 60 * 1000;

/** One test run's parent, its driver, and the processes the run started. */
export interface TestParent {
  parent: string;
  driver: CgroupDriver;
  layout: CgroupLayout;
  cpuCount: number;
  /** Processes started through spawnInSandbox(); cleanup() kills them by PID. */
  spawned: Set<ChildProcess>;
  /** Kills what the run started, then thaws, kills and removes every sandbox and the parent. Never throws. */
  cleanup(): Promise<void>;
}

/** Why real-cgroup tests cannot run here, or null when they can (root + a managed v1 or v2 layout). */
export function realCgroupsUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'requires root (cgroup writes)';
  try {
    const layout = loadLayout('/');
    if (layout.kind !== 'v2' && (!layout.v1.cpu || !layout.v1.cpuacct || !layout.v1.memory || !layout.v1.freezer)) {
      return 'requires the v1 cpu, cpuacct, memory and freezer controllers';
    }
  } catch (err) {
    return `cannot read the cgroup layout: ${String(err)}`;
  }
  return null;
}

/**
 * Records `pid` (default: this process) as the owner of a test parent, so that a later sweep removes
 * it as soon as that process is gone instead of waiting STALE_AFTER_MS. Call it for parents that the
 * agent creates (e2e, agent API tests) right after choosing the name.
 */
export function registerTestParent(parent: string, pid = process.pid): void {
  if (!parent.startsWith(PREFIX) || parent.includes('/')) throw new Error(`not a test parent name: ${parent}`);
  mkdirSync(OWNERS_DIR, { recursive: true });
  writeFileSync(join(OWNERS_DIR, parent), String(pid));
}

/** Creates `cgdash-test-<hex>` in every hierarchy via driver.ensureParent() and records this process as its owner. */
export async function createTestParent(): Promise<TestParent> {
  const parent = `${PREFIX}${randomBytes(4).toString('hex')}`;
  registerTestParent(parent);
  const layout = loadLayout('/');
  const cpuCount = availableParallelism();
  const driver = createDriver({ hostRoot: '/', layout, parent, cpuCount });
  await driver.ensureParent();
  const spawned = new Set<ChildProcess>();
  return {
    parent, driver, layout, cpuCount, spawned,
    async cleanup() {
      for (const child of spawned) killChild(child);
      await removeTestParent(parent).catch((err) => console.error(`cleanup of ${parent} failed:`, err));
    },
  };
}

/**
 * Removes one test parent: for each sandbox, kill its processes (the driver freezes, SIGKILLs by PID
 * and thaws), remove it; then rmdir the parent in every hierarchy. Only ever called with a
 * `cgdash-test-*` name.
 */
export async function removeTestParent(parent: string): Promise<void> {
  if (!parent.startsWith(PREFIX) || parent.includes('/')) throw new Error(`refusing to remove non-test parent ${parent}`);
  const layout = loadLayout('/');
  const driver = createDriver({ hostRoot: '/', layout, parent, cpuCount: availableParallelism() });
  for (const name of await driver.listSandboxes()) {
    if (await driver.exists(name)) await driver.kill(name);
    await driver.remove(name);
  }
  for (const dir of parentDirs(layout, parent)) {
    if (!isDir(dir)) continue;
    // Anything still directly in the parent (a test that moved a PID there by mistake) was started by a test.
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) killPid(Number(pid));
    for (let i = 0; i < 8; i++) {
      try { rmdirSync(dir); break; } catch (err) {
        // EBUSY: just-killed tasks still pin the group for a moment (same backoff idea as the driver).
        if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || i === 7) throw err;
        await sleep(10 * 2 ** i);
      }
    }
  }
  rmSync(join(OWNERS_DIR, parent), { force: true });
}

/** Removes `cgdash-test-*` parents left by earlier runs whose owner is gone (see the module comment). */
export async function sweepStaleTestParents(): Promise<string[]> {
  const layout = loadLayout('/');
  const mounts = [...new Set([...Object.values(layout.v1), ...(layout.unified ? [layout.unified] : [])])];
  const stale = new Set<string>();
  for (const mount of mounts) {
    for (const name of safeReaddir(mount)) {
      if (name.startsWith(PREFIX) && isStale(join(mount, name), name)) stale.add(name);
    }
  }
  for (const parent of stale) await removeTestParent(parent);
  return [...stale];
}

/** Which process a sandbox helper should start; all are gated so they only start working once inside. */
export type Workload = 'yes' | 'memory-grower' | 'memory-holder';

const WORKLOADS: Record<Workload, string> = {
  yes: 'exec yes > /dev/null',
  // grep accumulates one ever-growing "line" (no newline is ever produced): anonymous memory, ~1000 MB target.
  'memory-grower': 'yes | tr \\\\n x | head -c 1048576000 | grep n',
  // Allocates and touches 64 MiB of anonymous memory, then idles: cannot be reclaimed without swap.
  'memory-holder': `exec ${JSON.stringify(process.execPath)} -e "globalThis.b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => {}, 1000)"`,
};

/**
 * Starts `workload` inside sandbox `name` without a race: `sh` waits on stdin, is moved into the
 * sandbox, and only then is released, so everything it forks starts inside. Returns the sh process
 * (for `yes` and the holder, sh has exec'd the workload, so it is the same PID).
 */
export async function spawnInSandbox(tp: TestParent, name: string, workload: Workload): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', `read _ ; ${WORKLOADS[workload]}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  tp.spawned.add(child);
  child.once('exit', () => tp.spawned.delete(child));
  if (child.pid === undefined) throw new Error('spawn failed');
  await tp.driver.movePid(name, child.pid);
  child.stdin!.end('go\n');
  return child;
}

/** Starts a gated `sh` that is NOT moved anywhere (for movePid tests); release() lets it exec `yes`. */
export function spawnGated(tp: TestParent): ChildProcess {
  const child = spawn('sh', ['-c', `read _ ; ${WORKLOADS.yes}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  tp.spawned.add(child);
  child.once('exit', () => tp.spawned.delete(child));
  return child;
}

function killChild(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killPid(child.pid);
}

function killPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  try { process.kill(pid, 'SIGKILL'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function parentDirs(layout: CgroupLayout, parent: string): string[] {
  const mounts = layout.kind === 'v2' ? [layout.unified!] : [...new Set(Object.values(layout.v1))];
  return mounts.map((m) => join(m, parent));
}

function isStale(dir: string, parent: string): boolean {
  let owner: number | null = null;
  try { owner = Number(readFileSync(join(OWNERS_DIR, parent), 'utf8')); } catch { owner = null; }
  if (owner !== null && Number.isSafeInteger(owner) && owner > 0) return !isAlive(owner);
  return Date.now() - statSync(dir).ctimeMs > STALE_AFTER_MS;
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function isDir(dir: string): boolean {
  try { return statSync(dir).isDirectory(); } catch { return false; }
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
