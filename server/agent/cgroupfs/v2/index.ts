import { SANDBOX_NAME_RE } from '../../../../lib/protocol/commands';
import type { FreezerState } from '../../../../lib/protocol';
import type { CgroupDriver, CpuQuota, DriverOptions, RawCgroupStats } from '../driver';
import { CgroupFileError, SandboxConflictError, SandboxNotFoundError } from '../errors';
import {
  cgroupDirExists, confinedChildDir, confinedParentDir, confinedSandboxDir, existsError, listChildCgroups, listDescendants, makeCgroupDir,
  readCgroupFile, removeCgroupDirWithBackoff, statCgroupDir, writeCgroupFile,
} from '../files';
import { CPUSET_EFFECTIVE_FILE, readCpusetCpus } from '../cpuset';
import { readCpuMax, readCpuStat, writeCpuMax } from './cpu';
import { freezeGroup, readFreezerState, thawGroup } from './freezer';
import { killGroup } from './kill';
import { readMemoryStats, writeMemoryMax } from './memory';
import { readProcs, readThreadCount, writeProc } from './procs';
import { readPidsLimit } from './pids';
import { readIoStat } from './io';
import { readPressure } from '../pressure';

const CONTROLLERS = 'cgroup.controllers';
const SUBTREE_CONTROL = 'cgroup.subtree_control';
/** Controllers the sandboxes need, in the kernel's spelling; enabled only where available. */
const WANTED = ['cpu', 'memory', 'pids', 'io'] as const;

/** The cgroup v2 driver: a sandbox is one directory `<unified>/<parent>/<name>`. */
export function createV2Driver(opts: DriverOptions): CgroupDriver {
  return new V2Driver(opts);
}

class V2Driver implements CgroupDriver {
  readonly kind = 'v2' as const;
  private readonly mount: string;
  private readonly parentDir: string;

  constructor(private readonly opts: DriverOptions) {
    if (opts.layout.unified === null) throw new Error('cgroup v2 driver: no cgroup2 mount in the layout.');
    this.mount = opts.layout.unified;
    this.parentDir = confinedParentDir(this.mount, opts.parent);
  }

  /**
   * Creates the parent (and any missing ancestors) and enables cpu/memory/pids/io for children at
   * every level from the mount root down to the parent, each only where the level's
   * cgroup.controllers offers it. One write per level, so the kernel's answer (e.g. EBUSY for a
   * non-root level that has processes: the no-internal-process rule) propagates unchanged.
   */
  async ensureParent(): Promise<void> {
    const parts = this.opts.parent.split('/').filter((p) => p !== '');
    let dir = this.mount;
    for (let i = 0; i <= parts.length; i++) {
      if (i > 0) {
        dir = confinedParentDir(this.mount, parts.slice(0, i).join('/'));
        if (!cgroupDirExists(dir)) makeCgroupDirTolerant(dir);
      }
      enableControllers(dir);
    }
  }

  async listSandboxes(): Promise<string[]> {
    if (!cgroupDirExists(this.parentDir)) return [];
    return listChildCgroups(this.parentDir).filter((n) => SANDBOX_NAME_RE.test(n) && !n.includes('..')).sort();
  }

  async exists(name: string): Promise<boolean> {
    return cgroupDirExists(this.dir(name));
  }

  async readStats(name: string): Promise<RawCgroupStats> {
    return this.readGroupStats(this.requireDir(name), name);
  }

  async readChildStats(path: string): Promise<RawCgroupStats> {
    return this.readGroupStats(this.requireChildDir(path), path);
  }

  async listChildren(name: string): Promise<string[]> {
    return listDescendants([this.mount], this.opts.parent, name);
  }

  async listChildPids(path: string): Promise<number[]> {
    return readProcs(this.requireChildDir(path));
  }

  /** Stats of one group directory (`label` names it in errors). Every v2 file read here is hierarchical except cgroup.procs/threads. */
  private readGroupStats(dir: string, label: string): RawCgroupStats {
    const identity = statCgroupDir(dir);
    const stats: RawCgroupStats = {
      identity,
      ...readCpuStat(dir),
      cpuQuota: readCpuMax(dir),
      ...readMemoryStats(dir),
      freezer: readFreezerState(dir),
      pids: readProcs(dir).length,
      threads: readThreadCount(dir, 'cgroup.threads'),
      pidsLimit: readPidsLimit(dir),
      io: readIoStat(dir),
      pressure: readPressure(dir),
      // The group's own cpuset.cpus.effective when cpuset is enabled for it, else the nearest ancestor's.
      cpusetCpus: readCpusetCpus(this.mount, dir, CPUSET_EFFECTIVE_FILE.v2),
    };
    // Missing files read as null; a sandbox that vanished (or was re-created) mid-read must not.
    if (!cgroupDirExists(dir) || statCgroupDir(dir) !== identity) throw new SandboxNotFoundError(label);
    return stats;
  }

  async listPids(name: string): Promise<number[]> {
    return readProcs(this.requireDir(name));
  }

  async setCpuQuota(name: string, quota: CpuQuota | null): Promise<CpuQuota | null> {
    return writeCpuMax(this.requireDir(name), quota);
  }

  async setMemoryLimit(name: string, bytes: bigint | null): Promise<bigint | null> {
    return writeMemoryMax(this.requireDir(name), bytes);
  }

  async freeze(name: string): Promise<FreezerState> {
    return freezeGroup(this.requireDir(name));
  }

  async thaw(name: string): Promise<FreezerState> {
    return thawGroup(this.requireDir(name));
  }

  async kill(name: string): Promise<number> {
    const dir = this.requireDir(name);
    // cgroup.kill ends the whole subtree, but cgroup.procs lists only the group's own members: the
    // child groups' processes are counted and waited for too (a tenant's processes may all be in them).
    const childDirs = (await this.listChildren(name)).map((p) => confinedChildDir(this.mount, this.opts.parent, p));
    return killGroup(dir, childDirs);
  }

  async create(name: string): Promise<void> {
    const dir = this.dir(name);
    if (cgroupDirExists(dir)) throw new SandboxConflictError(`Sandbox "${name}" already exists.`);
    await this.ensureParent();
    try {
      makeCgroupDir(dir);
    } catch (err) {
      if (err instanceof CgroupFileError && err.errno === 'EEXIST') throw existsError(name, dir);
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    await removeCgroupDirWithBackoff(this.requireDir(name));
  }

  async movePid(name: string, pid: number): Promise<void> {
    writeProc(this.requireDir(name), pid);
  }

  private dir(name: string): string {
    return confinedSandboxDir(this.mount, this.opts.parent, name);
  }

  private requireChildDir(path: string): string {
    const dir = confinedChildDir(this.mount, this.opts.parent, path);
    if (!cgroupDirExists(dir)) throw new SandboxNotFoundError(path);
    return dir;
  }

  private requireDir(name: string): string {
    const dir = this.dir(name);
    if (!cgroupDirExists(dir)) throw new SandboxNotFoundError(name);
    return dir;
  }
}

/** Enables the wanted controllers that `dir` offers and has not enabled yet, in one write. */
function enableControllers(dir: string): void {
  const available = readCgroupFile(dir, CONTROLLERS).trim().split(/\s+/);
  const enabled = readCgroupFile(dir, SUBTREE_CONTROL).trim().split(/\s+/);
  const missing = WANTED.filter((c) => available.includes(c) && !enabled.includes(c));
  if (missing.length > 0) writeCgroupFile(dir, SUBTREE_CONTROL, missing.map((c) => `+${c}`).join(' '));
}

function makeCgroupDirTolerant(dir: string): void {
  try {
    makeCgroupDir(dir);
  } catch (err) {
    // A concurrent creator won the race: the directory exists, which is all we need.
    if (!(err instanceof CgroupFileError && err.errno === 'EEXIST')) throw err;
  }
}
