/**
 * Captures a real cgroup fixture tree from this machine for the driver unit tests.
 *
 *   tsx scripts/capture-cgroup-fixture.ts [--out test/fixtures/cgroupfs/<kind>-<distro>-<kernel>]
 *
 * Run as root. It makes its own `cgdash-fixture-<hex>` parent through the driver, puts real load in
 * it, copies the tree into the output directory (mirroring absolute paths, the parent renamed to
 * `cgdash`) and always kills its processes and removes its groups again.
 *
 * On a v1 or hybrid host (./capture-cgroup-fixture/v1.ts), two sandboxes:
 *   bob   — CPU quota 5 % of the machine, 80M memory limit, ran `yes` for 1 s, then frozen (yes inside);
 *   carol — no limits, thawed, empty;
 * in every managed hierarchy, and on a hybrid host the same parent, bob and carol in the unified
 * (cgroup2) hierarchy too (which cgdash itself never creates; the v1 driver reads a sandbox's PSI
 * from there when it exists), with bob's `yes` moved into bob's unified group as well.
 *
 * On a pure cgroup v2 host (./capture-cgroup-fixture/v2.ts; the build machine is hybrid, so run it
 * in the VM of scripts/vm/, see scripts/vm/README.md), the same bob and carol plus what only v2 has:
 * bob had a memory hog OOM-killed under memory.max, then got io.max on the VM's scratch disk
 * (CGDASH_VM_DISK, required: the capture fails without it) and did direct reads and writes on it with
 * dd, so io.stat and io.max hold a real device line; then memory.high 64M and pids.max 64, and holds
 * a child group bob/worker1 with a `sleep` in it (frozen with bob). The root's own files
 * (cgroup.controllers, cgroup.subtree_control, cpuset.cpus.effective…) are captured too.
 *
 * Both record the cgroup lines of /proc/self/mountinfo and the host files the whole agent reads, so
 * the agent can run on the tree with CGDASH_HOST_ROOT: sys/devices/system/cpu/online,
 * proc/{stat,meminfo,loadavg,uptime}, proc/sys/kernel/hostname, proc/<pid>/{stat,status,cmdline} of
 * every sandbox member, and etc/passwd reduced to the lines of the users those members run as.
 *
 * Every member PID (and TID) is rewritten to a PID that cannot exist on any Linux host (2^22 + 1
 * and up, above the largest possible pid_max): in cgroup.procs, tasks, cgroup.threads, the proc/<pid>
 * directory name and the PID fields of its stat/status; other PIDs there (parent, process group,
 * session) become 0. A replay that signals a captured member can then only get ESRCH.
 *
 * It writes README.md (kernel, distro, date, contents, skipped files).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLayout } from '../server/agent/cgroupfs/layout';
import { distroTag, kernelTag } from './capture-cgroup-fixture/shared';
import { captureV1 } from './capture-cgroup-fixture/v1';
import { captureV2, loadScratchDisk } from './capture-cgroup-fixture/v2';

async function main(): Promise<void> {
  const layout = loadLayout('/');
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const kind = { v2: 'v2', hybrid: 'v1-hybrid', v1: 'v1' }[layout.kind];
  const out = values.out ?? join('test/fixtures/cgroupfs', `${kind}-${distroTag()}-${kernelTag()}`);
  const parent = `cgdash-fixture-${randomBytes(4).toString('hex')}`;
  // CGDASH_VM_DISK: the VM's raw scratch disk (scripts/vm/run.sh sets it in the guest); checked before anything is made.
  if (layout.kind === 'v2') await captureV2(layout, out, parent, loadScratchDisk(process.env.CGDASH_VM_DISK));
  else await captureV1(layout, out, parent);
}

await main();
