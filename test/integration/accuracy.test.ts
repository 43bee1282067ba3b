/**
 * The agent's numbers agree with the kernel over a real run: a real agent (intervalMs 250) on real
 * cgroups under its own cgdash-test-<random> parent, compared with the kernel files and /proc read
 * directly by this test. Removed afterwards, also when a test fails; only processes this test
 * started are ever signalled, by PID.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { RunningAgent } from '../../server/agent/main';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { readClockTicks } from '../../server/agent/procfs/read';
import type { OverviewBatch, SandboxDetail } from '../../lib/protocol';
import { realCgroupsUnavailableReason, registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { startTestAgent } from '../helpers/test-agent';
import { agentRequest } from '../helpers/agent-http';
import { kernelCpuUsageNs, kernelMemoryUsage, timeFactor } from '../helpers/kernel-files';

const INTERVAL_MS = 250;
const unavailable = realCgroupsUnavailableReason();
const skip = unavailable !== null && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? unavailable : false;

/** Relative difference |a − b| / b. */
const relErr = (a: number, b: number) => Math.abs(a - b) / b;

describe('agent numbers agree with the kernel over a real run', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-accuracy-'));
  const clockTicks = readClockTicks();
  /** Everything this test started (directly or as children of its own shells), killed by PID in after(). */
  const children: ChildProcess[] = [];
  const grandchildPids: number[] = [];
  const sockets: Socket[] = [];
  let agent: RunningAgent | undefined;
  let layout: CgroupLayout;

  const api = (method: string, path: string, body?: unknown) => agentRequest(agent!.url, agent!.token, method, path, body, 5000 * slow());
  const create = async (name: string) => {
    const r = await api('POST', '/api/v1/sandboxes', { name });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  };
  const movePid = async (name: string, pid: number) => {
    const r = await api('POST', `/api/v1/sandboxes/${name}/procs`, { pid });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const lp = () => ({ layout, parent });
  /** Stretches waits (not measured bounds) on the emulated v2 lane: timeFactor() in kernel-files.ts. */
  const slow = () => timeFactor(lp());
  /** Cumulative CPU of the group, ns (v1 cpuacct.usage, v2 cpu.stat usage_usec: see kernel-files.ts). */
  const kernelCpuNs = (name: string) => Number(kernelCpuUsageNs(lp(), name));
  /** Memory charged to the group (v1 memory.usage_in_bytes, v2 memory.current). */
  const kernelMemoryBytes = (name: string) => Number(kernelMemoryUsage(lp(), name));
  /** utime + stime of one process, seconds, from /proc/<pid>/stat. */
  const procCpuSec = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); // f[0] is field 3
    return (Number(f[14 - 3]) + Number(f[15 - 3])) / clockTicks;
  };
  /** A shell that waits for one line on stdin before running `script`, so it can be moved into a sandbox first. */
  const spawnGated = (script: string, stdout: 'pipe' | 'ignore' = 'ignore') => {
    const child = spawn('sh', ['-c', `read _ ; ${script}`], { stdio: ['pipe', stdout, 'ignore'] });
    children.push(child);
    if (child.pid === undefined) throw new Error('spawn failed');
    return child as ChildProcess & { pid: number };
  };
  const connect = async () => {
    const sock = ioClient(agent!.url, { auth: { token: agent!.token }, reconnection: false, transports: ['websocket'] });
    sockets.push(sock);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket did not connect within ${5 * slow()} s`)), 5000 * slow());
      sock.once('connect', () => { clearTimeout(timer); resolve(); });
      sock.once('connect_error', (e) => { clearTimeout(timer); reject(e); });
    });
    return sock;
  };

  before(async () => {
    await sweepStaleTestParents();
    registerTestParent(parent);
    layout = loadLayout('/');
    agent = await startTestAgent({ parent, stateDir, intervalMs: INTERVAL_MS, name: 'accuracy-test' });
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const pid of grandchildPids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await agent?.close();
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('CPU seconds integrated from samples:overview agree within 2 % with the group\'s CPU counter (v1 cpuacct.usage, v2 cpu.stat usage_usec) and with utime+stime', async (t) => {
    await create('busy');
    const yes = spawnGated('exec yes > /dev/null');
    await movePid('busy', yes.pid);

    // At each batch, read the kernel's counters at once (the agent read them a little earlier, in the
    // same round). The window starts with the group idle (yes not released yet) and ends with it
    // frozen, so the counters do not move around the first and the last batch: the latency between
    // the agent's read and this test's (which grows on a loaded machine) cannot enter the comparison.
    interface Point { t: number; usageCores: number | null; kernelNs: number; procSec: number }
    const points: Point[] = [];
    const sock = await connect();
    sock.on('samples:overview', (batch: OverviewBatch) => {
      const s = batch.sandboxes.find((x) => x.name === 'busy');
      if (s) points.push({ t: batch.t, usageCores: s.cpu.usageCores, kernelNs: kernelCpuNs('busy'), procSec: procCpuSec(yes.pid) });
    });
    const until = async (cond: () => boolean, ms: number, what: string) => {
      for (const end = Date.now() + ms; !cond(); await sleep(10)) {
        if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms (${points.length} batches)`);
      }
    };
    // At least 4 s and 2 CPU seconds (so utime+stime's 10 ms ticks stay far below 2 %); on a busy
    // machine yes gets less than a core, so the window grows, up to 12 s.
    const WINDOW_MS = 4000;
    const MAX_WINDOW_MS = 12_000;
    const MIN_CPU_NS = 2e9;
    await until(() => points.length >= 2, 10 * INTERVAL_MS * slow(), 'two batches of the idle sandbox');
    const from = points.length - 1;
    const start = points[from];
    yes.stdin!.end('go\n');
    await until(() => {
      const p = points.at(-1)!;
      return (p.t - start.t >= WINDOW_MS && p.kernelNs - start.kernelNs >= MIN_CPU_NS) || p.t - start.t >= MAX_WINDOW_MS;
    }, MAX_WINDOW_MS + 3000 * slow(), 'the measuring window');
    assert.equal((await api('POST', '/api/v1/sandboxes/busy/freeze')).status, 200);
    const frozenAt = points.length;
    await until(() => points.length >= frozenAt + 2, 10 * INTERVAL_MS * slow(), 'two batches of the frozen sandbox');
    sock.off('samples:overview');
    points.splice(0, from);
    assert.equal((await api('POST', '/api/v1/sandboxes/busy/thaw')).status, 200);

    assert.ok(points.length >= 12, `${points.length} batches`);
    let agentSec = 0;
    for (let i = 1; i < points.length; i++) {
      const cores = points[i].usageCores;
      assert.notEqual(cores, null, `batch ${i} has no CPU rate`);
      agentSec += cores! * ((points[i].t - points[i - 1].t) / 1000); // rate over the interval that ends at batch i
    }
    const first = points[0];
    const last = points.at(-1)!;
    const kernelSec = (last.kernelNs - first.kernelNs) / 1e9;
    const procSec = last.procSec - first.procSec;
    const windowSec = (last.t - first.t) / 1000;
    t.diagnostic(`window ${windowSec.toFixed(3)} s over ${points.length} batches: agent ${agentSec.toFixed(4)} CPU s, ` +
      `kernel ${kernelSec.toFixed(4)} s (${(relErr(agentSec, kernelSec) * 100).toFixed(3)} %), ` +
      `utime+stime ${procSec.toFixed(2)} s (${(relErr(agentSec, procSec) * 100).toFixed(3)} %)`);
    assert.ok(kernelSec >= 1, `yes got too little CPU to compare: ${kernelSec} CPU s in ${windowSec} s`);
    assert.ok(relErr(agentSec, kernelSec) < 0.02, `agent ${agentSec} vs kernel counter ${kernelSec}`);
    assert.ok(relErr(agentSec, procSec) < 0.02, `agent ${agentSec} vs utime+stime ${procSec}`);
  });

  test('GET /api/v1/sandboxes/:name memory.usageBytes equals the kernel file for an idle memory holder', async (t) => {
    await create('holder');
    // Allocates and touches 32 MiB of anonymous memory, then idles (no allocation while idle).
    const holder = spawnGated(`exec ${JSON.stringify(process.execPath)} -e "globalThis.b = Buffer.alloc(32 * 1024 * 1024, 1); setInterval(() => {}, 60000)"`);
    await movePid('holder', holder.pid);
    holder.stdin!.end('go\n');

    // Wait (bounded) until the charge is above 32 MiB and unchanged for 500 ms.
    let stable = false;
    let prev = -1;
    let sameSince = 0;
    for (const deadline = Date.now() + 8000 * slow(); Date.now() < deadline;) {
      const cur = kernelMemoryBytes('holder');
      if (cur !== prev) { prev = cur; sameSince = Date.now(); } else if (cur > 32 * 1024 * 1024 && Date.now() - sameSince >= 500) { stable = true; break; }
      await sleep(50);
    }
    assert.ok(stable, `memory never settled (last ${prev} bytes)`);

    const before = kernelMemoryBytes('holder');
    const r = await api('GET', '/api/v1/sandboxes/holder');
    const afterBytes = kernelMemoryBytes('holder');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const usage = (r.json as SandboxDetail).memory.usageBytes!;
    t.diagnostic(`kernel ${before} → ${afterBytes} bytes around the request, agent ${usage} (Δ ${usage - afterBytes})`);
    // A stable process: the file may move by a page or two around the request, never more than 64 KiB.
    const TOLERANCE = 64 * 1024;
    assert.ok(usage >= Math.min(before, afterBytes) - TOLERANCE && usage <= Math.max(before, afterBytes) + TOLERANCE,
      `agent ${usage} vs kernel ${before}…${afterBytes}`);
    assert.ok(Math.abs(afterBytes - before) <= TOLERANCE, `the holder was not stable: ${before} → ${afterBytes}`);
  });

  test('a process forked in the sandbox after a sample shows up in the very next samples:sandbox', async (t) => {
    await create('forker');
    // After the gate, every line on stdin forks a `sleep` inside the sandbox and prints its PID.
    const forker = spawnGated('while read _; do sleep 30 & echo $!; done', 'pipe');
    await movePid('forker', forker.pid);
    forker.stdin!.write('go\n');
    const pidLines: number[] = [];
    const waiters: Array<(pid: number) => void> = [];
    let buf = '';
    forker.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const pid = Number(buf.slice(0, i));
        buf = buf.slice(i + 1);
        grandchildPids.push(pid);
        const w = waiters.shift();
        if (w) w(pid); else pidLines.push(pid);
      }
    });
    const nextPid = () => new Promise<number>((resolve, reject) => {
      const early = pidLines.shift();
      if (early !== undefined) return resolve(early);
      const timer = setTimeout(() => reject(new Error('the forker printed no PID in time')), 3000 * slow());
      waiters.push((pid) => { clearTimeout(timer); resolve(pid); });
    });

    const sock = await connect();
    const details: SandboxDetail[] = [];
    sock.on('samples:sandbox', (d: SandboxDetail) => { if (d.name === 'forker') details.push(d); });
    const sub = await sock.timeout(5000 * slow()).emitWithAck('subscribe:sandbox', { name: 'forker' });
    assert.equal(sub.ok, true, JSON.stringify(sub));
    /** Resolves with the first detail (already received or not) whose round started after `afterMs`. */
    const detailAfter = async (afterMs: number) => {
      for (const deadline = Date.now() + 10 * INTERVAL_MS * slow(); Date.now() < deadline; await sleep(10)) {
        const d = details.find((x) => x.t > afterMs);
        if (d) return d;
      }
      throw new Error(`no samples:sandbox after ${afterMs} within ${10 * INTERVAL_MS * slow()} ms`);
    };

    const firstSample = await detailAfter(0);
    assert.deepEqual(firstSample.processes.map((p) => p.pid), [forker.pid], 'the first sample shows the forker alone');
    // Three forks, each after a sample: a cached or kept-open cgroup.procs would miss the later ones.
    const seen = [forker.pid];
    for (let round = 0; round < 3; round++) {
      await detailAfter(Date.now()); // a sample has just been taken
      const writtenAt = Date.now(); // the fork happens after this
      forker.stdin!.write('fork\n');
      const child = await nextPid();
      const forkedAt = Date.now(); // the child exists now: any round that starts later must list it
      const next = await detailAfter(forkedAt);
      const pids = next.processes.map((p) => p.pid);
      seen.push(child);
      t.diagnostic(`fork ${round + 1}: pid ${child} listed in the sample of t=${next.t} (${next.t - forkedAt} ms after the fork)`);
      assert.deepEqual([...pids].sort((a, b) => a - b), [...seen].sort((a, b) => a - b), `sample at ${next.t} after fork at ${forkedAt}`);
      assert.equal(next.pids, seen.length, 'the pids count agrees with the process list');
      const listed = next.processes.find((p) => p.pid === child)!;
      assert.equal(listed.command, 'sleep 30');
      assert.equal(listed.threads, 1);
      // Between the request to fork and the PID's arrival; btime (/proc/stat) is whole seconds, rounded
      // down, so a start time may read up to 1 s early (plus a 10 ms clock tick).
      assert.ok(listed.startTime !== null && listed.startTime >= writtenAt - 1010 && listed.startTime <= forkedAt + 10,
        `startTime ${listed.startTime} outside [${writtenAt} - 1010, ${forkedAt} + 10] (fork requested, PID received)`);
    }
  });
});
