import type { ReactNode } from 'react';
import type { SandboxSample } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { cpuCeiling, cpuCeilingParts, describeCpuCeiling } from '@/lib/units/cpu';
import { formatNumber, formatPct } from '@/components/ui/format';
import { StateBadges } from './state-badges';

function Stat({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="min-w-20" title={title}>
      <div className="text-[10.5px] uppercase tracking-wide text-dim">{label}</div>
      <div className="text-[14px] text-fg">{children}</div>
    </div>
  );
}

/** The numbers line under a sandbox's name: what it costs the box right now. */
export function SandboxSummary({ sample, cpuCount = null }: { sample: SandboxSample; cpuCount?: number | null }) {
  const { cpu, memory } = sample;
  const ceiling = cpuCeiling(cpu, cpuCount);
  const limit = cpuCeilingParts(ceiling);
  const nearPidsLimit = sample.threads !== null && sample.pidsLimit !== null && sample.pidsLimit > 0 && sample.threads >= 0.9 * sample.pidsLimit;
  return (
    <div className="flex flex-wrap items-end gap-x-5 gap-y-2">
      <Stat label="CPU of machine" title={describeCpuCeiling(ceiling, cpu.limitPercent)}>
        <span className="text-cpu">{formatPct(cpu.usagePercent)}</span>
        <span className="text-muted"> / {limit.value}</span>
        {limit.note !== null && <span className="text-[12px] text-ceiling"> ({limit.note})</span>}
      </Stat>
      <Stat label="Cores">{formatNumber(cpu.usageCores, 2)}</Stat>
      <Stat label="Throttled" title="Share of CFS periods throttled over the last interval">
        <span className={cpu.throttledPercent ? 'text-warn' : ''}>{formatPct(cpu.throttledPercent, 0)}</span>
      </Stat>
      <Stat label="Memory">
        <span className="text-mem">{formatBytes(memory.usageBytes)}</span>
        <span className="text-muted"> / {memory.limitBytes === null ? '∞' : formatBytes(memory.limitBytes)}</span>
      </Stat>
      <Stat label="Working set">
        <span className="text-ws">{formatBytes(memory.workingSetBytes)}</span>
      </Stat>
      <Stat label="OOM kills">
        <span className={memory.oomKills ? 'text-danger' : ''}>{memory.oomKills ?? '—'}</span>
      </Stat>
      <Stat label="Pids" title="Processes (thread-group leaders) in cgroup.procs, child groups included">
        {sample.pids ?? '—'}
      </Stat>
      <Stat label="Threads / max" title="Threads in the group against pids.max (pids.max limits threads, not processes); ∞ = no limit or no pids controller">
        <span className={nearPidsLimit ? 'text-danger' : ''}>{sample.threads ?? '—'}</span>
        <span className="text-muted"> / {sample.pidsLimit === null ? '∞' : sample.pidsLimit}</span>
      </Stat>
      <div className="pb-0.5">
        <StateBadges sample={sample} />
      </div>
    </div>
  );
}
