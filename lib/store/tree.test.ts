import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SandboxSample } from '@/lib/protocol';
import { createDashboardStore } from './create-dashboard-store';
import { countDescendants, findGroup, flattenTree, groupLeaf, selectOverviewPaths, toggleExpansion } from './tree';

function group(name: string, cpu: number | null, mem: number | null, children: SandboxSample[] = []): SandboxSample {
  return {
    name, t: 1000,
    cpu: { usagePercent: cpu, usageCores: cpu, limitPercent: null, nrPeriods: null, nrThrottled: null, throttledPercent: null, throttledSeconds: null, userPercent: null, systemPercent: null },
    memory: {
      usageBytes: mem, workingSetBytes: mem, limitBytes: null, oomKills: 0, anonBytes: null, fileBytes: null, kernelBytes: null,
      swapBytes: null, peakBytes: null, softLimitBytes: null, failcnt: null, events: { high: null, max: null, oom: null, oomKill: 0 },
    },
    io: { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null, devices: null },
    pressure: { cpu: null, memory: null, io: null },
    frozen: false, freezer: 'thawed', pids: 1, threads: 1, pidsLimit: null, children,
  };
}

// bob (40 % total): worker1 10 %, worker2 25 % (with worker2/x 20 %, worker2/a 1 %); alice 30 %; eve 50 %, no children.
const tree = () => [
  group('alice', 30, 300),
  group('bob', 40, 100, [
    group('bob/worker1', 10, 80),
    group('bob/worker2', 25, 10, [group('bob/worker2/a', 1, 1), group('bob/worker2/x', 20, 5)]),
  ]),
  group('eve', 50, 5),
];
const CPU_DESC = { key: 'cpu', dir: 'desc' } as const;
const paths = (rows: ReturnType<typeof flattenTree>) => rows.map((r) => r.path);

describe('flattenTree()', () => {
  it('lists only the sandboxes while everything is collapsed, and marks who has children', () => {
    const rows = flattenTree(tree(), CPU_DESC, new Set());
    assert.deepEqual(paths(rows), ['eve', 'bob', 'alice']);
    assert.deepEqual(rows.map((r) => [r.depth, r.hasChildren, r.expanded]), [[0, false, false], [0, true, false], [0, false, false]]);
  });

  it('puts an expanded sandbox\'s children right under it, sorted within the parent by their own numbers', () => {
    const rows = flattenTree(tree(), CPU_DESC, new Set(['bob']));
    assert.deepEqual(paths(rows), ['eve', 'bob', 'bob/worker2', 'bob/worker1', 'alice']);
    assert.deepEqual(rows.map((r) => r.depth), [0, 0, 1, 1, 0]);
    assert.deepEqual(rows.map((r) => r.root), ['eve', 'bob', 'bob', 'bob', 'alice']);
    assert.equal(rows[1].expanded, true);
    assert.equal(rows[2].hasChildren, true);
    assert.equal(rows[2].expanded, false);
  });

  it('opens deeper levels one by one, and hides them again with their ancestor', () => {
    assert.deepEqual(paths(flattenTree(tree(), CPU_DESC, new Set(['bob', 'bob/worker2']))), ['eve', 'bob', 'bob/worker2', 'bob/worker2/x', 'bob/worker2/a', 'bob/worker1', 'alice']);
    assert.deepEqual(paths(flattenTree(tree(), CPU_DESC, new Set(['bob/worker2']))), ['eve', 'bob', 'alice']);
  });

  it('applies every sort key and direction within each parent', () => {
    const all = 'all' as const;
    assert.deepEqual(paths(flattenTree(tree(), { key: 'cpu', dir: 'asc' }, all)), ['alice', 'bob', 'bob/worker1', 'bob/worker2', 'bob/worker2/a', 'bob/worker2/x', 'eve']);
    assert.deepEqual(paths(flattenTree(tree(), { key: 'memory', dir: 'desc' }, all)), ['alice', 'bob', 'bob/worker1', 'bob/worker2', 'bob/worker2/x', 'bob/worker2/a', 'eve']);
    assert.deepEqual(paths(flattenTree(tree(), { key: 'name', dir: 'desc' }, all)), ['eve', 'bob', 'bob/worker2', 'bob/worker2/x', 'bob/worker2/a', 'bob/worker1', 'alice']);
  });

  it('keeps unknown numbers last when sorting descending, and ties in name order', () => {
    const roots = [group('p', 10, 1, [group('p/c', null, 1), group('p/b', 2, 1), group('p/a', 2, 1)])];
    assert.deepEqual(paths(flattenTree(roots, CPU_DESC, 'all')), ['p', 'p/a', 'p/b', 'p/c']);
  });

  it('treats a sample without `children` (an older agent) as a leaf', () => {
    const old = group('old', 1, 1);
    delete old.children;
    assert.deepEqual(flattenTree([old], CPU_DESC, 'all'), [{ path: 'old', depth: 0, root: 'old', hasChildren: false, expanded: false, sample: old }]);
  });

  it('does not reorder its input', () => {
    const roots = tree();
    flattenTree(roots, CPU_DESC, 'all');
    assert.deepEqual(roots.map((r) => r.name), ['alice', 'bob', 'eve']);
    assert.deepEqual(roots[1].children!.map((r) => r.name), ['bob/worker1', 'bob/worker2']);
  });
});

describe('tree helpers', () => {
  it('findGroup() finds sandboxes and nested child groups by path, and nothing for a near miss', () => {
    const latest = Object.fromEntries(tree().map((s) => [s.name, s]));
    assert.equal(findGroup(latest, 'bob')?.name, 'bob');
    assert.equal(findGroup(latest, 'bob/worker2/x')?.cpu.usagePercent, 20);
    assert.equal(findGroup(latest, 'bob/worker3'), undefined);
    assert.equal(findGroup(latest, 'bob/worker2/xy'), undefined);
    assert.equal(findGroup(latest, 'nobody/x'), undefined);
  });

  it('groupLeaf(), countDescendants() and toggleExpansion()', () => {
    assert.equal(groupLeaf('bob/worker2/x'), 'x');
    assert.equal(groupLeaf('bob'), 'bob');
    assert.equal(countDescendants(tree()[1]), 4);
    assert.equal(countDescendants(tree()[0]), 0);
    const a = new Set(['bob']);
    const b = toggleExpansion(a, 'eve');
    assert.deepEqual([...b].sort(), ['bob', 'eve']);
    assert.deepEqual([...toggleExpansion(b, 'bob')], ['eve']);
    assert.deepEqual([...a], ['bob'], 'the input set is not changed');
  });

  it('the store keeps the expand state; selectOverviewPaths() follows it', () => {
    const store = createDashboardStore();
    const host = { hostname: 'h', layout: 'v1' as const, cpuCount: 2, perCpuPercent: [0, 0], cpuPercent: 0, memTotalBytes: 1, memUsedBytes: 0, memAvailableBytes: 1, loadAvg: [0, 0, 0] as [number, number, number], uptimeSeconds: 1 };
    store.getState().ingest({ t: 1000, intervalMs: 1000, host, sandboxes: tree() }, 1000);
    assert.deepEqual(selectOverviewPaths(store.getState(), CPU_DESC), ['eve', 'bob', 'alice']);
    store.getState().toggleOverviewExpanded('bob');
    assert.deepEqual(selectOverviewPaths(store.getState(), CPU_DESC), ['eve', 'bob', 'bob/worker2', 'bob/worker1', 'alice']);
    store.getState().toggleOverviewExpanded('bob');
    assert.deepEqual(selectOverviewPaths(store.getState(), CPU_DESC), ['eve', 'bob', 'alice']);
    // The sparkline series stay per top-level sandbox.
    assert.deepEqual(Object.keys(store.getState().series).sort(), ['alice', 'bob', 'eve']);
  });
});
