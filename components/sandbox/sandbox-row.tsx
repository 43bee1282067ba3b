import Link from 'next/link';
import type { SandboxSample } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { cpuCeiling, cpuCeilingParts, describeCpuCeiling } from '@/lib/units/cpu';
import { groupLeaf } from '@/lib/store/tree';
import { Meter } from '@/components/ui/meter';
import { Sparkline } from '@/components/ui/sparkline';
import { formatByteRate, formatByteRateShort, formatNumber, formatPct } from '@/components/ui/format';
import { StateBadges } from './state-badges';

export interface SandboxRowProps {
  sample: SandboxSample;
  /** CPU % of machine over the last minute, oldest first (null = gap); null = no history kept (child groups). */
  cpuHistory: Array<number | null> | null;
  /** Host memory, the bar's scale when the sandbox has no memory limit. */
  memTotalBytes: number | null;
  /** Online CPUs of the host (tells a cpuset ceiling from an inherited one); null = unknown. */
  cpuCount?: number | null;
  /** Top of the sparkline, % of machine; the same for every row so heights compare across rows. */
  sparkMax: number;
  /** 0 for a sandbox, 1 for one of its child groups, … Child rows are read-only: no link to a page. */
  depth?: number;
  /** Whether the group has child groups (then the row gets an expand/collapse toggle). */
  hasChildren?: boolean;
  expanded?: boolean;
  onToggle?: () => void;
  /** Keep room for a toggle even without children, so names line up when some row has one. */
  toggleSlot?: boolean;
}

/** Pixels of indent per tree level. */
const INDENT_PX = 14;

/**
 * One overview row: a sandbox (its numbers are totals over its child groups) or, indented under it, one
 * of its child groups with its own numbers. Stable test id: sandbox-row-<name>, where a child group's
 * name is its path ("sandbox-row-bob/worker1").
 */
export function SandboxRow({
  sample, cpuHistory, memTotalBytes, cpuCount = null, sparkMax, depth = 0, hasChildren = false, expanded = false, onToggle, toggleSlot = false,
}: SandboxRowProps) {
  const { cpu, memory, io } = sample;
  const memScale = memory.limitBytes ?? memTotalBytes;
  const memPercent = memory.usageBytes !== null && memScale ? (memory.usageBytes / memScale) * 100 : null;
  const ceiling = cpuCeiling(cpu, cpuCount);
  const limit = cpuCeilingParts(ceiling, 0);
  const isChild = depth > 0;
  return (
    <tr data-testid={`sandbox-row-${sample.name}`} className={`border-b border-line/60 hover:bg-panel-2 ${isChild ? 'bg-panel/60' : ''}`}>
      <td className="max-w-56 px-1.5 py-1 lg:px-2">
        <div className="flex min-w-0 items-center" style={depth ? { paddingLeft: depth * INDENT_PX } : undefined}>
          {hasChildren ? (
            <button
              type="button"
              onClick={onToggle}
              aria-expanded={expanded}
              aria-label={`Expand ${sample.name}`}
              title={`${expanded ? 'Hide' : 'Show'} the child groups of ${sample.name}`}
              className="-my-1 mr-0.5 w-4 shrink-0 py-1 text-center text-muted hover:text-fg"
            >
              <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
            </button>
          ) : (
            (toggleSlot || isChild) && <span aria-hidden="true" className={`mr-0.5 w-4 shrink-0 text-center ${isChild ? 'text-dim' : ''}`}>{isChild ? '└' : ''}</span>
          )}
          {isChild ? (
            <span className="truncate text-fg" title={`${sample.name}: child group (read-only; commands apply to the whole sandbox)`}>
              {groupLeaf(sample.name)}
            </span>
          ) : (
            <Link href={`/sandboxes/${encodeURIComponent(sample.name)}`} className="truncate font-bold text-fg hover:text-mem hover:underline">
              {sample.name}
            </Link>
          )}
        </div>
      </td>
      <td className="px-1.5 py-1 lg:px-2">
        <div className="flex items-center gap-1.5 lg:gap-2">
          <Meter
            className="w-12 lg:w-28"
            percent={cpu.usagePercent}
            markPercent={ceiling.percent}
            title={`CPU ${formatPct(cpu.usagePercent)} of machine${ceiling.percent === null ? ', no limit' : `, limit ${formatPct(ceiling.percent)}`}`}
          />
          <span className="w-12 whitespace-nowrap text-right">{formatPct(cpu.usagePercent)}</span>
        </div>
      </td>
      <td className="px-1.5 py-1 lg:px-2 text-right text-muted" title={describeCpuCeiling(ceiling, cpu.limitPercent)}>
        <span className="whitespace-nowrap">{limit.value}</span>
        {limit.note !== null && (
          <>
            {' '}
            <span className="whitespace-nowrap text-[11px] text-ceiling">({limit.note})</span>
          </>
        )}
      </td>
      <td className="px-1.5 py-1 lg:px-2 text-right">{formatNumber(cpu.usageCores, 2)}</td>
      <td className="px-1.5 py-1 lg:px-2">
        <div className="flex items-center gap-1.5 lg:gap-2">
          <Meter className="w-12 lg:w-28" percent={memPercent} color={memPercent !== null && memPercent >= 90 ? 'var(--color-danger)' : 'var(--color-mem)'} />
          {/* Usage and limit may break onto two lines when the table is squeezed, rather than overflow it. */}
          <span>
            <span className="whitespace-nowrap">{formatBytes(memory.usageBytes)}</span>{' '}
            <span className="whitespace-nowrap text-muted">/ {memory.limitBytes === null ? '∞' : formatBytes(memory.limitBytes)}</span>
          </span>
        </div>
      </td>
      <td className="whitespace-nowrap px-1.5 py-1 lg:px-2 text-right">{formatBytes(memory.workingSetBytes)}</td>
      <td
        className="whitespace-nowrap px-1.5 py-1 lg:px-2 text-right"
        title={
          io.devices === null
            ? 'No block I/O accounting for this group'
            : `Block I/O: read ${formatByteRate(io.readBytesPerSec)}, write ${formatByteRate(io.writeBytesPerSec)}`
        }
      >
        {io.devices === null && io.readBytesPerSec === null && io.writeBytesPerSec === null ? (
          <span className="text-dim">—</span>
        ) : (
          <>
            <span className={io.readBytesPerSec ? 'text-read' : 'text-muted'}>{formatByteRateShort(io.readBytesPerSec)}</span>
            <span className="text-dim">/</span>
            <span className={io.writeBytesPerSec ? 'text-write' : 'text-muted'}>{formatByteRateShort(io.writeBytesPerSec)}</span>
          </>
        )}
      </td>
      <td className="px-1.5 py-1 lg:px-2 text-right">{sample.pids ?? '—'}</td>
      <td className="px-1.5 py-1 lg:px-2">
        <StateBadges sample={sample} />
      </td>
      <td className="px-1.5 py-1 lg:px-2" title={cpuHistory === null ? 'No history is kept for child groups' : undefined}>
        {cpuHistory !== null && (
          <Sparkline
            values={cpuHistory}
            max={sparkMax}
            mark={ceiling.percent}
            label={`CPU over the last minute for ${sample.name}, scale 0 to ${sparkMax}% of machine`}
          />
        )}
      </td>
    </tr>
  );
}
