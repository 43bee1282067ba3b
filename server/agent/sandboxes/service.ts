import type { CreateSandbox, FreezerState, PatchSandbox, SandboxDetail, SandboxSample } from '../../../lib/protocol';
import { parseBytes, formatBytes } from '../../../lib/units/bytes';
import { percentToQuotaUsec, DEFAULT_PERIOD_USEC } from '../../../lib/units/cpu';
import type { CgroupDriver } from '../cgroupfs/driver';
import { CgroupFileError, KernelRefusedError, SandboxConflictError, SandboxNotFoundError, isVanished } from '../cgroupfs/errors';
import type { Sampler } from '../sampler/sampler';
import { BadInputError, describeErrno } from './errors';

/** Smallest memory limit accepted: below a page the kernel stores 0; below ~1 MiB nothing useful can run. */
const MIN_MEMORY_LIMIT_BYTES = 1024 * 1024;

/**
 * Every operation on sandboxes, shared by the socket.io and HTTP transports so both behave the same.
 * Inputs arrive schema-validated (names already match the protocol's rule); this layer converts units,
 * validates everything before the first write, and answers with values read back from the kernel.
 */
export class SandboxService {
  constructor(private readonly driver: CgroupDriver, private readonly sampler: Sampler, private readonly cpuCount: number) {}

  /** Every sandbox, sampled now (rates against the sampler's last round). Sandboxes that vanish meanwhile are left out. */
  async list(): Promise<SandboxSample[]> {
    const out: SandboxSample[] = [];
    for (const name of await this.driver.listSandboxes()) {
      try {
        out.push(await this.sampler.sampleNow(name));
      } catch (err) {
        if (!isVanished(err)) throw err;
      }
    }
    return out;
  }

  get(name: string): Promise<SandboxDetail> {
    return this.onSandbox(name, () => this.sampler.detailNow(name));
  }

  /** Creates a sandbox and applies its limits; if a limit is refused, the new sandbox is removed again. */
  async create(cmd: CreateSandbox): Promise<SandboxSample> {
    const memory = cmd.memoryBytes === undefined ? undefined : this.toBytes(cmd.memoryBytes);
    await this.driver.create(cmd.name);
    try {
      if (cmd.cpuPercent !== undefined) await this.writeCpu(cmd.name, cmd.cpuPercent);
      if (memory !== undefined) await this.writeMemory(cmd.name, memory);
    } catch (err) {
      await this.driver.remove(cmd.name).catch(() => undefined); // best effort: the original error is what the operator needs
      throw err;
    }
    return this.sampler.sampleNow(cmd.name);
  }

  /** Removes an empty sandbox; one with processes or child groups is refused at once (no rmdir retries), saying which. */
  remove(name: string): Promise<void> {
    return this.onSandbox(name, async () => {
      const pids = await this.driver.listPids(name);
      if (pids.length > 0) {
        throw new SandboxConflictError(`Sandbox "${name}" still has ${pids.length} process${pids.length === 1 ? '' : 'es'}; kill them first.`);
      }
      // rmdir would fail with EBUSY after its retries; say why at once. cgdash does not remove groups it did not make.
      const children = await this.driver.listChildren(name);
      if (children.length > 0) {
        throw new SandboxConflictError(`Sandbox "${name}" has child groups made by another tool (${children.slice(0, 3).join(', ')}${children.length > 3 ? ', …' : ''}); remove them first.`);
      }
      await this.driver.remove(name);
    });
  }

  /**
   * Applies CPU and/or memory limits; both inputs are validated before either is written, and when the
   * kernel refuses the memory limit, the CPU limit written just before is put back: a refused PATCH
   * changes nothing.
   */
  async patch(name: string, p: PatchSandbox): Promise<SandboxSample> {
    if (p.cpuPercent === undefined && p.memoryBytes === undefined) throw new BadInputError('Nothing to change: give cpuPercent and/or memoryBytes.');
    const memory = p.memoryBytes === undefined ? undefined : this.toBytes(p.memoryBytes);
    return this.onSandbox(name, async () => {
      const before = await this.driver.readStats(name); // throws SandboxNotFoundError for an unknown name
      if (p.cpuPercent !== undefined) await this.writeCpu(name, p.cpuPercent);
      if (memory !== undefined) {
        try {
          await this.writeMemory(name, memory);
        } catch (err) {
          if (p.cpuPercent !== undefined) await this.driver.setCpuQuota(name, before.cpuQuota).catch(() => undefined); // best effort, as in create
          throw err;
        }
      }
      return this.sampler.sampleNow(name);
    });
  }

  setCpuLimit(name: string, percent: number | null): Promise<SandboxSample> {
    return this.onSandbox(name, async () => {
      await this.writeCpu(name, percent);
      return this.sampler.sampleNow(name);
    });
  }

  async setMemoryLimit(name: string, input: number | string | null): Promise<SandboxSample> {
    const bytes = this.toBytes(input);
    return this.onSandbox(name, async () => {
      await this.writeMemory(name, bytes);
      return this.sampler.sampleNow(name);
    });
  }

  freeze(name: string): Promise<{ freezer: FreezerState }> {
    return this.onSandbox(name, async () => ({ freezer: await this.driver.freeze(name) }));
  }

  thaw(name: string): Promise<{ freezer: FreezerState }> {
    return this.onSandbox(name, async () => ({ freezer: await this.driver.thaw(name) }));
  }

  kill(name: string): Promise<{ killed: number }> {
    return this.onSandbox(name, async () => ({ killed: await this.driver.kill(name) }));
  }

  /**
   * Moves one process into the sandbox. PID 1 and the agent itself are refused: a sandbox is there to
   * be frozen, limited and killed, and doing that to init or to the agent would hang the machine or
   * end the agent.
   */
  async movePid(name: string, pid: number): Promise<null> {
    if (pid === 1) throw new BadInputError('PID 1 (init) cannot be moved into a sandbox.');
    if (pid === process.pid) throw new BadInputError(`PID ${pid} is the cgdash agent itself; it cannot be moved into a sandbox.`);
    await this.onSandbox(name, () => this.driver.movePid(name, pid));
    return null;
  }

  /**
   * Runs a command on one sandbox. If the sandbox is removed while the command runs (a concurrent
   * DELETE, another tool's rmdir), its files answer ENOENT/ENODEV: that is "no such sandbox" (404),
   * not a kernel refusal. The same errno on a sandbox that still exists (a missing control file) is
   * left as it is.
   */
  private async onSandbox<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof CgroupFileError && (err.errno === 'ENOENT' || err.errno === 'ENODEV') && !(await this.driver.exists(name))) {
        throw new SandboxNotFoundError(name);
      }
      throw err;
    }
  }

  private toBytes(input: number | string | null): bigint | null {
    if (input === null) return null;
    if (typeof input === 'string' && /^\s*(max|unlimited|none)\s*$/i.test(input)) return null;
    const r = parseBytes(input);
    if (!r.ok) throw new BadInputError(r.message);
    // The kernel rounds a limit down to whole pages, so anything under one page would become a 0-byte limit.
    if (r.bytes < MIN_MEMORY_LIMIT_BYTES) throw new BadInputError(`Memory limit must be at least 1 MiB, got ${r.bytes} bytes.`);
    return BigInt(r.bytes);
  }

  private async writeCpu(name: string, percent: number | null): Promise<void> {
    const quota = percent === null ? null : { quotaUsec: BigInt(percentToQuotaUsec(percent, this.cpuCount)), periodUsec: BigInt(DEFAULT_PERIOD_USEC) };
    await this.driver.setCpuQuota(name, quota);
  }

  /** Writes the memory limit; an EBUSY refusal is re-worded with the usage the kernel could not reclaim below. */
  private async writeMemory(name: string, bytes: bigint | null): Promise<void> {
    try {
      await this.driver.setMemoryLimit(name, bytes);
    } catch (err) {
      if (!(err instanceof CgroupFileError) || err.errno !== 'EBUSY' || bytes === null) throw err;
      const usage = await this.sampler.sampleNow(name).then((s) => s.memory.usageBytes, () => null);
      throw new KernelRefusedError(
        `The kernel refused to write "${err.value}" to ${err.file}: ${describeErrno(err.errno)}. ` +
          `The sandbox uses ${formatBytes(usage)} and the kernel could not reclaim it below ${formatBytes(Number(bytes))}.`,
        err.errno, err.file,
      );
    }
  }
}
