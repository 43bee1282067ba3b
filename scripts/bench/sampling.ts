/**
 * `npm run bench`: what sampling costs on this machine, on real cgroups under a cgdash-test-bench
 * parent (removed afterwards). Two measurements, each compared within one run (machines are noisy):
 *
 *  1. Reading one small cgroup counter file: readFileSync vs fs.promises.readFile vs a kept-open
 *     descriptor re-read at offset 0 (pread), per read; and whether a kept-open cgroup.procs sees a
 *     process that joined after it was opened (v1 is known to serve a stale list).
 *  2. One sampling round (driver.readStats + deriveSample for every sandbox) for N idle sandboxes:
 *     wall ms per round and CPU % of one core at 1 Hz.
 *
 * Prints a Markdown table; docs/BENCHMARKS.md records a run.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestParent, type TestParent } from '../../test/helpers/test-parent';
import { deriveSample, type Timed } from '../../server/agent/sampler/derive';
import type { RawCgroupStats } from '../../server/agent/cgroupfs/driver';

const ROUNDS = 20;
const SIZES = (process.env.CGDASH_BENCH_SIZES ?? '10,100,300').split(',').map(Number);

function perCall(fn: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(n, 200); i++) fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

async function perCallAsync(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

function sandboxDir(tp: TestParent, controller: 'cpuacct' | 'cpu' | 'memory', name: string): string {
  const mount = tp.layout.kind === 'v2' ? tp.layout.unified! : tp.layout.v1[controller]!;
  return join(mount, tp.parent, name);
}

async function fileReads(tp: TestParent): Promise<string[]> {
  await tp.driver.create('files');
  const counter = join(sandboxDir(tp, 'cpuacct', 'files'), tp.layout.kind === 'v2' ? 'cpu.stat' : 'cpuacct.usage');
  const n = 20_000;
  const sync = perCall(() => readFileSync(counter, 'utf8'), n);
  const promise = await perCallAsync(() => readFile(counter, 'utf8'), n / 4);
  const fd = openSync(counter, 'r');
  const buf = Buffer.alloc(4096);
  const pread = perCall(() => buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)), n);
  closeSync(fd);

  // Does a kept-open cgroup.procs see a process that joined after the open?
  const procsPath = join(sandboxDir(tp, 'cpu', 'files'), 'cgroup.procs');
  const procsFd = openSync(procsPath, 'r');
  const first = buf.toString('utf8', 0, readSync(procsFd, buf, 0, buf.length, 0));
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  tp.spawned.add(child);
  await tp.driver.movePid('files', child.pid!);
  const kept = buf.toString('utf8', 0, readSync(procsFd, buf, 0, buf.length, 0));
  closeSync(procsFd);
  const fresh = readFileSync(procsPath, 'utf8');
  child.kill('SIGKILL');
  const sees = (text: string) => text.split('\n').includes(String(child.pid));
  return [
    '| read of one counter file | µs per read | vs readFileSync |',
    '|---|---:|---:|',
    `| readFileSync | ${sync.toFixed(1)} | 1.00 |`,
    `| fs.promises.readFile | ${promise.toFixed(1)} | ${(promise / sync).toFixed(2)} |`,
    `| kept-open fd, pread at 0 | ${pread.toFixed(1)} | ${(pread / sync).toFixed(2)} |`,
    '',
    `Kept-open \`cgroup.procs\` (opened empty: ${first.trim() === ''}) sees a PID that joined after the open: **${sees(kept)}**; a fresh read sees it: **${sees(fresh)}**.`,
  ];
}

async function rounds(tp: TestParent): Promise<string[]> {
  const rows = ['| sandboxes | ms per round (median of 20) | CPU % of one core at 1 Hz | µs per sandbox |', '|---:|---:|---:|---:|'];
  let made = 0;
  for (const n of SIZES) {
    for (; made < n; made++) await tp.driver.create(`b${made}`);
    const prev = new Map<string, Timed<RawCgroupStats>>();
    const wall: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = process.hrtime.bigint();
      for (const name of await tp.driver.listSandboxes()) {
        const cur = { atNs: process.hrtime.bigint(), stats: await tp.driver.readStats(name) };
        deriveSample(name, prev.get(name), cur, tp.cpuCount, Date.now());
        prev.set(name, cur);
      }
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerRound = (cpu.user + cpu.system) / 1000 / ROUNDS;
    const median = [...wall].sort((a, b) => a - b)[Math.floor(wall.length / 2)];
    rows.push(`| ${n} | ${median.toFixed(2)} | ${(cpuMsPerRound / 10).toFixed(2)} | ${((median * 1000) / n).toFixed(0)} |`);
  }
  return rows;
}

async function main() {
  const tp = await createTestParent();
  try {
    const out = [
      `Run ${new Date().toISOString()} on ${tp.layout.kind}, ${tp.cpuCount} CPUs, Node ${process.version}.`,
      '',
      ...(await fileReads(tp)),
      '',
      ...(await rounds(tp)),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await tp.cleanup();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
