import { SANDBOX_NAME_RE } from '../../../../lib/protocol/commands';
import type { FreezerState } from '../../../../lib/protocol';
import type { CgroupDriver, CpuQuota, DriverOptions, RawCgroupStats, V1Controller } from '../driver';
import { CgroupFileError, KernelRefusedError, SandboxConflictError, SandboxNotFoundError } from '../errors';
import {
  cgroupDirExists, confinedChildDir, confinedParentDir, confinedSandboxDir, existsError, listChildCgroups, listDescendants, makeCgroupDir,
  removeCgroupDir, removeCgroupDirWithBackoff, statCgroupDir,
} from '../files';
import { CPUSET_EFFECTIVE_FILE, readCpusetCpus } from '../cpuset';
import { readCpuQuota, readCpuThrottling, writeCpuQuota } from './cpu';
import { readCpuUsage } from './cpuacct';
import { readBlkioCounters } from './blkio';
import { readPidsLimit } from './pids';
import { readPressure } from '../pressure';
import { freezeGroup, readFreezerState, thawGroup } from './freezer';
import { killUntilEmpty } from './kill';
import { readMemoryStats, writeMemoryLimit } from './memory';
import { readProcs, readProcsIfPresent, readThreadCount, writeProc } from './procs';

/**
 * Hierarchies a sandbox lives in, in order of preference for its identity (cpuacct first, as
 * RawCgroupStats.identity documents). cpuset is left out on purpose: a new cpuset group has empty
 * cpuset.cpus/mems and no task can join it until both are filled in; devices is not managed.
 */
const MANAGED: readonly V1Controller[] = ['cpuacct', 'cpu', 'memory', 'freezer', 'pids', 'blkio'];

/**
 * The cgroup v1 driver (also used on hybrid hosts, where the controllers are all on v1). A sandbox
 * is `<parent>/<name>` in every managed hierarchy; co-mounted hierarchies (`cpu,cpuacct`) share one
 * directory and are written once.
 */
export function createV1Driver(opts: DriverOptions): CgroupDriver {
  return new V1Driver(opts);
}

class V1Driver implements CgroupDriver {
  readonly kind = 'v1' as const;
  private readonly mounts: Partial<Record<V1Controller, string>> = {};
  /** Distinct mount directories of the managed controllers, primary (cpuacct's) first. */
  private readonly hierarchies: string[];

  constructor(private readonly opts: DriverOptions) {
    for (const c of MANAGED) {
      const dir = opts.layout.v1[c];
      if (dir !== undefined) this.mounts[c] = dir;
    }
    this.hierarchies = [...new Set(Object.values(this.mounts))];
    if (this.hierarchies.length === 0) throw new Error('cgroup v1 driver: none of cpu, cpuacct, memory, freezer, pids, blkio is mounted.');
    for (const mount of this.hierarchies) confinedParentDir(mount, opts.parent);
  }

  async ensureParent(): Promise<void> {
    const parts = this.opts.parent.split('/').filter((p) => p !== '');
    for (const mount of this.hierarchies) {
      confinedParentDir(mount, this.opts.parent);
      for (let i = 1; i <= parts.length; i++) makeDirIfMissing(confinedParentDir(mount, parts.slice(0, i).join('/')));
    }
  }

  async listSandboxes(): Promise<string[]> {
    const names = new Set<string>();
    for (const mount of this.hierarchies) {
      const parentDir = confinedParentDir(mount, this.opts.parent);
      if (!cgroupDirExists(parentDir)) continue;
      for (const n of listChildCgroups(parentDir)) if (SANDBOX_NAME_RE.test(n) && !n.includes('..')) names.add(n);
    }
    return [...names].sort();
  }

  async exists(name: string): Promise<boolean> {
    topLevel(name);
    return this.primaryDir(name) !== null;
  }

  async readStats(name: string): Promise<RawCgroupStats> {
    return this.readGroupStats(topLevel(name));
  }

  async readChildStats(path: string): Promise<RawCgroupStats> {
    return this.readGroupStats(childPath(path));
  }

  async listChildren(name: string): Promise<string[]> {
    return listDescendants(this.hierarchies, this.opts.parent, topLevel(name));
  }

  async listChildPids(path: string): Promise<number[]> {
    return readProcs(this.requireDir(childPath(path)));
  }

  /** Stats of the group at `path` (a sandbox name, or a child path from listChildren()). */
  private readGroupStats(path: string): RawCgroupStats {
    const primary = this.requireDir(path);
    const identity = statCgroupDir(primary);
    const cpuDir = this.dirIfPresent('cpu', path);
    const stats: RawCgroupStats = {
      identity,
      ...readCpuUsage(this.dirIfPresent('cpuacct', path)),
      ...readCpuThrottling(cpuDir),
      cpuQuota: readCpuQuota(cpuDir),
      ...readMemoryStats(this.dirIfPresent('memory', path)),
      freezer: readFreezerState(this.dirIfPresent('freezer', path)),
      pids: readProcs(primary).length,
      threads: readThreadCount(primary, 'tasks'),
      pidsLimit: readPidsLimit(this.dirIfPresent('pids', path)),
      io: readBlkioCounters(this.dirIfPresent('blkio', path)),
      pressure: readPressure(this.unifiedDirIfPresent(path)),
      cpusetCpus: this.readCpuset(path),
    };
    // Missing files read as null above; tell that apart from the whole sandbox vanishing (or being
    // re-created) mid-read, which the sampler must see as a vanished sandbox, not as nulls.
    if (!cgroupDirExists(primary) || statCgroupDir(primary) !== identity) throw new SandboxNotFoundError(path);
    return stats;
  }

  /**
   * cpuset.effective_cpus of the group with the same path in the cpuset hierarchy when it exists
   * (cgdash never creates one; another tool may), else of its nearest existing ancestor there: the
   * sandbox (for a child), the managed parent, or finally the hierarchy root. null without a cpuset
   * hierarchy.
   */
  private readCpuset(path: string): number | null {
    const mount = this.opts.layout.v1.cpuset;
    if (mount === undefined) return null;
    return readCpusetCpus(mount, groupDir(mount, this.opts.parent, path), CPUSET_EFFECTIVE_FILE.v1);
  }

  async listPids(name: string): Promise<number[]> {
    topLevel(name);
    return readProcs(this.requireDir(name));
  }

  async setCpuQuota(name: string, quota: CpuQuota | null): Promise<CpuQuota | null> {
    topLevel(name);
    return writeCpuQuota(this.requireControllerDir('cpu', name), quota);
  }

  async setMemoryLimit(name: string, bytes: bigint | null): Promise<bigint | null> {
    topLevel(name);
    return writeMemoryLimit(this.requireControllerDir('memory', name), bytes);
  }

  async freeze(name: string): Promise<FreezerState> {
    topLevel(name);
    return freezeGroup(this.requireControllerDir('freezer', name));
  }

  async thaw(name: string): Promise<FreezerState> {
    topLevel(name);
    return thawGroup(this.requireControllerDir('freezer', name));
  }

  async kill(name: string): Promise<number> {
    topLevel(name);
    const primary = this.requireDir(name);
    const freezerDir = this.dirIfPresent('freezer', name);
    // v1 has no cgroup.kill: the processes of the sandbox's child groups are listed here too, so that
    // kill ends the whole tenant as v2's cgroup.kill does (freezing the sandbox freezes its children).
    const childDirs = (await this.listChildren(name)).map((p) => this.primaryDir(p)).filter((d): d is string => d !== null);
    return killUntilEmpty({
      listPids: () => [...readProcs(primary), ...childDirs.flatMap(readProcsIfPresent)],
      freeze: freezerDir === null ? null : () => freezeGroup(freezerDir),
      thaw: freezerDir === null ? null : () => thawGroup(freezerDir),
    });
  }

  async create(name: string): Promise<void> {
    topLevel(name);
    if (this.primaryDir(name) !== null) throw new SandboxConflictError(`Sandbox "${name}" already exists.`);
    await this.ensureParent();
    const made: string[] = [];
    let dir = '';
    try {
      for (const mount of this.hierarchies) {
        dir = confinedSandboxDir(mount, this.opts.parent, name);
        makeCgroupDir(dir);
        made.push(dir);
      }
    } catch (err) {
      // Roll back the directories made so far, so a failed create leaves nothing half-made; a
      // failing rollback is reported together with the original error, never instead of it.
      const rollbackErrors: unknown[] = [];
      for (const dir of made.reverse()) {
        try { removeCgroupDir(dir); } catch (e) { rollbackErrors.push(e); }
      }
      if (rollbackErrors.length > 0) throw new AggregateError([err, ...rollbackErrors], `create "${name}" failed and its rollback failed too`);
      if (err instanceof CgroupFileError && err.errno === 'EEXIST') throw existsError(name, dir);
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    topLevel(name);
    const dirs = this.presentDirs(name);
    if (dirs.length === 0) throw new SandboxNotFoundError(name);
    // Primary last, so that until everything is gone the sandbox still resolves for a retry.
    for (const dir of dirs.reverse()) await removeCgroupDirWithBackoff(dir);
  }

  async movePid(name: string, pid: number): Promise<void> {
    topLevel(name);
    const dirs = this.presentDirs(name);
    if (dirs.length === 0) throw new SandboxNotFoundError(name);
    for (const dir of dirs) writeProc(dir, pid);
  }

  /** The sandbox's directory in `controller`'s hierarchy, or null when not mounted / not present there. */
  private dirIfPresent(controller: V1Controller, name: string): string | null {
    const mount = this.mounts[controller];
    if (mount === undefined) return null;
    const dir = groupDir(mount, this.opts.parent, name);
    return cgroupDirExists(dir) ? dir : null;
  }

  /**
   * Hybrid hosts: the group of the same path in the unified (cgroup2) hierarchy, which holds the
   * pressure files, or null. cgdash never creates it (v1 sandboxes have none unless someone made
   * one); it is only read when present.
   */
  private unifiedDirIfPresent(name: string): string | null {
    const unified = this.opts.layout.unified;
    if (unified === null) return null;
    const dir = groupDir(unified, this.opts.parent, name);
    return cgroupDirExists(dir) ? dir : null;
  }

  /** The sandbox's directory in every hierarchy where it exists, primary first. */
  private presentDirs(name: string): string[] {
    return this.hierarchies.map((m) => groupDir(m, this.opts.parent, name)).filter(cgroupDirExists);
  }

  /** First hierarchy (cpuacct's preferred) that has the sandbox: its identity and cgroup.procs. */
  private primaryDir(name: string): string | null {
    return this.presentDirs(name)[0] ?? null;
  }

  private requireDir(name: string): string {
    const dir = this.primaryDir(name);
    if (dir === null) throw new SandboxNotFoundError(name);
    return dir;
  }

  private requireControllerDir(controller: V1Controller, name: string): string {
    const dir = this.dirIfPresent(controller, name);
    if (dir !== null) return dir;
    this.requireDir(name);
    throw new KernelRefusedError(`The ${controller} controller is not available for sandbox "${name}" (not mounted, or the group was made without it).`);
  }
}

/** A sandbox's directory, or a child group's for a path with "/" (from listChildren()); both confined. */
function groupDir(mount: string, parent: string, path: string): string {
  return path.includes('/') ? confinedChildDir(mount, parent, path) : confinedSandboxDir(mount, parent, path);
}

/** Asserts a top-level sandbox name: the sandbox methods never reach a child group. */
function topLevel(name: string): string {
  if (name.includes('/')) throw new Error(`Sandbox name ${JSON.stringify(name)} escapes the managed parent.`);
  return name;
}

/** Asserts a child path (at least "sandbox/child"); confinedChildDir() checks every component. */
function childPath(path: string): string {
  if (!path.includes('/')) throw new Error(`${JSON.stringify(path)} is not a child group path.`);
  return path;
}

/** mkdir unless it is already there (EEXIST from a concurrent creator is fine too). */
function makeDirIfMissing(dir: string): void {
  if (cgroupDirExists(dir)) return;
  try {
    makeCgroupDir(dir);
  } catch (err) {
    if (!(err instanceof CgroupFileError && err.errno === 'EEXIST')) throw err;
  }
}
