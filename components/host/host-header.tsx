import type { ReactNode } from 'react';
import type { HostSample } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { formatPct, formatUptime } from '@/components/ui/format';
import { CoreBars, HtopBar } from './core-bars';

export interface HostHeaderProps {
  host: HostSample | null;
  sandboxCount: number;
  /** Sum of every sandbox's CPU, % of machine (what the tenants cost together). */
  sandboxesCpuPercent: number | null;
}

/** The htop-like top of the overview: per-core bars and memory on the left, host facts on the right. */
export function HostHeader({ host, sandboxCount, sandboxesCpuPercent }: HostHeaderProps) {
  if (!host) {
    return (
      <section aria-label="Host" className="border-b border-line px-3 py-3 text-muted">
        Waiting for the first sample from the agent…
      </section>
    );
  }
  const memPercent = host.memTotalBytes > 0 ? (host.memUsedBytes / host.memTotalBytes) * 100 : null;
  return (
    <section aria-label="Host" className="grid gap-x-8 gap-y-2 border-b border-line px-3 py-2 lg:grid-cols-[minmax(0,3fr)_minmax(18rem,2fr)]">
      <div className="space-y-1">
        <CoreBars perCpuPercent={host.perCpuPercent} />
        <HtopBar
          label="Mem"
          percent={memPercent}
          color="var(--color-mem)"
          text={`${formatBytes(host.memUsedBytes)}/${formatBytes(host.memTotalBytes)}`}
          title="Used = MemTotal − MemAvailable"
        />
      </div>
      <dl className="grid grid-cols-[auto_1fr] content-start gap-x-3 gap-y-0.5">
        <Fact term="Host">
          <span className="font-bold text-fg">{host.hostname}</span>
        </Fact>
        <Fact term="CPU">
          <span className="text-cpu">{formatPct(host.cpuPercent)}</span> of {host.cpuCount} CPU{host.cpuCount === 1 ? '' : 's'}
        </Fact>
        <Fact term="Load average">
          <span className="text-fg">{host.loadAvg.map((l) => l.toFixed(2)).join(' ')}</span>
        </Fact>
        <Fact term="Uptime">{formatUptime(host.uptimeSeconds)}</Fact>
        <Fact term="Memory">
          {formatBytes(host.memUsedBytes)} used, {formatBytes(host.memAvailableBytes)} available
        </Fact>
        <Fact term="cgroups">
          <span className="text-fg">{host.layout === 'v2' ? 'v2 (unified)' : host.layout === 'hybrid' ? 'hybrid (v1 + v2)' : 'v1 (legacy)'}</span>
        </Fact>
        <Fact term="Sandboxes">
          <span className="text-fg">{sandboxCount}</span>
          {sandboxCount > 0 && <> · using {formatPct(sandboxesCpuPercent)} of machine</>}
        </Fact>
      </dl>
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-mem">{term}:</dt>
      <dd className="text-muted">{children}</dd>
    </>
  );
}
