'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { watchSandbox } from '@/lib/client/bind-socket';
import { STALE_INTERVALS, WINDOW_POINTS, type SeriesPoint } from '@/lib/store/slices/samples';
import { formatClock } from '@/components/ui/format';
import { CpuChart } from '@/components/charts/cpu-chart';
import { MemoryChart } from '@/components/charts/memory-chart';
import { IoChart } from '@/components/charts/io-chart';
import { CpuDetails, IoDetails, MemoryBreakdown } from '@/components/sandbox/metric-details';
import { PressurePanel } from '@/components/sandbox/pressure-panel';
import { ChildGroups } from '@/components/sandbox/child-groups';
import { cpuCeiling } from '@/lib/units/cpu';
import { ProcessTable } from '@/components/sandbox/process-table';
import { SandboxSummary } from '@/components/sandbox/sandbox-summary';
import { useDashboard, useDashboardWiring } from '@/components/providers/dashboard-providers';
import { SandboxControlsLive } from './sandbox-controls-live';
import { StaleVeil } from './stale-veil';

const NO_POINTS: SeriesPoint[] = [];

/**
 * Charts (CPU, memory, block I/O), pressure, controls and processes of one sandbox; subscribes to its
 * detail stream while mounted.
 */
export function SandboxLivePanel({ name }: { name: string }) {
  const { store, socket } = useDashboardWiring();
  useEffect(() => (socket ? watchSandbox(socket, store, name) : undefined), [socket, store, name]);

  const sample = useDashboard((s) => s.latest[name]);
  const processes = useDashboard((s) => s.details[name]?.processes);
  const processesT = useDashboard((s) => s.details[name]?.t ?? null);
  const detailError = useDashboard((s) => s.detailErrors[name] ?? null);
  const hasOverview = useDashboard((s) => s.host !== null);
  const cpuCount = useDashboard((s) => s.host?.cpuCount ?? null);
  const hostMemBytes = useDashboard((s) => s.host?.memTotalBytes ?? null);
  const points = useDashboard((s) => s.series[name] ?? NO_POINTS);
  const intervalMs = useDashboard((s) => s.intervalMs);
  const connected = useDashboard((s) => s.socketState === 'connected');

  const gone = detailError?.code === 'not_found' || (hasOverview && !sample);
  if (gone) {
    return (
      <main className="m-3 max-w-2xl space-y-2 border border-line bg-panel p-4">
        <p role="alert" className="font-bold text-danger">
          This sandbox no longer exists
        </p>
        <p className="text-muted">
          No sandbox named <span className="text-fg">{name}</span> is reported by the agent. It may have been removed.
        </p>
        <Link href="/" className="text-mem underline">
          Back to all sandboxes
        </Link>
      </main>
    );
  }
  if (!sample) {
    return <main className="p-3 text-muted">Waiting for the first sample of {name}…</main>;
  }

  const nowMs = points.at(-1)?.t ?? sample.t;
  // Both times come from the agent's clock, so no browser clock skew enters this comparison.
  const processesStale = processesT !== null && sample.t - processesT > STALE_INTERVALS * intervalMs;
  const windowMs = WINDOW_POINTS * intervalMs;
  return (
    <main className="space-y-3 p-3">
      <div className="space-y-2">
        <nav className="text-muted" aria-label="Breadcrumb">
          <Link href="/" className="hover:text-fg">
            Overview
          </Link>
          <span className="px-1.5 text-dim">/</span>
          <span aria-current="page" className="inline-block max-w-[60ch] truncate align-bottom text-fg">
            {name}
          </span>
        </nav>
        <h1 className="text-[18px] font-bold text-fg">{name}</h1>
        <StaleVeil>
          <SandboxSummary sample={sample} cpuCount={cpuCount} />
        </StaleVeil>
      </div>
      <div className="grid gap-3 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <StaleVeil>
          {/* Two columns as soon as the charts' own box is 48rem wide (below xl the controls move under them). */}
          <div className="@container">
            <div className="grid min-w-0 content-start gap-3 @3xl:grid-cols-2">
              <CpuChart
                points={points}
                limitPercent={sample.cpu.limitPercent}
                ceiling={cpuCeiling(sample.cpu, cpuCount)}
                nowMs={nowMs}
                windowMs={windowMs}
                height={150}
                footer={<CpuDetails cpu={sample.cpu} />}
              />
              <MemoryChart
                points={points}
                limitBytes={sample.memory.limitBytes}
                softLimitBytes={sample.memory.softLimitBytes}
                nowMs={nowMs}
                windowMs={windowMs}
                height={150}
                footer={<MemoryBreakdown memory={sample.memory} hostMemBytes={hostMemBytes} />}
              />
              <IoChart points={points} accounted={sample.io.devices !== null} nowMs={nowMs} windowMs={windowMs} footer={<IoDetails io={sample.io} />} />
              <PressurePanel pressure={sample.pressure} />
            </div>
          </div>
        </StaleVeil>
        <div className="min-w-0">
          <SandboxControlsLive sample={sample} cpuCount={cpuCount} disabled={!connected} />
        </div>
      </div>
      <ChildGroups sample={sample} cpuCount={cpuCount} />
      <section aria-label="Processes" className="border border-line bg-panel">
        <h2 className="flex items-baseline gap-3 border-b border-line px-2 py-1">
          <span className="font-bold">Processes</span>
          <span className="text-muted">{processes ? `${processes.length} shown` : detailError ? detailError.message : 'loading…'}</span>
          {processes && processesT !== null && (
            <span className={processesStale ? 'text-warn' : 'text-dim'}>
              as of {formatClock(processesT)}
              {processesStale && ' (not refreshed since; the agent sent no newer process list)'}
            </span>
          )}
        </h2>
        {processes && <ProcessTable processes={processes} sandboxName={name} />}
      </section>
    </main>
  );
}
