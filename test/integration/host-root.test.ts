/**
 * The whole agent on a captured tree (CGDASH_HOST_ROOT): for each fixture under test/fixtures/cgroupfs,
 * a temp copy is the agent's hostRoot, and the HTTP API must show exactly what the tree's files hold
 * (sandboxes, limits, usage, member processes, host CPU count and memory) and write its changes
 * into the copy, never into this machine's /sys.
 *
 * Safe on any machine, as any user: the agent only reads and writes files under the temp copy. The
 * fixtures' member PIDs are 4194305 and up (above any possible pid_max), and this test still never
 * freezes, thaws, kills or moves a member: only file-level commands (PATCH) are sent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../server/agent/main';
import type { Logger } from '../../server/agent/log';
import { readClockTicks } from '../../server/agent/procfs/read';
import type { HostSample, SandboxDetail, SandboxSample } from '../../lib/protocol';
import { agentRequest } from '../helpers/agent-http';

const FIXTURES = join(import.meta.dirname, '../fixtures/cgroupfs');
const CG = 'sys/fs/cgroup';

/** What differs between the fixtures: where the files are, and what the README documents as captured/written. */
interface FixtureSpec {
  dir: string;
  layout: 'hybrid' | 'v2';
  cpuCount: number;
  /** bob's CPU quota and period, µs. */
  bobQuota: (root: string) => { quota: number; period: number };
  memoryUsageFile: (root: string, name: string) => string;
  oomKills: number;
  /** File and content that PATCH {cpuPercent: 25} on carol must leave (25 % of cpuCount CPUs at a 100 ms period). */
  carolCpuFiles: (root: string) => Record<string, string>;
  /** Every captured member process, in PID order: the group it is in (relative to the parent), user, command. */
  processes: Array<{ pid: number; cgroup: string; user: string; command: string }>;
  /** A member's cgroup.procs file, relative to the root. */
  procsFile: (cgroup: string) => string;
  /** The directory (relative to the root) holding a sandbox's cpu/memory/io.pressure files. */
  pressureDir: (name: string) => string;
  /** bob's operator fields, computed from the tree's files (SandboxSample names and units). */
  bobMetrics: (root: string) => Record<string, unknown>;
  /** The devices the README says bob did block I/O on ("major:minor"). */
  bobIoDevices: string[];
  /** The text of bob's I/O counters file(s) in the tree, for the devices they list. */
  bobIoText: (root: string) => string;
}

/** `key value` from a flat-keyed file's text. */
const flat = (text: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)![1]);

const read = (root: string, rel: string) => readFileSync(join(root, rel), 'utf8');

/** A sandbox's pressure as the API gives it, computed from the some/full avg10/avg60 of the PSI files in `dir`. */
const psiFrom = (root: string, dir: string) => {
  const psi = (name: string) => {
    const text = read(root, `${dir}/${name}`);
    const avg = (kind: string, k: string) => Number(new RegExp(`^${kind} .*\\b${k}=([\\d.]+)`, 'm').exec(text)![1]);
    return { someAvg10: avg('some', 'avg10'), someAvg60: avg('some', 'avg60'), fullAvg10: avg('full', 'avg10'), fullAvg60: avg('full', 'avg60') };
  };
  return { cpu: psi('cpu.pressure'), memory: psi('memory.pressure'), io: psi('io.pressure') };
};

const SPECS: FixtureSpec[] = [
  {
    dir: 'v1-hybrid-debian12-6.18',
    layout: 'hybrid',
    cpuCount: 2,
    bobQuota: (root) => ({ quota: Number(read(root, `${CG}/cpu/cgdash/bob/cpu.cfs_quota_us`)), period: Number(read(root, `${CG}/cpu/cgdash/bob/cpu.cfs_period_us`)) }),
    memoryUsageFile: (root, name) => read(root, `${CG}/memory/cgdash/${name}/memory.usage_in_bytes`),
    oomKills: 0,
    carolCpuFiles: () => ({ [`${CG}/cpu/cgdash/carol/cpu.cfs_quota_us`]: '50000', [`${CG}/cpu/cgdash/carol/cpu.cfs_period_us`]: '100000' }),
    processes: [{ pid: 4194305, cgroup: 'bob', user: 'root', command: 'yes' }],
    procsFile: (cgroup) => `${CG}/cpu/cgdash/${cgroup}/cgroup.procs`,
    // The capture made the sandboxes' groups in the unified hierarchy too (cgdash never does); the v1 driver reads PSI there.
    pressureDir: (name) => `${CG}/unified/cgdash/${name}`,
    bobMetrics: (root) => {
      const mem = (f: string) => read(root, `${CG}/memory/cgdash/bob/${f}`);
      return {
        threads: read(root, `${CG}/cpuacct/cgdash/bob/tasks`).split('\n').filter(Boolean).length,
        pidsLimit: null, // pids.max "max"
        'cpu.throttledSeconds': flat(read(root, `${CG}/cpu/cgdash/bob/cpu.stat`), 'throttled_time') / 1e9,
        'memory.anonBytes': flat(mem('memory.stat'), 'total_rss'),
        'memory.fileBytes': flat(mem('memory.stat'), 'total_cache'),
        'memory.swapBytes': flat(mem('memory.stat'), 'total_swap'),
        'memory.kernelBytes': Number(mem('memory.kmem.usage_in_bytes')),
        'memory.peakBytes': Number(mem('memory.max_usage_in_bytes')),
        'memory.softLimitBytes': null, // memory.soft_limit_in_bytes = page-aligned LONG_MAX
        'memory.failcnt': Number(mem('memory.failcnt')),
        'memory.events': { high: null, max: null, oom: null, oomKill: 0 },
        'io.devices': {}, // blkio.throttle.* read "Total 0"
        pressure: psiFrom(root, `${CG}/unified/cgdash/bob`),
      };
    },
    bobIoDevices: [], // no block I/O in the capture
    bobIoText: (root) => read(root, `${CG}/blkio/cgdash/bob/blkio.throttle.io_service_bytes`),
  },
  {
    dir: 'v2-debian12-6.1',
    layout: 'v2',
    // Captured with 1 of the VM's 2 CPUs online (see its README): not this 2-CPU machine's count.
    cpuCount: 1,
    bobQuota: (root) => {
      const [quota, period] = read(root, `${CG}/cgdash/bob/cpu.max`).trim().split(' ').map(Number);
      return { quota, period };
    },
    memoryUsageFile: (root, name) => read(root, `${CG}/cgdash/${name}/memory.current`),
    oomKills: 1, // the capture's memory hog
    carolCpuFiles: () => ({ [`${CG}/cgdash/carol/cpu.max`]: '25000 100000' }),
    processes: [
      { pid: 4194305, cgroup: 'bob', user: 'root', command: 'yes' },
      { pid: 4194306, cgroup: 'bob/worker1', user: 'root', command: 'sleep 3600' },
    ],
    procsFile: (cgroup) => `${CG}/cgdash/${cgroup}/cgroup.procs`,
    pressureDir: (name) => `${CG}/cgdash/${name}`,
    bobMetrics: (root) => {
      const f = (name: string) => read(root, `${CG}/cgdash/bob/${name}`);
      return {
        // Subtree total: bob's and worker1's cgroup.threads.
        threads: [f('cgroup.threads'), f('worker1/cgroup.threads')].join('').split('\n').filter(Boolean).length,
        pidsLimit: Number(f('pids.max')),
        'cpu.throttledSeconds': (flat(f('cpu.stat'), 'throttled_usec') * 1000) / 1e9,
        'memory.anonBytes': flat(f('memory.stat'), 'anon'),
        'memory.fileBytes': flat(f('memory.stat'), 'file'),
        'memory.swapBytes': Number(f('memory.swap.current')),
        'memory.kernelBytes': flat(f('memory.stat'), 'kernel'),
        'memory.peakBytes': Number(f('memory.peak')),
        'memory.softLimitBytes': Number(f('memory.high')),
        'memory.failcnt': null, // no memory.failcnt on v2
        'memory.events': { high: flat(f('memory.events'), 'high'), max: flat(f('memory.events'), 'max'), oom: flat(f('memory.events'), 'oom'), oomKill: flat(f('memory.events'), 'oom_kill') },
        'io.devices': Object.fromEntries(f('io.stat').split('\n').filter(Boolean).map((l) => [l.split(' ')[0], 'any'])),
        pressure: psiFrom(root, `${CG}/cgdash/bob`),
      };
    },
    bobIoDevices: ['254:0'], // the VM's scratch disk, read and written by the capture's dd in bob
    bobIoText: (root) => read(root, `${CG}/cgdash/bob/io.stat`),
  },
];

/**
 * What this machine's real cgroup tree looks like where a hostRoot bug would write: whether every
 * hierarchy has a `cgdash` directory (a demo may have made one) with a bob or carol in it, and their
 * limit files. Read-only.
 */
function realCgdashSnapshot(): Record<string, string | string[] | null> {
  const snap: Record<string, string | string[] | null> = {};
  const mounts = existsSync('/sys/fs/cgroup') ? ['/sys/fs/cgroup', ...readdirSync('/sys/fs/cgroup').map((d) => join('/sys/fs/cgroup', d))] : [];
  for (const mount of mounts) {
    const dir = join(mount, 'cgdash');
    let children: string[] | null = null;
    // Only the fixture's names: a demo agent may legitimately add other sandboxes meanwhile.
    try { children = readdirSync(dir).filter((n) => n === 'bob' || n === 'carol').sort(); } catch { /* no such dir */ }
    snap[dir] = children;
    for (const name of ['bob', 'carol']) {
      for (const f of ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.max', 'memory.limit_in_bytes', 'memory.max', 'cgroup.subtree_control']) {
        const p = join(dir, name, f);
        try { snap[p] = readFileSync(p, 'utf8'); } catch { snap[p] = null; }
      }
    }
    try { snap[join(dir, 'cgroup.subtree_control')] = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8'); } catch { /* absent */ }
  }
  return snap;
}

for (const spec of SPECS) {
  describe(`the whole agent with hostRoot = a copy of ${spec.dir}`, () => {
    const root = mkdtempSync(join(tmpdir(), 'cgdash-hostroot-'));
    const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-hostroot-state-'));
    const problems: string[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (msg, extra) => { if (!msg.startsWith('slow sampling round')) problems.push(`WARN ${msg} ${String(extra ?? '')}`); },
      error: (msg, extra) => problems.push(`ERROR ${msg} ${String(extra ?? '')}`),
    };
    let agent: RunningAgent | undefined;
    let realBefore: ReturnType<typeof realCgdashSnapshot>;

    const api = (method: string, path: string, body?: unknown) => agentRequest(agent!.url, agent!.token, method, path, body);

    before(async () => {
      cpSync(join(FIXTURES, spec.dir), root, { recursive: true });
      realBefore = realCgdashSnapshot();
      agent = await startAgent({ hostRoot: root, parent: 'cgdash', intervalMs: 200, host: '127.0.0.1', port: 0, stateDir, logLevel: 'error' }, log);
      assert.match(agent.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    after(async () => {
      await agent?.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    });

    test('GET /api/v1/sandboxes lists exactly the captured sandboxes with the captured limits and usage', async () => {
      const r = await api('GET', '/api/v1/sandboxes');
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const list = r.json as SandboxSample[];
      assert.deepEqual(list.map((s) => s.name).sort(), ['bob', 'carol']);
      const bob = list.find((s) => s.name === 'bob')!;
      const carol = list.find((s) => s.name === 'carol')!;

      const { quota, period } = spec.bobQuota(root);
      assert.ok(quota > 0 && period > 0, 'bob has a captured quota');
      assert.ok(Math.abs(bob.cpu.limitPercent! - (quota / period / spec.cpuCount) * 100) < 1e-9, `bob cpu.limitPercent ${bob.cpu.limitPercent}`);
      assert.equal(bob.memory.limitBytes, 83886080);
      assert.equal(bob.memory.usageBytes, Number(spec.memoryUsageFile(root, 'bob').trim()));
      assert.equal(bob.memory.oomKills, spec.oomKills);
      assert.equal(bob.frozen, true);
      assert.equal(bob.freezer, 'frozen');
      // A sandbox's pids are its subtree's total (v2: bob's yes + worker1's sleep).
      assert.equal(bob.pids, spec.processes.length);

      assert.equal(carol.cpu.limitPercent, null);
      assert.equal(carol.memory.limitBytes, null);
      assert.equal(carol.memory.usageBytes, Number(spec.memoryUsageFile(root, 'carol').trim()));
      assert.equal(carol.frozen, false);
      assert.equal(carol.pids, 0);
    });

    test('GET /api/v1/sandboxes/bob gives the operator fields the tree\'s files hold', async () => {
      const bob = (await api('GET', '/api/v1/sandboxes/bob')).json as SandboxDetail;
      const want = spec.bobMetrics(root);
      const got: Record<string, unknown> = {
        threads: bob.threads,
        pidsLimit: bob.pidsLimit,
        'cpu.throttledSeconds': bob.cpu.throttledSeconds,
        'memory.anonBytes': bob.memory.anonBytes,
        'memory.fileBytes': bob.memory.fileBytes,
        'memory.swapBytes': bob.memory.swapBytes,
        'memory.kernelBytes': bob.memory.kernelBytes,
        'memory.peakBytes': bob.memory.peakBytes,
        'memory.softLimitBytes': bob.memory.softLimitBytes,
        'memory.failcnt': bob.memory.failcnt,
        'memory.events': bob.memory.events,
        // Which devices are listed (their rates depend on how many samples were taken yet).
        'io.devices': bob.io.devices && Object.fromEntries(Object.keys(bob.io.devices).map((d) => [d, 'any'])),
        pressure: bob.pressure,
      };
      assert.deepEqual(got, want);
    });

    test('GET /api/v1/sandboxes/bob lists the devices of the tree\'s I/O file and, its counters never moving, 0 B/s and 0 op/s for each', async () => {
      const listed = [...new Set([...spec.bobIoText(root).matchAll(/^(\d+:\d+) /gm)].map((m) => m[1]))].sort();
      assert.deepEqual(listed, spec.bobIoDevices, 'the tree holds the I/O its README describes');
      for (const dev of spec.bobIoDevices) {
        // Rates are null until two samples of the device exist (200 ms apart).
        let rates: Record<string, number | null> | undefined;
        for (let i = 0; i < 50 && (rates?.readBytesPerSec ?? null) === null; i++) {
          rates = ((await api('GET', '/api/v1/sandboxes/bob')).json as SandboxDetail).io.devices?.[dev] as Record<string, number | null> | undefined;
          if ((rates?.readBytesPerSec ?? null) === null) await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(rates, { readBytesPerSec: 0, writeBytesPerSec: 0, readOpsPerSec: 0, writeOpsPerSec: 0 }, dev);
      }
    });

    test('GET /api/v1/sandboxes/<name> gives the pressure of the tree\'s PSI files, for bob and for the empty carol', async () => {
      for (const name of ['bob', 'carol']) {
        const detail = (await api('GET', `/api/v1/sandboxes/${name}`)).json as SandboxDetail;
        const want = psiFrom(root, spec.pressureDir(name));
        assert.deepEqual(detail.pressure, want, name);
        for (const r of ['cpu', 'memory', 'io'] as const) assert.notEqual(detail.pressure[r], null, `${name} ${r}`);
      }
      // The capture's 1 s of throttled `yes` left real CPU pressure in bob's (on hybrid: unified) group.
      const bob = (await api('GET', '/api/v1/sandboxes/bob')).json as SandboxDetail;
      const someAvg10 = bob.pressure.cpu?.someAvg10 ?? null;
      assert.ok(someAvg10 !== null && someAvg10 > 0, `bob cpu some avg10 ${someAvg10}`);
    });

    test('GET /api/v1/sandboxes/bob shows the child groups and the cpuset the tree holds', async () => {
      const bob = (await api('GET', '/api/v1/sandboxes/bob')).json as SandboxDetail;
      if (spec.layout === 'v2') {
        // bob/worker1: core files only (no controllers enabled below bob), frozen with bob, its sleep inside.
        assert.deepEqual(bob.children!.map((c) => [c.name, c.pids, c.freezer, c.cpu.limitPercent, c.memory.usageBytes, c.children]), [['bob/worker1', 1, 'frozen', null, null, []]]);
        // Only the root has cpuset.cpus.effective ("0"): every group may use the 1 CPU; the ceiling is the quota.
        assert.equal(bob.cpu.cpusetCpus, 1);
        assert.equal(bob.cpu.effectiveLimitPercent, bob.cpu.limitPercent);
        assert.equal(bob.children![0].cpu.effectiveLimitPercent, bob.cpu.limitPercent, 'a child is capped by its sandbox');
      } else {
        // The capture has no child groups and no cpuset hierarchy.
        assert.deepEqual(bob.children, []);
        assert.equal(bob.cpu.cpusetCpus, null);
        assert.equal(bob.cpu.effectiveLimitPercent, bob.cpu.limitPercent);
      }
      assert.deepEqual(bob.processes.map((p) => p.cgroup).sort(), spec.processes.map((p) => p.cgroup).sort());
    });

    test('GET /api/v1/sandboxes/bob lists the captured processes with group, user and command from the tree', async () => {
      const r = await api('GET', '/api/v1/sandboxes/bob');
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const detail = r.json as SandboxDetail;
      const got = [...detail.processes].sort((a, b) => a.pid - b.pid);
      assert.deepEqual(got.map((p) => p.pid), spec.processes.map((p) => p.pid), JSON.stringify(detail.processes));
      for (const [i, want] of spec.processes.entries()) {
        const p = got[i];
        const dir = `proc/${want.pid}`;
        assert.equal(p.cgroup, want.cgroup);
        assert.equal(read(root, spec.procsFile(want.cgroup)).trim(), String(p.pid));
        assert.equal(p.user, want.user);
        assert.match(read(root, 'etc/passwd'), new RegExp(`^${p.user}:x:${/^Uid:\s+(\d+)/m.exec(read(root, `${dir}/status`))![1]}:`, 'm'));
        assert.equal(p.command, want.command);
        assert.equal(p.command, read(root, `${dir}/cmdline`).split('\0').filter(Boolean).join(' '));
        assert.equal(p.state, read(root, `${dir}/stat`).split(') ')[1][0]);
        assert.equal(p.rssBytes, Number(/^VmRSS:\s+(\d+) kB/m.exec(read(root, `${dir}/status`))![1]) * 1024);
        const statFields = read(root, `${dir}/stat`).split(') ')[1].split(' '); // [0] is field 3 (state)
        assert.equal(p.threads, Number(statFields[20 - 3]));
        const btime = Number(/^btime (\d+)$/m.exec(read(root, 'proc/stat'))![1]);
        assert.equal(p.startTime, btime * 1000 + Math.round((Number(statFields[22 - 3]) * 1000) / readClockTicks()));
        assert.ok(p.cpuPercent === null || p.cpuPercent === 0, `a captured process's ticks never move, got ${p.cpuPercent}`);
      }
      assert.equal((await api('GET', '/api/v1/sandboxes/carol')).json.processes.length, 0);
    });

    test('GET /api/v1/host gives the tree\'s CPU count, memory, hostname and layout', async () => {
      let host: HostSample | null = null;
      for (let i = 0; i < 50 && host === null; i++) {
        host = (await api('GET', '/api/v1/host')).json;
        if (host === null) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(host, 'the sampler produced a host sample');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(read(root, 'proc/meminfo'))![1]) * 1024;
      assert.equal(host.cpuCount, spec.cpuCount);
      assert.equal(host.perCpuPercent.length, spec.cpuCount);
      assert.equal(host.memTotalBytes, kb('MemTotal'));
      assert.equal(host.memAvailableBytes, kb('MemAvailable'));
      assert.equal(host.memUsedBytes, kb('MemTotal') - kb('MemAvailable'));
      assert.equal(host.hostname, read(root, 'proc/sys/kernel/hostname').trim());
      assert.equal(host.layout, spec.layout);
      assert.equal(host.uptimeSeconds, Number(read(root, 'proc/uptime').split(' ')[0]));
      assert.deepEqual(host.loadAvg, read(root, 'proc/loadavg').split(' ').slice(0, 3).map(Number));
    });

    test('PATCH of a CPU limit writes the copied tree\'s files and leaves this machine\'s /sys alone', async () => {
      const r = await api('PATCH', '/api/v1/sandboxes/carol', { cpuPercent: 25 });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.ok(Math.abs(r.json.cpu.limitPercent - 25) < 1e-9, `read back ${r.json.cpu.limitPercent}`);
      for (const [file, content] of Object.entries(spec.carolCpuFiles(root))) assert.equal(read(root, file).trim(), content, file);
      assert.equal((await api('GET', '/api/v1/sandboxes')).json.find((s: SandboxSample) => s.name === 'carol').cpu.limitPercent, 25);
      assert.deepEqual(realCgdashSnapshot(), realBefore, 'the real /sys/fs/cgroup must be unchanged');
    });

    test('the agent logged no warning or error while running on the tree', () => {
      assert.deepEqual(problems, []);
    });
  });
}
