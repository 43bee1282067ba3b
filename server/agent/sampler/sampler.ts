import type { OverviewBatch, SandboxDetail, SandboxSample } from '../../../lib/protocol';
import type { CgroupDriver, RawCgroupStats } from '../cgroupfs/driver';
import { isVanished } from '../cgroupfs/errors';
import type { HostReader, ProcessReader } from '../procfs/read';
import { createRateLimitedLog, type Logger } from '../log';
import type { Clock } from './clock';
import { deriveTree, type Timed } from './derive';

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
  /**
   * A fresh sample of one sandbox now (does not disturb the loop's state). Rates are against the last
   * round, or the one before it when the last was under half an interval ago: a rate over a few ms is
   * noise, and 0 or a spike for counters that move in steps (CFS periods, throttled time, block I/O).
   */
  sampleNow(name: string): Promise<SandboxSample>;
  /** A fresh sample plus member processes; CPU % per process needs a previous read, so a cold read waits `warmMs` and reads twice. */
  detailNow(name: string, warmMs?: number): Promise<SandboxDetail>;
}

/** Starts the sampling loop: one round every intervalMs, chained with setTimeout (never overlapping). */
export function startSampler(deps: SamplerDeps): Sampler {
  const { driver, clock, log } = deps;
  const prev = new Map<string, Timed<RawCgroupStats>>();
  /** The read before `prev`, per path: sampleNow()'s baseline right after a round. */
  const older = new Map<string, Timed<RawCgroupStats>>();
  const procsReadAt = new Map<string, bigint>();
  const warnOnce = createRateLimitedLog(log);
  let last: OverviewBatch | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /**
   * One read of a sandbox and of each of its child groups (each file once), keyed by path. A vanished
   * sandbox throws (isVanished); a child that vanishes meanwhile is left out, as a vanished sandbox is.
   */
  const readTree = async (name: string): Promise<Map<string, Timed<RawCgroupStats>>> => {
    const reads = new Map<string, Timed<RawCgroupStats>>();
    reads.set(name, { stats: await driver.readStats(name), atNs: clock.nowNs() });
    for (const path of await driver.listChildren(name)) {
      try {
        reads.set(path, { stats: await driver.readChildStats(path), atNs: clock.nowNs() });
      } catch (err) {
        if (isVanished(err)) log.debug(`child group ${path} vanished while sampling`);
        else warnOnce(path, `cannot sample child group ${path}`, err);
      }
    }
    return reads;
  };

  /** The processes of the sandbox and of every child group in `sample`, each tagged with its group. */
  const readDetail = async (sample: SandboxSample): Promise<SandboxDetail> => {
    const groupOf = new Map<number, string>();
    for (const pid of await driver.listPids(sample.name)) groupOf.set(pid, sample.name);
    for (const path of descendantPaths(sample)) {
      try {
        for (const pid of await driver.listChildPids(path)) groupOf.set(pid, path);
      } catch (err) {
        if (!isVanished(err)) throw err; // a child removed since the sample: its processes are gone too
      }
    }
    const now = clock.nowNs();
    procsReadAt.set(sample.name, now);
    const processes = deps.processes.read([...groupOf.keys()], now).map((p) => ({ ...p, cgroup: groupOf.get(p.pid)! }));
    return { ...sample, processes };
  };

  const round = async () => {
    const wallMs = clock.wallMs();
    const names = await driver.listSandboxes();
    const sandboxes: SandboxSample[] = [];
    const present = new Set<string>(); // sandboxes and child paths read this round; a Set: it runs over every group
    for (const name of names) {
      try {
        const reads = await readTree(name);
        sandboxes.push(deriveTree(name, reads, prev, deps.cpuCount, wallMs));
        for (const [path, cur] of reads) {
          const before = prev.get(path);
          if (before) older.set(path, before);
          prev.set(path, cur);
          present.add(path);
        }
      } catch (err) {
        if (isVanished(err)) log.debug(`sandbox ${name} vanished while sampling`);
        else warnOnce(name, `cannot sample sandbox ${name}`, err);
      }
    }
    for (const path of prev.keys()) if (!present.has(path)) { prev.delete(path); older.delete(path); procsReadAt.delete(path); }
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

  const halfIntervalNs = BigInt(deps.intervalMs) * 500_000n;
  const sampleNow = async (name: string) => {
    const reads = await readTree(name);
    const base = new Map<string, Timed<RawCgroupStats>>();
    for (const [path, cur] of reads) {
      const p = prev.get(path);
      const b = p && cur.atNs - p.atNs < halfIntervalNs ? (older.get(path) ?? p) : p;
      if (b) base.set(path, b);
    }
    return deriveTree(name, reads, base, deps.cpuCount, clock.wallMs());
  };

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

/** Paths of every child group in a sample's tree, all levels. */
function descendantPaths(sample: SandboxSample): string[] {
  return (sample.children ?? []).flatMap((c) => [c.name, ...descendantPaths(c)]);
}
