import type { OverviewBatch, SandboxDetail, SandboxSample } from '../../../lib/protocol';
import type { CgroupDriver, RawCgroupStats } from '../cgroupfs/driver';
import { isVanished } from '../cgroupfs/errors';
import type { HostReader, ProcessReader } from '../procfs/read';
import { createRateLimitedLog, type Logger } from '../log';
import type { Clock } from './clock';
import { deriveSample, type Timed } from './derive';

export interface SamplerDeps {
  driver: CgroupDriver;
  host: HostReader;
  processes: ProcessReader;
  clock: Clock;
  intervalMs: number;
  cpuCount: number;
  log: Logger;
  /** Sandboxes whose process list someone is watching (detail rooms); read every round. */
  detailNames: () => Iterable<string>;
  publishOverview: (batch: OverviewBatch) => void;
  publishDetail: (detail: SandboxDetail) => void;
}

export interface Sampler {
  stop(): void;
  /** The most recent round, or null before the first one completes. */
  latest(): OverviewBatch | null;
  /** A fresh sample of one sandbox now, rates against the last round (does not disturb the loop's state). */
  sampleNow(name: string): Promise<SandboxSample>;
  /** A fresh sample plus member processes; CPU % per process needs a previous read, so a cold read waits `warmMs` and reads twice. */
  detailNow(name: string, warmMs?: number): Promise<SandboxDetail>;
}

/** Starts the sampling loop: one round every intervalMs, chained with setTimeout (never overlapping). */
export function startSampler(deps: SamplerDeps): Sampler {
  const { driver, clock, log } = deps;
  const prev = new Map<string, Timed<RawCgroupStats>>();
  const procsReadAt = new Map<string, bigint>();
  const warnOnce = createRateLimitedLog(log);
  let last: OverviewBatch | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const readTimed = async (name: string): Promise<Timed<RawCgroupStats>> => {
    const stats = await driver.readStats(name);
    return { atNs: clock.nowNs(), stats };
  };

  const readDetail = async (sample: SandboxSample): Promise<SandboxDetail> => {
    const pids = await driver.listPids(sample.name);
    const now = clock.nowNs();
    procsReadAt.set(sample.name, now);
    return { ...sample, processes: deps.processes.read(pids, now) };
  };

  const round = async () => {
    const wallMs = clock.wallMs();
    const names = await driver.listSandboxes();
    const sandboxes: SandboxSample[] = [];
    for (const name of names) {
      try {
        const cur = await readTimed(name);
        sandboxes.push(deriveSample(name, prev.get(name), cur, deps.cpuCount, wallMs));
        prev.set(name, cur);
      } catch (err) {
        if (isVanished(err)) log.debug(`sandbox ${name} vanished while sampling`);
        else warnOnce(name, `cannot sample sandbox ${name}`, err);
      }
    }
    const present = new Set(names); // a Set: this runs every round over every sandbox
    for (const name of prev.keys()) if (!present.has(name)) { prev.delete(name); procsReadAt.delete(name); }
    const batch: OverviewBatch = { t: wallMs, intervalMs: deps.intervalMs, host: deps.host.read(), sandboxes };
    last = batch;
    deps.publishOverview(batch);
    const byName = new Map(sandboxes.map((s) => [s.name, s]));
    for (const name of new Set(deps.detailNames())) {
      const sample = byName.get(name);
      if (!sample) continue;
      try {
        deps.publishDetail(await readDetail(sample));
      } catch (err) {
        if (!isVanished(err)) warnOnce(`detail:${name}`, `cannot read processes of ${name}`, err);
      }
    }
    deps.processes.prune(clock.nowNs() - BigInt(deps.intervalMs) * 10_000_000n);
  };

  const tick = async () => {
    const started = clock.nowNs();
    try {
      await round();
    } catch (err) {
      warnOnce('round', 'sampling round failed', err);
    }
    const tookMs = Number(clock.nowNs() - started) / 1e6;
    if (tookMs > deps.intervalMs / 2) warnOnce('slow', `slow sampling round: ${tookMs.toFixed(0)} ms for interval ${deps.intervalMs} ms`);
    if (!stopped) timer = setTimeout(tick, Math.max(0, deps.intervalMs - tookMs));
  };
  void tick();

  const sampleNow = async (name: string) => deriveSample(name, prev.get(name), await readTimed(name), deps.cpuCount, clock.wallMs());

  return {
    stop: () => { stopped = true; clearTimeout(timer); },
    latest: () => last,
    sampleNow,
    async detailNow(name, warmMs = 250) {
      const seen = procsReadAt.get(name);
      const fresh = seen !== undefined && clock.nowNs() - seen < BigInt(deps.intervalMs) * 3_000_000n;
      if (!fresh) {
        await readDetail(await sampleNow(name));
        await new Promise((r) => setTimeout(r, warmMs));
      }
      return readDetail(await sampleNow(name));
    },
  };
}
