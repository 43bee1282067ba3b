import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ProcessInfo, SandboxSample } from '@/lib/protocol';
import { cpuCeiling } from '@/lib/units/cpu';
import { CpuChart } from '@/components/charts/cpu-chart';
import { ChildGroups } from './child-groups';
import { ProcessTable, cgroupLabel } from './process-table';
import { SandboxRow } from './sandbox-row';
import { SandboxSummary } from './sandbox-summary';

function group(name: string, cpu: Partial<SandboxSample['cpu']> = {}, children: SandboxSample[] = []): SandboxSample {
  return {
    name, t: 1000,
    cpu: { usagePercent: 10, usageCores: 0.2, limitPercent: null, cpusetCpus: 2, effectiveLimitPercent: 100, nrPeriods: null, nrThrottled: null, throttledPercent: null, throttledSeconds: null, userPercent: null, systemPercent: null, ...cpu },
    memory: {
      usageBytes: 1024, workingSetBytes: 1024, limitBytes: null, oomKills: 0, anonBytes: null, fileBytes: null, kernelBytes: null,
      swapBytes: null, peakBytes: null, softLimitBytes: null, failcnt: null, events: { high: null, max: null, oom: null, oomKill: 0 },
    },
    io: { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null, devices: null },
    pressure: { cpu: null, memory: null, io: null },
    frozen: false, freezer: 'thawed', pids: 1, threads: 1, pidsLimit: null, children,
  };
}

/** Text content of rendered markup (tags dropped, entities kept simple). */
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
const row = (props: Partial<Parameters<typeof SandboxRow>[0]> & { sample: SandboxSample }) =>
  renderToStaticMarkup(createElement('table', null, createElement('tbody', null, createElement(SandboxRow, { cpuHistory: [], memTotalBytes: 1e9, cpuCount: 2, sparkMax: 5, ...props }))));

describe('overview rows as a tree', () => {
  it('a sandbox with children gets a collapsed toggle named after it, and keeps its link', () => {
    const html = row({ sample: group('bob', {}, [group('bob/worker1')]), hasChildren: true, expanded: false });
    assert.match(html, /<button[^>]*aria-expanded="false"[^>]*aria-label="Expand bob"/);
    assert.match(html, /href="\/sandboxes\/bob"/);
    assert.match(html, /data-testid="sandbox-row-bob"/);
    assert.match(row({ sample: group('bob', {}, [group('bob/worker1')]), hasChildren: true, expanded: true }), /aria-expanded="true"/);
  });

  it('a child row is indented, named by its path in the test id, shows its last part and links to nothing', () => {
    const html = row({ sample: group('bob/worker1'), depth: 1, cpuHistory: null });
    assert.match(html, /data-testid="sandbox-row-bob\/worker1"/);
    assert.doesNotMatch(html, /<a /);
    assert.doesNotMatch(html, /<button/);
    assert.match(html, /padding-left:14px/);
    assert.match(text(html), /└worker1/);
    assert.doesNotMatch(html, /<svg[^>]*role="img"/, 'no sparkline without history');
  });

  it('the LIMIT cell shows the cpuset ceiling when it is lower than the quota, and the quota otherwise', () => {
    assert.match(text(row({ sample: group('bob', { limitPercent: null, cpusetCpus: 1, effectiveLimitPercent: 50 }) })), /50% \(cpuset 1 CPU\)/);
    assert.match(text(row({ sample: group('eve', { limitPercent: 25, cpusetCpus: 1, effectiveLimitPercent: 25 }) })), /25%/);
    assert.doesNotMatch(text(row({ sample: group('eve', { limitPercent: 25, cpusetCpus: 1, effectiveLimitPercent: 25 }) })), /cpuset/);
    assert.match(text(row({ sample: group('bob/w', { cpusetCpus: 2, effectiveLimitPercent: 10 }), depth: 1, cpuHistory: null })), /10% \(inherited\)/);
  });

  it('the summary shows the effective ceiling', () => {
    const html = renderToStaticMarkup(createElement(SandboxSummary, { sample: group('bob', { limitPercent: 100, cpusetCpus: 1, effectiveLimitPercent: 50 }), cpuCount: 2 }));
    assert.match(text(html), /10\.0% \/ 50\.0% \(cpuset 1 CPU\)/);
  });
});

describe('CPU chart legend', () => {
  const legend = (cpu: Partial<SandboxSample['cpu']>) => {
    const c = group('bob', cpu).cpu;
    return text(renderToStaticMarkup(createElement(CpuChart, { points: [], limitPercent: c.limitPercent, ceiling: cpuCeiling(c, 2), nowMs: 60_000, windowMs: 60_000 })));
  };
  it('says "no limit" without a quota when the cpuset allows every CPU', () => assert.match(legend({}), /no limit/));
  it('says "limit 5.0%" under a quota, with no cpuset entry when the cpuset allows more', () => {
    const l = legend({ limitPercent: 5, cpusetCpus: 1, effectiveLimitPercent: 5 });
    assert.match(l, /limit 5\.0%/);
    assert.doesNotMatch(l, /cpuset/);
  });
  it('adds the cpuset ceiling when it is below the quota, and only it without a quota', () => {
    const both = legend({ limitPercent: 100, cpusetCpus: 1, effectiveLimitPercent: 50 });
    assert.match(both, /limit 100\.0%/);
    assert.match(both, /cpuset 50\.0% \(1 CPU\)/);
    const alone = legend({ limitPercent: null, cpusetCpus: 1, effectiveLimitPercent: 50 });
    assert.match(alone, /cpuset 50\.0% \(1 CPU\)/);
    assert.doesNotMatch(alone, /no limit/);
  });
});

describe('sandbox page: child groups and the CGROUP column', () => {
  it('ChildGroups renders nothing without children, else the sandbox total and every child group indented', () => {
    assert.equal(renderToStaticMarkup(createElement(ChildGroups, { sample: group('eve') })), '');
    const tree = group('bob', {}, [group('bob/worker2', {}, [group('bob/worker2/x')]), group('bob/worker1')]);
    const html = renderToStaticMarkup(createElement(ChildGroups, { sample: tree, cpuCount: 2 }));
    const ids = [...html.matchAll(/data-testid="child-group-([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['bob', 'bob/worker1', 'bob/worker2', 'bob/worker2/x']);
    assert.match(text(html), /3 groups/);
  });

  it('cgroupLabel() is "." for the sandbox itself (or no cgroup from an older agent), else the child path', () => {
    assert.equal(cgroupLabel('bob', 'bob'), '.');
    assert.equal(cgroupLabel(undefined, 'bob'), '.');
    assert.equal(cgroupLabel('bob/worker1', 'bob'), 'bob/worker1');
  });

  it('the process table has a titled CGROUP column', () => {
    const p = (pid: number, cgroup: string): ProcessInfo => ({ pid, user: 'root', state: 'S', cpuPercent: 0, rssBytes: 0, threads: 1, startTime: null, command: 'sleep', cgroup });
    const html = renderToStaticMarkup(createElement(ProcessTable, { processes: [p(1, 'bob'), p(2, 'bob/worker1')], sandboxName: 'bob' }));
    assert.match(html, /<th[^>]*title="Which group the process is in[^"]*"[^>]*>.*?CGROUP/);
    assert.match(text(html), /bob\/worker1/);
  });
});
