import Link from 'next/link';
import type { SandboxSample } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { Meter } from '@/components/ui/meter';
import { Sparkline } from '@/components/ui/sparkline';
import { formatByteRate, formatByteRateShort, formatNumber, formatPct } from '@/components/ui/format';
import { StateBadges } from './state-badges';

export interface SandboxRowProps {
  sample: SandboxSample;
  /** CPU % of machine over the last minute, oldest first (null = gap). */
  cpuHistory: Array<number | null>;
  /** Host memory, the bar's scale when the sandbox has no memory limit. */
  memTotalBytes: number | null;
  /** Top of the sparkline, % of machine; the same for every row so heights compare across rows. */
  sparkMax: number;
}

/** One overview row. Stable test id: sandbox-row-<name>. */
export function SandboxRow({ sample, cpuHistory, memTotalBytes, sparkMax }: SandboxRowProps) {
  const { cpu, memory, io } = sample;
  const memScale = memory.limitBytes ?? memTotalBytes;
  const memPercent = memory.usageBytes !== null && memScale ? (memory.usageBytes / memScale) * 100 : null;
  return (
    <tr data-testid={`sandbox-row-${sample.name}`} className="border-b border-line/60 hover:bg-panel-2">
      <td className="max-w-56 truncate px-1.5 py-1 lg:px-2">
        <Link href={`/sandboxes/${encodeURIComponent(sample.name)}`} className="font-bold text-fg hover:text-mem hover:underline">
          {sample.name}
        </Link>
      </td>
      <td className="px-1.5 py-1 lg:px-2">
        <div className="flex items-center gap-1.5 lg:gap-2">
          <Meter
            className="w-12 lg:w-28"
            percent={cpu.usagePercent}
            markPercent={cpu.limitPercent}
            title={`CPU ${formatPct(cpu.usagePercent)} of machine${cpu.limitPercent === null ? ', no limit' : `, limit ${formatPct(cpu.limitPercent)}`}`}
          />
          <span className="w-12 whitespace-nowrap text-right">{formatPct(cpu.usagePercent)}</span>
        </div>
      </td>
      <td className="whitespace-nowrap px-1.5 py-1 lg:px-2 text-right text-muted">{cpu.limitPercent === null ? '∞' : formatPct(cpu.limitPercent, 0)}</td>
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
      <td className="px-1.5 py-1 lg:px-2">
        <Sparkline
          values={cpuHistory}
          max={sparkMax}
          mark={cpu.limitPercent}
          label={`CPU over the last minute for ${sample.name}, scale 0 to ${sparkMax}% of machine`}
        />
      </td>
    </tr>
  );
}
