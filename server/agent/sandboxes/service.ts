import type { CreateSandbox, FreezerState, PatchSandbox, SandboxDetail, SandboxSample } from '../../../lib/protocol';
import { parseBytes, formatBytes } from '../../../lib/units/bytes';
import { percentToQuotaUsec, DEFAULT_PERIOD_USEC } from '../../../lib/units/cpu';
import type { CgroupDriver } from '../cgroupfs/driver';
import { CgroupFileError, KernelRefusedError, isVanished } from '../cgroupfs/errors';
import type { Sampler } from '../sampler/sampler';
import { BadInputError, describeErrno } from './errors';

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
    return this.sampler.detailNow(name);
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

  remove(name: string): Promise<void> {
    return this.driver.remove(name);
  }

  /** Applies CPU and/or memory limits; both inputs are validated before either is written. */
  async patch(name: string, p: PatchSandbox): Promise<SandboxSample> {
    if (p.cpuPercent === undefined && p.memoryBytes === undefined) throw new BadInputError('Nothing to change: give cpuPercent and/or memoryBytes.');
    const memory = p.memoryBytes === undefined ? undefined : this.toBytes(p.memoryBytes);
    await this.requireExists(name);
    if (p.cpuPercent !== undefined) await this.writeCpu(name, p.cpuPercent);
    if (memory !== undefined) await this.writeMemory(name, memory);
    return this.sampler.sampleNow(name);
  }

  async setCpuLimit(name: string, percent: number | null): Promise<SandboxSample> {
    await this.writeCpu(name, percent);
    return this.sampler.sampleNow(name);
  }

  async setMemoryLimit(name: string, input: number | string | null): Promise<SandboxSample> {
    const bytes = this.toBytes(input);
    await this.writeMemory(name, bytes);
    return this.sampler.sampleNow(name);
  }

  async freeze(name: string): Promise<{ freezer: FreezerState }> {
    return { freezer: await this.driver.freeze(name) };
  }

  async thaw(name: string): Promise<{ freezer: FreezerState }> {
    return { freezer: await this.driver.thaw(name) };
  }

  async kill(name: string): Promise<{ killed: number }> {
    return { killed: await this.driver.kill(name) };
  }

  async movePid(name: string, pid: number): Promise<null> {
    await this.driver.movePid(name, pid);
    return null;
  }

  private async requireExists(name: string): Promise<void> {
    await this.driver.readStats(name); // throws SandboxNotFoundError for an unknown name
  }

  private toBytes(input: number | string | null): bigint | null {
    if (input === null) return null;
    if (typeof input === 'string' && /^\s*(max|unlimited|none)\s*$/i.test(input)) return null;
    const r = parseBytes(input);
    if (!r.ok) throw new BadInputError(r.message);
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
